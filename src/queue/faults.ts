/**
 * Faults of the machine rather than of a file: a full disk, an I/O error, a busy or full database. The
 * file that met one is not to blame: it stays claimed, and is processed again once the fault has gone
 * (the daemon retries by itself with a back-off; `run` exits 1 naming it).
 */
const TRANSIENT_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EMFILE', 'ENFILE', 'EAGAIN', 'EBUSY', 'ENOMEM', 'ETIMEDOUT', 'ESTALE', 'EROFS']);

export function isTransientFault(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  return TRANSIENT_CODES.has(code) || /^SQLITE_(FULL|IOERR|BUSY|LOCKED|PROTOCOL|NOMEM)/.test(code);
}

/** The fault in a few words without paths or content (paths name patients): `ENOSPC (write)`, `SQLITE_FULL`. */
export function describeFault(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string') {
    const what = e.code.startsWith('SQLITE_') ? 'the journal database' : e.syscall ? `${e.syscall}` : '';
    return `${e.code}${what ? ` (${what})` : ''}`;
  }
  const message = (err as Error)?.message ?? String(err);
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
