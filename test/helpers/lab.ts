import { cpSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveConfig, type ResolvedConfig } from '../../src/config/load.js';
import { repoRoot } from './paths.js';
import { Journal } from '../../src/queue/journal.js';
import { tmpDir } from './tmp.js';
import { runCli } from './spawn-cli.js';

/** A lab in a temp folder: the example config and address book, an empty export folder, overrides applied. */
export function tempLab(overrides: Record<string, unknown> = {}): { dir: string; configFile: string; config: ResolvedConfig; exportDir: string } {
  const dir = tmpDir('labmss-lab-');
  cpSync(join(repoRoot, 'examples', 'address-book.csv'), join(dir, 'address-book.csv'));
  mkdirSync(join(dir, 'export'));
  const raw = {
    lab: {
      name: 'Laboratoire de Test', finess: '750000001', mailbox: 'labo-test@mss.test', timezone: 'Europe/Paris',
      address: { lines: ['1 rue du Test'], postalCode: '75012', city: 'PARIS' }, phone: '01 00 00 00 00',
    },
    paths: { export: 'export', state: 'state' },
    intake: { settleSeconds: 0 },
    addressBook: 'address-book.csv',
    message: { nil: 'LABMSS-TEST' },
    ...overrides,
  };
  const configFile = join(dir, 'labmss.json');
  writeFileSync(configFile, JSON.stringify(raw, null, 2));
  return { dir, configFile, config: resolveConfig(structuredClone(raw), configFile), exportDir: join(dir, 'export') };
}

/** A small valid LabReport routed to dr.martin@mss.test through the example address book. */
export function sampleReport(n = 1, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    patient: { ids: { ipp: `IPP${n}` }, familyName: `PATIENT${n}`, givenNames: ['Élodie'], birthDate: '1980-01-02', sex: 'F' },
    prescriber: { code: 'MART01', familyName: 'MARTIN', givenName: 'Jean' },
    request: { fillerId: `DOS${n}`, collectedAt: '2026-11-20T08:00', reportedAt: '2026-11-20T12:00' },
    status: 'final',
    chapters: [{ label: 'Biochimie', code: 'BIOCH', batteries: [{ label: 'Glycémie', code: 'GLY', results: [
      { code: 'GLY', label: 'Glucose', value: { kind: 'numeric', value: `5.${n}0` }, unit: 'mmol/L', range: { low: '3.90', high: '5.80', text: '3.90 - 5.80' } },
    ] }] }],
    ...extra,
  };
}

/** Puts the test domain on the lab's MSSanté allow-list (the SMTP transport sends nowhere else). */
export function allowTestDomain(config: ResolvedConfig, dir: string, domain = 'mss.test'): void {
  mkdirSync(config.paths.state, { recursive: true });
  const list = join(dir, 'listeblanche.xml');
  writeFileSync(list, `<?xml version="1.0" encoding="UTF-8"?><ListeBlanche><Domaine><Nom>${domain}</Nom></Domaine></ListeBlanche>`);
  const journal = Journal.open(config.paths.state, { actor: 'test' });
  try { journal.importAllowlist(list); } finally { journal.close(); }
}

/**
 * The example lab (examples/) copied to a temp folder without any state a quick start left there, so a
 * run can move its export files and tests never depend on what happened to examples/; in `language`.
 */
export function exampleLab(language: 'fr' | 'en' = 'en'): { dir: string; config: string; cli: (...a: string[]) => ReturnType<typeof runCli> } {
  const dir = tmpDir('labmss-cli-');
  cpSync(join(repoRoot, 'examples'), dir, { recursive: true, filter: (src) => !src.startsWith(join(repoRoot, 'examples', 'state')) });
  const config = join(dir, 'labmss.json');
  // The example speaks French (ui.language); the tests read English unless they ask for French.
  const raw = JSON.parse(readFileSync(config, 'utf8')) as { ui?: { language?: string } };
  writeFileSync(config, JSON.stringify({ ...raw, ui: { ...raw.ui, language } }, null, 2));
  dropped(join(dir, 'export'));
  return { dir, config, cli: (...a) => runCli(['--config', config, ...a]) };
}

/** Dates the files of a folder a minute back: dropped by the LIS earlier, not still being written. */
export function dropped(folder: string): void {
  const then = Date.now() / 1000 - 60;
  for (const n of readdirSync(folder)) utimesSync(join(folder, n), then, then);
}
