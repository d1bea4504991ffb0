import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_FILE_BYTES, fieldLengthProblems, fileTooLarge, FIELD_LIMITS, maxFileBytes } from '../../src/gate/limits.js';
import { InputError, parseInput } from '../../src/inputs/index.js';
import type { LabReport } from '../../src/model/labreport.types.js';
import { labReportProblems } from '../../src/model/validate.js';
import { writeHl7 } from '../helpers/hl7-writer.js';
import { sampleReport, tempLab } from '../helpers/lab.js';
import { fixtures, repoRoot } from '../helpers/paths.js';
import { ensureDist } from '../helpers/spawn-cli.js';

test('file size: the configured limit (default 20 MB) is checked on the size alone', () => {
  assert.equal(maxFileBytes({ intake: {} }), DEFAULT_MAX_FILE_BYTES);
  assert.equal(maxFileBytes({ intake: { maxFileMegabytes: 1.5 } }), 1_500_000);
  assert.equal(fileTooLarge(20_000_000, 20_000_000), undefined);
  assert.match(fileTooLarge(50_000_001, 20_000_000)!, /50\.0 MB, over the 20 MB limit \(intake\.maxFileMegabytes\)/);
  const hl7 = writeHl7([{ familyName: 'DUPONT', ipp: 'P1', fillerId: 'F1', results: [{ code: 'GLU', label: 'Glucose', value: '5.1' }] }]);
  assert.throws(() => parseInput(hl7, { file: 'small.hl7', maxFileBytes: hl7.length - 1 }), (e: unknown) => e instanceof InputError && /small\.hl7: the file is/.test((e as Error).message));
  assert.equal(parseInput(hl7, { file: 'small.hl7', maxFileBytes: hl7.length }).reports.length, 1);
});

test('field lengths: names, identifiers, addresses and comments are bounded; embedded documents are not', () => {
  const report = sampleReport(1, {
    patient: { ids: { ipp: 'I'.repeat(101) }, familyName: 'N'.repeat(5_000_000), givenNames: ['ok', 'G'.repeat(201)] },
    recipients: [{ address: `${'a'.repeat(300)}@mss.test` }],
    attachments: [{ filename: 'cr.pdf', contentType: 'application/pdf', base64: 'QUJD'.repeat(1_000_000) }],
  }) as unknown as LabReport;
  report.chapters[0]!.batteries![0]!.results[0]!.comments = ['c'.repeat(FIELD_LIMITS.comment + 1)];
  const problems = fieldLengthProblems(report);
  assert.deepEqual(problems.map((p) => [p.pointer, p.kind, p.limit]), [
    ['/patient/ids/ipp', 'identifier', 100],
    ['/patient/familyName', 'name', 200],
    ['/patient/givenNames/1', 'name', 200],
    ['/chapters/0/batteries/0/results/0/comments/0', 'comment', 20_000],
    ['/recipients/0/address', 'address', 254],
  ].sort((a, b) => problems.findIndex((p) => p.pointer === a[0]) - problems.findIndex((p) => p.pointer === b[0])));
  const schema = labReportProblems(report);
  assert.ok(schema.some((p) => p.pointer === '/patient/familyName' && p.message === '5000000 characters, over the 200 allowed for a name'));
  assert.ok(schema.every((p) => !/NNN|III/.test(p.message)), 'reasons never quote the content');
});

test('the project\'s own realistic reports are far from every limit', () => {
  for (const name of readdirSync(fixtures('cda')).filter((n) => n.endsWith('.json'))) {
    assert.deepEqual(fieldLengthProblems(JSON.parse(readFileSync(fixtures('cda', name), 'utf8')) as LabReport), [], name);
  }
});

/** `labmss run` on a lab, with its peak RSS. */
function runMeasured(configFile: string): Promise<{ code: number | null; stdout: string; stderr: string; maxRss: number; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', new URL('../helpers/max-rss.js', import.meta.url).href, join(repoRoot, 'bin', 'labmss.js'),
    'run', '--json', '--config', configFile], { cwd: repoRoot });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c; });
  child.stderr.on('data', (c: Buffer) => { stderr += c; });
  return new Promise((resolve) => child.on('close', (code) => resolve({
    code, stdout, stderr, ms: Date.now() - started, maxRss: Number(/LABMSS_MAX_RSS=(\d+)/.exec(stderr)?.[1] ?? NaN),
  })));
}

test('issue 11: a 50 MB HL7 file and a 5 MB patient name are quarantined in seconds, under 300 MB, naming the field not the content', async () => {
  ensureDist();
  const lab = tempLab();
  // 50 MB of results, written in pieces: the test itself must not hold it.
  const big = openSync(join(lab.exportDir, 'big.hl7'), 'w');
  writeSync(big, 'MSH|^~\\&|LIS|LAB|||20240102030405||ORU^R01^ORU_R01|M1|P|2.5|||||FRA|UNICODE UTF-8\rPID|1||IPP1^^^LAB^PI||DUPONT^Jean||19800101|U\rORC|NW||F1\rOBR|1||F1|P^P^L|||20240102030405|||||||||||||||||CH|F\r');
  const chunk = Array.from({ length: 10_000 }, (_, i) => `OBX|${i + 1}|NM|C${i}^Test ${i}^L||5.1|mmol/L|3.9-5.8|N|||F\r`).join('');
  for (let written = 0; written < 50_000_000; written += chunk.length) writeSync(big, chunk);
  closeSync(big);
  const secret = 'SECRETNAME';
  writeFileSync(join(lab.exportDir, 'name.hl7'), writeHl7([{ familyName: secret.repeat(500_000), ipp: 'P2', fillerId: 'F2', results: [{ code: 'GLU', label: 'Glucose', value: '5.1' }] }]));
  writeFileSync(join(lab.exportDir, 'ok.json'), JSON.stringify(sampleReport(3)));

  const r = await runMeasured(lab.configFile);
  assert.equal(r.code, 1, r.stderr);
  const summary = JSON.parse(r.stdout) as { quarantined: Array<{ file: string; reason: string }>; reports: number };
  assert.equal(summary.reports, 1, 'the good file still goes through');
  const reasons = new Map(summary.quarantined.map((q) => [q.file, q.reason]));
  assert.match(reasons.get('big.hl7')!, /big\.hl7: the file is 50\.\d MB, over the 20 MB limit/);
  assert.match(reasons.get('name.hl7')!, /name\.hl7 report 1 \/patient\/familyName: 5000000 characters, over the 200 allowed for a name/);
  assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'the name itself is nowhere in the output');
  const quarantine = join(lab.config.paths.state, 'quarantine');
  assert.ok(readdirSync(quarantine).includes('big.hl7'), 'the bytes are kept');
  assert.ok(r.maxRss < 300e6, `peak RSS ${Math.round(r.maxRss / 1e6)} MB`);
  assert.ok(r.ms < 30_000, `${r.ms} ms`);
  console.log(`# 50 MB file + 5 MB name: ${r.ms} ms, peak RSS ${Math.round(r.maxRss / 1e6)} MB`);
});
