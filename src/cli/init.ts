import type { Command } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configSchema } from '../config/load.js';
import { writeAtomic } from '../queue/spool.js';
import { t, useLocale } from '../i18n/index.js';
import { CliError, out } from './context.js';

/** A starting config: every key a lab must change is there with a placeholder; everything else has a default. */
export function startingConfig(): Record<string, unknown> {
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
    paths: { export: 'export', state: 'state', print: 'print' },
    stage: 1,
    addressBook: 'address-book.csv',
    message: { nil: '' },
    transport: { type: 'outbox' },
    // People at a French lab read French; `en` (or removing the key: the locale decides) for English.
    ui: { language: 'fr' },
  };
}

export function register(program: Command): void {
  program.command('init')
    .argument('[dir]', '', '.')
    .action(async (dir: string, _opts, cmd: Command) => {
      const root = resolve(dir);
      const file = join(root, 'labmss.json');
      if (existsSync(file)) throw new CliError(t().init.exists({ file }));
      for (const d of ['export', 'state', 'print']) mkdirSync(join(root, d), { recursive: true, mode: 0o700 });
      await writeAtomic(join(root, 'labmss.schema.json'), `${JSON.stringify(configSchema, null, 2)}\n`);
      await writeAtomic(join(root, 'address-book.csv'), 'code,rpps,adeli,address,name\n');
      await writeAtomic(file, `${JSON.stringify(startingConfig(), null, 2)}\n`);
      // The new config's language (French by default) from now on, as any later command would use it.
      useLocale({ language: 'fr' });
      out(cmd, { config: file }, () => t().init.done({ file, export: join(root, 'export') }));
    });
}
