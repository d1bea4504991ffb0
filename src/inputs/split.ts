/**
 * `text.split(sep)` for a one-character separator, written out: JIT-compiled indexOf and slice beat the
 * runtime split on the millions of short records of a big file.
 */
export function splitOn(text: string, sep: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let at = text.indexOf(sep); at >= 0; at = text.indexOf(sep, from)) {
    out.push(text.slice(from, at));
    from = at + 1;
  }
  out.push(text.slice(from));
  return out;
}
