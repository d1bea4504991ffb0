import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LabReport, Result } from '../../src/model/labreport.types.js';
import { coverage } from '../../src/loinc/coverage.js';
import { loadMapping } from '../../src/loinc/mapping.js';

const result = (code: string, label: string, unit?: string, loinc?: string): Result => ({
  code, label, value: { kind: 'numeric', value: '1.0' }, ...(unit ? { unit } : {}), ...(loinc ? { loinc } : {}),
});

const report = (results: Result[], isolateResults: Result[] = []): LabReport => ({
  patient: { ids: {}, familyName: 'TEST' },
  request: {},
  status: 'final',
  chapters: [{ code: 'BIOCH', label: 'Biochimie', batteries: [{ label: 'Bilan', results, isolates: [{ organism: { code: 'ECOLI' }, results: isolateResults }] }] }],
});

test('coverage: counts, share and unmapped codes by frequency', () => {
  const reports = [
    report([result('GLY', 'Glycémie', 'g/L'), result('ZZ1', 'Rare 1'), result('ZZ2', 'Rare 2'), result('X', 'Avec LOINC', undefined, '2345-7')]),
    report([result('ZZ2', 'Rare 2'), result('zz2', 'Rare 2'), result('CRP', 'CRP', 'mg/l')], [result('ZZ3', 'Germe')]),
  ];
  // Catalog aliases (GLY, CRP) count only when the lab turned them on.
  const c = coverage(reports, { file: '', byCode: new Map(), catalogAliases: true });
  assert.equal(c.total, 8);
  assert.equal(c.mapped, 3);
  assert.equal(c.share, 3 / 8);
  assert.deepEqual(c.unmapped, [
    { code: 'ZZ2', label: 'Rare 2', count: 3 },
    { code: 'ZZ1', label: 'Rare 1', count: 1 },
    { code: 'ZZ3', label: 'Germe', count: 1 },
  ]);
  assert.deepEqual(coverage(reports).unmapped.map((u) => u.code), ['ZZ2', 'CRP', 'GLY', 'ZZ1', 'ZZ3']);
  const withMapping = coverage(reports, loadMapping('ZZ2,2345-7\n', 'm.csv'));
  assert.equal(withMapping.mapped, 4);
  assert.deepEqual(withMapping.unmapped.map((u) => u.code), ['CRP', 'GLY', 'ZZ1', 'ZZ3']);
});

test('coverage: no results gives share 0', () => {
  assert.deepEqual(coverage([]), { total: 0, mapped: 0, share: 0, unmapped: [] });
});
