import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { toUcum, isAnsUcum } from '../../src/loinc/ucum.js';
import { multiplyDecimal } from '../../src/loinc/decimal.js';
import { needsShared, repoRoot } from '../helpers/paths.js';

const cases: Array<[string, string, boolean]> = [
  ['µmol/L', 'umol/L', true],
  ['µmol/l', 'umol/L', true],
  ['μmol/l', 'umol/L', true],
  ['umol/l', 'umol/L', true],
  ['10^9/L', '10*9/L', true],
  ['10^9/l', '10*9/L', true],
  ['G/L', '10*9/L', true],
  ['g/l', 'g/L', true],
  ['10^12/L', '10*12/L', true],
  ['T/L', '10*12/L', true],
  ['g/dl', 'g/dL', true],
  ['mUI/L', 'm[IU]/L', true],
  ['mUI/l', 'm[IU]/L', true],
  ['UI/L', '[IU]/L', true],
  ['UI/ml', '[IU]/mL', true],
  ['%', '%', true],
  ['fl', 'fL', true],
  ['pg', 'pg', true],
  ['mm/h', 'mm/h', true],
  ['mm/1h', 'mm/h', true],
  ['mmHg', 'mm[Hg]', true],
  ['sec', 's', true],
  ['s', 's', true],
  ['ratio', '{ratio}', true],
  ['mmol/l', 'mmol/L', true],
  ['ng/ml', 'ng/mL', true],
  ['U/l', 'U/L', true],
  ['g/24h', 'g/(24.h)', true],
  ['mmol/24 h', 'mmol/(24.h)', true],
  ['/mm3', '/uL', true],
  ['mEq/L', 'meq/L', true],
  ['mL/min/1.73m2', 'mL/min/{1.73_m2}', false],
  ['bidule', 'bidule', false],
];

test('toUcum: lab spellings → UCUM, known when the ANS list accepts it', () => {
  for (const [written, ucum, known] of cases) assert.deepEqual(toUcum(written), { ucum, known }, written);
  assert.equal(toUcum(''), undefined);
  assert.equal(toUcum('  '), undefined);
});

test('isAnsUcum: same annotation rule as terminologie.sch', () => {
  assert.ok(isAnsUcum('{ratio}'));
  assert.ok(isAnsUcum('10*9/L'));
  assert.equal(isAnsUcum('G/L'), false);
  assert.equal(isAnsUcum('{INR}'), false);
});

test('loinc/ucum-ans.txt is up to date with the ANS UCUM table', (t) => {
  const xml = needsShared(t, 'conformance/ans/schematrons/profils/terminologies/terminologie/2.16.840.1.113883.6.8.xml');
  if (!xml) return;
  const run = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'ucum-list.mjs'), '--check', xml], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
});

test('multiplyDecimal: exact on decimal strings', () => {
  assert.equal(multiplyDecimal('5.40', '0.1'), '0.540');
  assert.equal(multiplyDecimal('0.1', '3'), '0.3');
  assert.equal(multiplyDecimal('12', '10'), '120');
  assert.equal(multiplyDecimal('1.005', '1000'), '1005.000');
  assert.equal(multiplyDecimal('-2.5', '0.4'), '-1.00');
  assert.equal(multiplyDecimal('0', '-3'), '0');
  assert.equal(multiplyDecimal('7.2', '0.0555'), '0.39960');
  assert.throws(() => multiplyDecimal('1,5', '2'), /not a decimal/);
  assert.throws(() => multiplyDecimal('1e3', '2'), /not a decimal/);
});
