import { pino, type Logger } from 'pino';

export type { Logger };
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * JSON lines on stdout, one object per event, for journald (`journalctl -u labmss -o cat | jq`).
 * What is logged: ids (F12, R3, D42), states and counts. Never a file name (often the patient's), a
 * patient's name, an INS, a result value or a recipient address at info or warn level: those stay in the
 * journal, behind its file mode, and in debug lines.
 */
export function createLogger(level: LogLevel, destination: NodeJS.WritableStream = process.stdout): Logger {
  return pino({
    name: 'labmss',
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, destination as pino.DestinationStream);
}
