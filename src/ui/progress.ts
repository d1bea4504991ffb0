import type { GlobalOptions } from '../cli/context.js';

/** Spinners only for a person at a terminal: never with --json or --quiet, never into a pipe or a log. */
export function progressWanted(opts: GlobalOptions, stream: NodeJS.WriteStream = process.stderr): boolean {
  return Boolean(stream.isTTY && process.stdout.isTTY) && !opts.json && !opts.quiet;
}

/**
 * Runs `work` under an ora spinner whose text is refreshed from `text()` (e.g. counts of a pass summary
 * that the work updates as it goes). Without a terminal it just runs the work: the command prints its
 * plain summary lines afterwards either way, and the spinner leaves no line of its own. ora is loaded only here, so other commands start fast.
 */
export async function withProgress<T>(opts: GlobalOptions, text: () => string, work: () => Promise<T>): Promise<T> {
  if (!progressWanted(opts)) return work();
  const { default: ora } = await import('ora');
  const spinner = ora({ text: text(), stream: process.stderr }).start();
  const refresh = setInterval(() => { spinner.text = text(); }, 100);
  try {
    return await work();
  } finally {
    clearInterval(refresh);
    // Cleared, not "succeeded": the command prints its summary next, once (it was printed twice).
    spinner.stop();
  }
}
