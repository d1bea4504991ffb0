import { Writable } from 'node:stream';
import { formatTime } from '../i18n/index.js';
import { paint } from '../ui/colour.js';

/**
 * The daemon's JSON log lines made readable for a person watching `labmss watch` at a terminal:
 * `22/11/2026 10:03:12  INFO   sent  delivery=D42 reply="250 2.0.0 Ok"`, in the lab's time zone, warnings
 * and errors in colour. The fields are the same as in the JSON (stable English keys); only the layout differs.
 */
export function readableLine(json: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try { entry = JSON.parse(json) as Record<string, unknown>; } catch { return json; }
  const { level, time, msg, pid: _pid, name: _name, ...fields } = entry;
  const label = String(level ?? 'info').toUpperCase().padEnd(5);
  const tone = level === 'error' || level === 'fatal' ? 'fail' : level === 'warn' ? 'warn' : undefined;
  const rest = Object.entries(fields).map(([k, v]) => {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    return `${k}=${/[\s"]/.test(text) ? JSON.stringify(text) : text}`;
  }).join(' ');
  const line = `${formatTime(typeof time === 'string' ? time : undefined)}  ${label}  ${String(msg ?? '')}${rest ? `  ${rest}` : ''}`;
  return tone ? paint(tone, line, colour) : line;
}

/** A destination for the logger that writes readable lines to `out`. */
export function readableStream(out: NodeJS.WritableStream, colour: boolean): Writable {
  let buffered = '';
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      buffered += chunk.toString('utf8');
      let nl;
      let text = '';
      while ((nl = buffered.indexOf('\n')) >= 0) {
        text += `${readableLine(buffered.slice(0, nl), colour)}\n`;
        buffered = buffered.slice(nl + 1);
      }
      if (text) out.write(text, () => done()); else done();
    },
  });
}
