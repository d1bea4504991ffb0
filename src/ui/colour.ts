/**
 * Colours for a person at a terminal only: never into a pipe, a file or a log, never with NO_COLOR set
 * (https://no-color.org) or TERM=dumb.
 */
export function colourWanted(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}

const CODES = { fail: 31, warn: 33, ok: 32, dim: 2 } as const;
export type Tone = keyof typeof CODES;

/** `text` in the tone's colour when `on`, unchanged otherwise. */
export function paint(tone: Tone, text: string, on = colourWanted()): string {
  return on ? `\x1b[${CODES[tone]}m${text}\x1b[0m` : text;
}

/** The tone of a delivery state in what people read: what needs a person is red, what waits is yellow. */
export function stateTone(state: string): Tone | undefined {
  if (state === 'held' || state === 'failed' || state === 'bounced' || state === 'quarantined') return 'fail';
  if (state === 'deferred') return 'warn';
  return undefined;
}

/** A line whose leading word is a state, painted by that state's tone. */
export function paintLine(state: string, line: string, on = colourWanted()): string {
  const tone = stateTone(state);
  return tone ? paint(tone, line, on) : line;
}
