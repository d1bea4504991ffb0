import type { Logger } from './logger.js';

export interface Stoppable {
  stop(): Promise<void>;
  reload(): Promise<boolean>;
  kick(): void;
}

/** systemd waits 90 s by default; the issue asks for 10: past this, in-flight work is abandoned safely. */
export const SHUTDOWN_DEADLINE_MS = 9_000;

/**
 * SIGTERM / SIGINT stop the daemon gracefully, then `release` (journal, lock) runs and the process
 * exits. If stopping takes longer than the deadline, or a second signal comes, it exits at once: what
 * was under way is resumed at the next start (claimed files from the spool, `sending` deliveries with
 * their same .eml), so abandoning is safe. SIGHUP reloads the config; SIGUSR2 looks for work now.
 */
export function handleSignals(daemon: Stoppable, log: Logger, release: () => void): Promise<number> {
  return new Promise((resolveExit) => {
    let stopping = false;
    const finish = (code: number) => {
      try { release(); } catch (err) { log.error({ err: (err as Error).message }, 'release failed'); }
      resolveExit(code);
    };
    const onStop = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now; unfinished work resumes at the next start');
        finish(0);
        return;
      }
      stopping = true;
      log.info({ signal }, 'stopping: no new files claimed, finishing work under way');
      const deadline = setTimeout(() => {
        log.warn({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'work still under way at the deadline: abandoned, resumed at the next start');
        finish(0);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      daemon.stop().then(() => {
        clearTimeout(deadline);
        log.info('stopped');
        finish(0);
      }, (err: unknown) => {
        clearTimeout(deadline);
        log.error({ err: (err as Error).message }, 'error while stopping');
        finish(1);
      });
    };
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    process.on('SIGHUP', () => { log.info('SIGHUP: reloading the config'); void daemon.reload(); });
    process.on('SIGUSR2', () => daemon.kick());
  });
}
