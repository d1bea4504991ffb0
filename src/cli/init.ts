import type { Command } from 'commander';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import configSchema from '../config/config.schema.json' with { type: 'json' };
import type { ResolvedConfig } from '../config/load.js';
import { writeAtomic } from '../queue/spool.js';
import { t, useLocale } from '../i18n/index.js';
import { CliError, out } from './context.js';

/** Where a lab's files go: beside the config, or the system layout of examples/systemd/labmss.service. */
interface Layout { config: string; export: string; state: string; print: string }

function layoutFor(dir: string | undefined, prefix: string | undefined): Layout {
  if (prefix === undefined) {
    const root = resolve(dir ?? '.');
    return { config: root, export: join(root, 'export'), state: join(root, 'state'), print: join(root, 'print') };
  }
  const p = resolve(prefix);
  return {
    config: dir ? resolve(dir) : join(p, 'etc', 'labmss'),
    export: join(p, 'srv', 'sil', 'export'),
    state: join(p, 'var', 'lib', 'labmss'),
    print: join(p, 'var', 'lib', 'labmss', 'print'),
  };
}

/** A starting config: every key a lab must change is there with a placeholder; everything else has a default. Paths are absolute. */
export function startingConfig(layout: Pick<Layout, 'config' | 'export' | 'state' | 'print'> = layoutFor('.', undefined)): Record<string, unknown> {
  return {
    $schema: './labmss.schema.json',
    lab: {
      name: 'Laboratoire de biologie médicale (à renseigner)',
      finess: '000000000',
      address: { lines: ['1 rue de l’Exemple'], postalCode: '75000', city: 'PARIS' },
      phone: '01 00 00 00 00',
      mailbox: 'laboratoire@exemple.mssante.fr',
      timezone: 'Europe/Paris',
    },
    paths: { export: layout.export, state: layout.state, print: layout.print },
    stage: 1,
    addressBook: join(layout.config, 'address-book.csv'),
    message: { nil: '' },
    transport: { type: 'outbox' },
    // People at a French lab read French; `en` (or removing the key: the locale decides) for English.
    ui: { language: 'fr' },
  };
}

/** The lab's settings still at `init`'s placeholder values: they would print on every report sent. */
export function placeholdersLeft(lab: ResolvedConfig['lab']): string[] {
  const start = startingConfig().lab as { name: string; finess: string; mailbox: string; address: { lines: string[] } };
  return [
    lab.name === start.name && `lab.name "${lab.name}"`,
    lab.finess === start.finess && `lab.finess ${lab.finess}`,
    lab.mailbox === start.mailbox && `lab.mailbox ${lab.mailbox}`,
    lab.address?.lines?.[0] === start.address.lines[0] && `lab.address "${start.address.lines[0]}"`,
  ].filter((x): x is string => !!x);
}

/** A user's or group's numeric id from the system's databases (getent: /etc files, LDAP, sssd…). */
function idOf(database: 'passwd' | 'group', name: string): number {
  try {
    return Number(execFileSync('getent', [database, name], { encoding: 'utf8' }).split(':')[2]);
  } catch {
    throw new CliError(`no ${database === 'passwd' ? 'user' : 'group'} named ${name} on this machine`);
  }
}

/**
 * Creates `dir` with `mode`, and its missing parents 0755 whatever the umask: the LIS and labmss accounts
 * must both get through to their folders (/srv/sil/export).
 */
function makeDir(dir: string, mode: number): boolean {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) mkdirSync(d);
  for (const d of missing) chmodSync(d, d === dir ? mode : 0o755);
  return missing.length > 0;
}

export function register(program: Command): void {
  program.command('init')
    .description('write a starting labmss.json (absolute paths), its JSON Schema, an address book and the folders')
    .argument('[dir]', 'where the config goes (default: . , or PREFIX/etc/labmss with --prefix)')
    .option('--prefix <path>', 'the system layout of examples/systemd/labmss.service under PATH (/ for a real install): config in etc/labmss, state in var/lib/labmss, export in srv/sil/export')
    .option('--user <name>', 'the account labmss runs as (owner of the state and export folders)')
    .option('--export-group <name>', 'the group of the LIS account: the export folder is made writable by it')
    .action(async (dir: string | undefined, opts: { prefix?: string; user?: string; exportGroup?: string }, cmd: Command) => {
      const layout = layoutFor(dir, opts.prefix);
      const file = join(layout.config, 'labmss.json');
      if (existsSync(file)) throw new CliError(t().init.exists({ file }));
      const uid = opts.user === undefined ? -1 : idOf('passwd', opts.user);
      const gid = opts.exportGroup === undefined ? -1 : idOf('group', opts.exportGroup);
      makeDir(layout.config, 0o755);
      for (const d of [layout.state, layout.print]) {
        makeDir(d, 0o700);
        if (uid >= 0) chownSync(d, uid, -1);
      }
      // The LIS writes here and labmss takes files away: both need write access. setgid keeps new files
      // (and labmss's .labmss/ folder) in the export group.
      // An existing export folder (a share mounted there: its mount options decide) is left as it is.
      const madeExport = makeDir(layout.export, 0o2770);
      if (madeExport && (uid >= 0 || gid >= 0)) chownSync(layout.export, uid, gid);
      await writeAtomic(join(layout.config, 'labmss.schema.json'), `${JSON.stringify(configSchema, null, 2)}\n`);
      await writeAtomic(join(layout.config, 'address-book.csv'), 'code,rpps,adeli,address,name\n');
      await writeAtomic(file, `${JSON.stringify(startingConfig(layout), null, 2)}\n`);
      // The service reads its config: owned by its account, mode 0600 (secrets stay in the environment or their own files).
      if (uid >= 0) for (const f of ['labmss.json', 'labmss.schema.json', 'address-book.csv']) chownSync(join(layout.config, f), uid, -1);
      // The new config's language (French by default) from now on, as any later command would use it.
      useLocale({ language: 'fr' });
      out(cmd, { config: file, paths: { export: layout.export, state: layout.state, print: layout.print } },
        () => t().init.done({ file, export: layout.export, state: layout.state, madeExport, group: opts.exportGroup }));
    });
}
