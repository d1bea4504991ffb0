import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { labReportProblems } from '../../src/model/validate.js';
import { repoRoot } from '../helpers/paths.js';

const minimal = {
  patient: { ids: { ipp: '123' }, familyName: 'DUPONT' },
  request: { fillerId: 'D1' },
  status: 'final',
  chapters: [{ label: 'Biochimie', batteries: [{ label: 'Glycémie', results: [
    { code: 'GLY', label: 'Glycémie', value: { kind: 'numeric', value: '5.40' }, unit: 'mmol/L', range: { low: '3.9', high: '5.8' } },
  ] }] }],
};

test('a minimal report is valid', () => {
  assert.deepEqual(labReportProblems(minimal), []);
});

test('a numeric value must be a decimal string, and the pointer says where', () => {
  const bad = structuredClone(minimal) as any;
  bad.chapters[0].batteries[0].results[0].value.value = '5,4';
  const problems = labReportProblems(bad);
  assert.ok(problems.some((p) => p.pointer === '/chapters/0/batteries/0/results/0/value/value'), JSON.stringify(problems));
});

test('missing family name and unknown keys are named', () => {
  const bad = structuredClone(minimal) as any;
  delete bad.patient.familyName;
  bad.patient.nom = 'x';
  const problems = labReportProblems(bad);
  assert.ok(problems.some((p) => p.pointer === '/patient' && /familyName/.test(p.message)));
  assert.ok(problems.some((p) => p.pointer === '/patient' && /"nom"/.test(p.message)));
});

test('generated types are up to date with the schemas', () => {
  execFileSync(process.execPath, ['scripts/gen-types.mjs', '--check'], { cwd: repoRoot, stdio: 'pipe' });
});

test('precompiled validators are up to date with the schemas', () => {
  execFileSync(process.execPath, ['scripts/gen-validators.mjs', '--check'], { cwd: repoRoot, stdio: 'pipe' });
});
