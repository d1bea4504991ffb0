import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseInput } from '../../src/inputs/index.js';
import { draftMappingCsv, loadMapping, resolveLoinc, suggestMapping } from '../../src/loinc/index.js';
import { Journal } from '../../src/queue/journal.js';
import { writeHl7 } from '../helpers/hl7-writer.js';
import { tempLab } from '../helpers/lab.js';
import { ensureDist, runCli } from '../helpers/spawn-cli.js';

/** Issue 14 item 5: LOINC codes the lab's biologist validated, and a draft mapping to get there. */

const file = writeHl7([{
  familyName: 'DURAND', ipp: 'P1', fillerId: 'F1', results: [
    { code: 'GLY', label: 'Glycémie à jeun', value: '0.95', unit: 'g/L' },
    { code: 'CREA', label: 'Créatinine', value: '80', unit: 'µmol/L' },
    { code: 'K', label: 'Potassium', value: '4.1', unit: 'mmol/L', loinc: '2823-3' },
    { code: 'ZORG', label: 'Examen maison', value: '3' },
    { code: 'TSH', label: 'TSH', value: '1.2', unit: 'mUI/L' },
  ],
}, { familyName: 'MARTIN', ipp: 'P2', fillerId: 'F2', results: [{ code: 'GLY', label: 'Glycémie à jeun', value: '1.01', unit: 'g/L' }] }]);

test('suggestMapping: each code without a validated LOINC, with its count, the proposal, its label and why', () => {
  const { reports } = parseInput(file, { file: 'lab.hl7' });
  const mapping = loadMapping('TSH,3016-3\n', 'lab.csv');
  const s = suggestMapping(reports, mapping);
  // K has its LOINC in the input and TSH is in the lab's mapping: already validated, not suggested.
  assert.deepEqual(s.map((x) => [x.code, x.unit, x.count, x.loinc]), [['GLY', 'g/L', 2, '2345-7'], ['CREA', 'µmol/L', 1, '14682-9'], ['ZORG', '', 1, undefined]]);
  assert.match(s[0]!.loincLabel!, /Glucose/);
  assert.match(s[0]!.why, /CAUTION.*jeun/, 'a fasting label under a non-fasting code is flagged');
  assert.doesNotMatch(s[1]!.why, /CAUTION/);
  assert.match(s[2]!.why, /no catalog entry/);

  const csv = draftMappingCsv(s, { date: '2026-12-07', reports: reports.length });
  assert.match(csv, /^# GLY « Glycémie à jeun », unit g\/L, 2 result\(s\): proposed 2345-7 « Glucose/m);
  // As written nothing is validated: the draft loads as an empty mapping, and resolves nothing.
  assert.equal(loadMapping(csv, 'draft.csv').byCode.size, 0);
  // The biologist validates CREA by removing its "#": exactly that row is loaded.
  const reviewed = loadMapping(csv.replace('#CREA,14682-9', 'CREA,14682-9'), 'draft.csv');
  assert.deepEqual([...reviewed.byCode.keys()], ['CREA']);
  assert.equal(resolveLoinc({ code: 'CREA', label: 'Créatinine', unit: 'µmol/L' }, reviewed)?.source, 'lab-mapping');
});

test('labmss loinc suggest FILE -o draft and --since (journal)', async () => {
  ensureDist();
  const lab = tempLab();
  const input = join(lab.dir, 'lab.hl7');
  writeFileSync(input, file);
  const out = join(lab.dir, 'draft.csv');
  const r = await runCli(['--config', lab.configFile, 'loinc', 'suggest', input, '-o', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /4 local code\(s\) without a validated LOINC code written to .*draft\.csv \(3 with a proposal\)/);
  assert.match(readFileSync(out, 'utf8'), /^#GLY,2345-7$/m);
  const again = await runCli(['--config', lab.configFile, 'loinc', 'suggest', input, '-o', out]);
  assert.equal(again.code, 2, 'never overwrites a reviewed file');

  mkdirSync(lab.config.paths.state, { recursive: true });
  const journal = Journal.open(lab.config.paths.state, { actor: 'test' });
  try {
    const fileId = journal.addFile({ name: 'lab.hl7', sha256: 'x', size: 1, spoolPath: input });
    const { reports } = parseInput(file, { file: 'lab.hl7' });
    reports.forEach((rep, idx) => journal.addReport({ file_id: fileId, idx, set_id: `s${idx}`, version: 1, document_id: `d${idx}`, status: 'final', dossier: 'F', stage: 1, json: JSON.stringify(rep) }));
  } finally { journal.close(); }
  const since = await runCli(['--config', lab.configFile, '--json', 'loinc', 'suggest', '--since', '1d']);
  assert.equal(since.code, 0, since.stderr);
  const json = JSON.parse(since.stdout) as { reports: number; suggestions: { code: string; count: number }[] };
  assert.equal(json.reports, 2);
  assert.deepEqual(json.suggestions.map((x) => [x.code, x.count]), [['GLY', 2], ['CREA', 1], ['TSH', 1], ['ZORG', 1]]);
  assert.ok(!existsSync(join(lab.dir, 'loinc-mapping-draft.csv')));
});
