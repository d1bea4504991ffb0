/** A measured figure and the target the issues set for it: `npm run bench` prints each with met / not met. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Absent: a figure shown for context (e.g. bare nodemailer's rate), with no target of its own. */
  target?: { op: '<=' | '>='; value: number };
}

export const figure = (name: string, value: number, unit: string, target?: Figure['target']): Figure =>
  ({ name, value: Number.isFinite(value) ? +value.toPrecision(4) : value, unit, ...(target ? { target } : {}) });

export const met = (f: Figure): boolean | undefined =>
  f.target === undefined ? undefined : f.target.op === '<=' ? f.value <= f.target.value : f.value >= f.target.value;

export function describeFigure(f: Figure): string {
  const verdict = met(f);
  const target = f.target ? `  (target ${f.target.op === '<=' ? '≤' : '≥'} ${f.target.value} ${f.unit}: ${verdict ? 'met' : 'NOT MET'})` : '';
  return `${f.name}: ${f.value} ${f.unit}${target}`;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
