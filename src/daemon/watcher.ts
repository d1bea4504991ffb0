import { watch, type FSWatcher } from 'chokidar';
import { basename, resolve } from 'node:path';
import { globMatcher } from '../queue/spool.js';

export interface ExportWatcher {
  /** Resolves once the watch is in place (files that appear from then on are reported). */
  ready: Promise<void>;
  close(): Promise<void>;
}

export interface WatchOptions {
  /** intake.ignore: temp names of write-then-rename (`*.tmp`, `~*`, dotfiles…) are never reported. */
  ignore: string[];
  /** watch.stableMilliseconds: a file is finished once its size has not changed for this long. */
  stableMs: number;
  onError(err: Error): void;
}

/**
 * Reports each finished file of the export folder (top level only). chokidar's write-finish detection
 * holds a file back until its size is stable, so a file written slowly in chunks is reported once,
 * complete; a file renamed in from a temp name arrives complete and is reported after the same delay.
 * Files already there at start-up are not reported here: the daemon's scans find them.
 */
export function watchExport(dir: string, opts: WatchOptions, onFile: (path: string) => void): ExportWatcher {
  const root = resolve(dir);
  const ignored = globMatcher(opts.ignore);
  const watcher: FSWatcher = watch(root, {
    depth: 0,
    ignoreInitial: true,
    usePolling: false,
    persistent: true,
    awaitWriteFinish: { stabilityThreshold: opts.stableMs, pollInterval: Math.max(20, Math.min(100, Math.floor(opts.stableMs / 4))) },
    ignored: (path, stats) => path !== root && (ignored(basename(path)) || Boolean(stats && !stats.isFile())),
  });
  // `change` after write-finish also means finished: a file created empty, then filled.
  watcher.on('add', onFile);
  watcher.on('change', onFile);
  watcher.on('error', (err) => opts.onError(err as Error));
  const ready = new Promise<void>((res) => watcher.once('ready', () => res()));
  return { ready, close: () => watcher.close() };
}
