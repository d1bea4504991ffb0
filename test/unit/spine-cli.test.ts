import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';
import { repoRoot } from '../helpers/paths.js';
import { tmpDir } from '../helpers/tmp.js';
import { dropped, exampleLab } from '../helpers/lab.js';
import { pdfText } from '../helpers/pdf-text.js';

before(() => ensureDist());

test('the example: run turns the export into .eml files whose PDFs carry every result; again sends nothing twice', async () => {
  const { dir, cli } = exampleLab();
  const first = await cli('run');
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /4 file\(s\) claimed, 4 report\(s\), 7 message\(s\) (sent|written to the outbox)/);
  const outbox = join(dir, 'state', 'outbox');
  const emls = readdirSync(outbox);
  assert.equal(emls.length, 7);
  // Every value of the HPRIM example is in the PDF sent to its prescriber, exactly as written.
  const messages = await Promise.all(emls.map(async (n) => simpleParser(readFileSync(join(outbox, n)))));
  const legrand = messages.find((m) => /LEGRAND/.test(m.subject ?? ''))!;
  const text = await pdfText(legrand.attachments[0]!.content);
  for (const s of ['13.4', 'g/dL', '12.0 - 16.0', '102', 'fL', '80 - 100', '< 5', 'µg/L', 'Limpide', 'Macrocytose à contrôler.', 'LEGRAND', 'MOREAU', '15/09/1988']) {
    assert.ok(text.includes(s), `PDF has ${s}`);
  }

  cpSync(join(repoRoot, 'examples', 'export'), join(dir, 'export'), { recursive: true });
  dropped(join(dir, 'export'));
  // Dropped again: nothing sent twice, and cron hears of it (exit 1) with the way to send anyway.
  const again = await cli('--json', 'run');
  assert.equal(again.code, 1, again.stderr);
  const summary = JSON.parse(again.stdout);
  assert.equal(summary.sent, 0);
  assert.equal(summary.duplicates.length, 4);
  assert.match(summary.duplicates[0].reason, /same bytes as file F\d+ .*--force/);
  assert.equal(readdirSync(outbox).length, 7);

  const status = JSON.parse((await cli('--json', 'status')).stdout);
  assert.deepEqual(status.counts, { accepted: 7 });
  const log = (await cli('log', '--report', 'R1')).stdout;
  assert.match(log, /R1 D1 +sending pending→sending/);
  assert.match(log, /accepted sending→accepted/);
});

test('a broken file lands in quarantine with a readable reason, the run goes on and exits 1; status tells', async () => {
  const { dir, config, cli } = exampleLab();
  writeFileSync(join(dir, 'export', 'cut.hpr'), 'H|~^\\&|X.HPR||LAB~Labo|||ORU|||||P|H2.2~C|202611201000\rP|1||IPP1||DUPONT~Jean||19700101|M\rOBR|1||D1|GLY~Glucose~L||||||||||||||||||||||F\rOBX|1|NM|GLY~Glucose~L||5.');
  dropped(join(dir, 'export'));
  // No closing L record: maybe still being written, so it waits intake.endWaitSeconds (600 s by default)…
  const waited = await cli('run');
  assert.equal(waited.code, 0, waited.stdout);
  assert.match(waited.stdout, /7 message\(s\) (sent|written to the outbox)/);
  assert.match(waited.stdout, /1 file\(s\) not finished yet/);
  assert.ok(existsSync(join(dir, 'export', 'cut.hpr')));
  // …then it is taken anyway, and the parser says what is wrong.
  writeFileSync(config, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), intake: { settleSeconds: 1, endWaitSeconds: 0 } }));
  const r = await cli('run');
  assert.equal(r.code, 1);
  assert.match(r.stdout, /quarantined: cut\.hpr:\d+ .*cut short/);
  const q = join(dir, 'state', 'quarantine');
  assert.ok(existsSync(join(q, 'cut.hpr')));
  assert.match(readFileSync(join(q, 'cut.hpr.error.txt'), 'utf8'), /cut\.hpr:\d+/);
  const status = await cli('status');
  assert.match(status.stdout, /quarantined F\d+ .*cut\.hpr: cut\.hpr:\d+/);
});

test('a config error names the key, exits 2 and writes nothing', async () => {
  const dir = tmpDir('labmss-cli-');
  const config = join(dir, 'labmss.json');
  writeFileSync(config, JSON.stringify({ lab: { name: 'L', mailbox: 'not-an-address' }, paths: { export: 'e', state: 's' }, transport: { type: 'pigeon' } }));
  const r = await runCli(['--config', config, 'run']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /lab\.mailbox: must be an email address, e\.g\. "laboratoire@exemple\.mssante\.fr"/);
  assert.match(r.stderr, /transport\.type: must be one of "outbox", "smtp"/);
  assert.equal(existsSync(join(dir, 's')), false);
});

test('init writes a config that validates, and the schemas print', async () => {
  const dir = tmpDir('labmss-cli-');
  const init = await runCli(['init', dir]);
  assert.equal(init.code, 0, init.stderr);
  const run = await runCli(['--config', join(dir, 'labmss.json'), '--json', 'run']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(run.stdout).claimed, 0);
  assert.equal((await runCli(['init', dir])).code, 2, 'never overwrites a config');
  const schema = JSON.parse((await runCli(['schema', 'report'])).stdout);
  assert.equal(schema.title, 'LabReport');
});

test('parse --json prints LabReports valid against the schema, with warnings; a bad file exits 1', async () => {
  const ok = await runCli(['parse', '--json', join(repoRoot, 'examples', 'export', 'rousseau-2026-11-22.hl7')]);
  assert.equal(ok.code, 0, ok.stderr);
  const [parsed] = JSON.parse(ok.stdout);
  assert.equal(parsed.format, 'hl7v2');
  assert.equal(parsed.reports[0].chapters[0].batteries[0].results[2].value.value, '1.87');
  const dir = tmpDir('labmss-cli-');
  writeFileSync(join(dir, 'x.txt'), 'hello');
  const bad = await runCli(['parse', join(dir, 'x.txt')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /x\.txt: would be quarantined: x\.txt:1: unknown format/);
  // One shape whatever the files: an array, one entry per file.
  const both = JSON.parse((await runCli(['parse', '--json', join(dir, 'x.txt')])).stdout);
  assert.deepEqual(both.map((v: { verdict: string }) => v.verdict), ['quarantined']);
});

test('the journal, its WAL and every spool file are readable by the owner only', async () => {
  const { dir, cli } = exampleLab();
  assert.equal((await cli('run')).code, 0);
  const state = join(dir, 'state');
  const loose: string[] = [];
  const walk = (p: string) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const f = join(p, e.name);
      const mode = statSync(f).mode & 0o777;
      if (e.isDirectory()) { if (mode & 0o077) loose.push(`${f} ${mode.toString(8)}`); walk(f); }
      else if (mode & 0o077) loose.push(`${f} ${mode.toString(8)}`);
    }
  };
  walk(state);
  assert.deepEqual(loose, []);
});
