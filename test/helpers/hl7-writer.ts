import iconv from 'iconv-lite';

/** A small HL7 v2.5 ORU^R01 writer for tests: what a LIS would export, escapes included. */

export interface WrittenResult {
  code: string;
  label: string;
  loinc?: string;
  /** NM when it is a decimal, else ST. */
  value: string;
  unit?: string;
  range?: string;
  flag?: string;
  /** OBX-6 / OBX-7 written as is, components and all (`CD:289^mg/dL^L`), instead of `unit` / `range`. */
  unitField?: string;
  rangeField?: string;
}

export interface WrittenReport {
  familyName: string;
  givenName?: string;
  ipp: string;
  fillerId: string;
  results: WrittenResult[];
}

export interface WriteOptions {
  /** MSH-18 spelling and the matching encoding. */
  charset?: { msh18: string; encoding: string };
  eol?: '\r' | '\n' | '\r\n';
  messageId?: string;
}

/** HL7 escaping of the five delimiters (escape first so nothing is escaped twice). */
export function escapeHl7(text: string): string {
  return text.replace(/\\/g, '\\E\\').replace(/\|/g, '\\F\\').replace(/\^/g, '\\S\\').replace(/&/g, '\\T\\').replace(/~/g, '\\R\\')
    .replace(/\r\n|\r|\n/g, '\\.br\\');
}

function ts(): string {
  return '20240102030405';
}

/** One message per report; several reports make a file with several messages. */
export function writeHl7(reports: WrittenReport[], opts: WriteOptions = {}): Buffer {
  const eol = opts.eol ?? '\r';
  const charset = opts.charset ?? { msh18: 'UNICODE UTF-8', encoding: 'utf-8' };
  const e = escapeHl7;
  const lines: string[] = [];
  reports.forEach((r, i) => {
    lines.push(`MSH|^~\\&|LIS|LAB|||${ts()}||ORU^R01^ORU_R01|${opts.messageId ?? 'M'}${i + 1}|P|2.5|||||FRA|${charset.msh18}`);
    lines.push(`PID|1||${e(r.ipp)}^^^LAB^PI||${e(r.familyName)}^${e(r.givenName ?? '')}||19800101|U`);
    lines.push(`ORC|NW||${e(r.fillerId)}`);
    lines.push(`OBR|1||${e(r.fillerId)}|PANEL^Panel^L|||${ts()}|||||||||||||||||CH|F`);
    r.results.forEach((x, n) => {
      const type = /^[+-]?\d+(\.\d+)?$/.test(x.value) ? 'NM' : 'ST';
      const id = `${e(x.code)}^${e(x.label)}^L${x.loinc ? `~${x.loinc}^${e(x.label)}^LN` : ''}`;
      lines.push(`OBX|${n + 1}|${type}|${id}||${e(x.value)}|${x.unitField ?? e(x.unit ?? '')}|${x.rangeField ?? e(x.range ?? '')}|${e(x.flag ?? '')}|||F`);
    });
  });
  return iconv.encode(lines.join(eol) + eol, charset.encoding);
}
