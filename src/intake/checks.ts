import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ResolvedConfig } from '../config/load.js';
import type { Finding } from '../mail/smtp/certs.js';
import { TAKEN_FOLDER } from './claim.js';
import { ExportLooker, intakeRules } from './look.js';

/** statfs(2) magic numbers of filesystems whose files live on another machine (linux/magic.h). */
const NETWORK_FILESYSTEMS = new Map<number, string>([
  [0x6969, 'NFS'], [0x517b, 'SMB'], [0xff534d42, 'CIFS'], [0xfe534d42, 'SMB2'], [0x01021997, '9P'],
  [0x65735546, 'FUSE (sshfs, rclone…)'], [0x00c36400, 'CephFS'], [0x0bd00bd0, 'Lustre'], [0x5346414f, 'AFS'],
  [0x73757245, 'Coda'], [0x01161970, 'GFS2'], [0x7461636f, 'OCFS2'],
]);

/** The kind of network filesystem a statfs type is, or undefined for a local one. */
export function networkFilesystem(type: number): string | undefined {
  return NETWORK_FILESYSTEMS.get(type);
}

/** The filesystem `path` is on (its nearest existing folder when it does not exist yet). */
function filesystemOf(path: string): string | undefined {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  return networkFilesystem(statfsSync(p).type);
}

/**
 * What `doctor` says about the folders: the state directory on a local disk (SQLite's WAL needs shared
 * memory and locks that network filesystems do not give), the export folder there and writable (labmss
 * creates and renames files in it to claim them), readable files, and polling on a share.
 */
export function folderChecks(cfg: ResolvedConfig): Finding[] {
  const f: Finding[] = [];
  const { state, export: exportDir } = cfg.paths;
  const stateFs = filesystemOf(state);
  f.push(stateFs
    ? { level: 'warn', what: `state directory ${state} is on a network filesystem (${stateFs}): the journal's WAL must be on a local disk`, fix: 'set paths.state to a folder of a local disk (e.g. /var/lib/labmss)' }
    : { level: 'ok', what: `state directory ${state} is on a local filesystem` });

  if (!existsSync(exportDir) || !statSync(exportDir).isDirectory()) {
    f.push({ level: 'fail', what: `export folder ${exportDir} does not exist`, fix: 'create it (group-writable for the LIS account, see docs/operations.md) or fix paths.export' });
    return f;
  }
  const probe = join(exportDir, TAKEN_FOLDER, `doctor-${process.pid}`);
  try {
    mkdirSync(dirname(probe), { recursive: true, mode: 0o700 });
    writeFileSync(probe, 'labmss doctor');
    renameSync(probe, `${probe}.renamed`);
    rmSync(`${probe}.renamed`);
    f.push({ level: 'ok', what: `export folder ${exportDir}: files can be created and renamed (claims work)` });
  } catch (err) {
    rmSync(probe, { force: true });
    f.push({ level: 'fail', what: `export folder ${exportDir}: cannot create and rename a file: ${(err as Error).message}`,
      fix: 'give the labmss account write access to the export folder (group-writable, see docs/operations.md), and under systemd list it in ReadWritePaths' });
  }

  const files = new ExportLooker(exportDir, intakeRules(cfg)).list();
  const unreadable = files.filter((c) => { try { accessSync(c.path, constants.R_OK); return false; } catch { return true; } });
  if (unreadable.length) {
    f.push({ level: 'fail', what: `${unreadable.length} file(s) of the export folder cannot be read by labmss (e.g. ${unreadable[0]!.name})`,
      fix: 'the LIS must write files readable by the export group (umask 007, or file_mode=0660 on a CIFS mount)' });
  }
  const exportFs = filesystemOf(exportDir);
  if (exportFs && !cfg.watch.usePolling) {
    f.push({ level: 'warn', what: `export folder ${exportDir} is on ${exportFs}: change events never arrive from a share, files are found only by the rescan every ${cfg.watch.rescanSeconds} s`,
      fix: 'set watch.usePolling: true' });
  }
  return f;
}
