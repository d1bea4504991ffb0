import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInput } from '../../src/inputs/index.js';

const hprim = (flags: string[]) => Buffer.from([
  'H|~^\\&|F.HPR||LAB~Labo|||ORU|||||P|H2.2~C|202611201000',
  'P|1||IPP1||DUPONT~Jean||19700101|M',
  'OBR|1||D1|GLY~Glucose~L||||||||||||||||||||||F',
  ...flags.map((f, i) => `OBX|${i + 1}|NM|T${i}~Test ${i}~L||${i + 1}.0|g/L|1 - 2|${f}||||F`),
  'L|1||1|6', ''].join('\r'), 'latin1');

test('flags are coded and, when the lab writes them otherwise, kept exactly as written', () => {
  const { reports, warnings } = parseInput(hprim(['H', '*', '+', 'B+', '', 'n']), { file: 'f.hpr' });
  const results = reports[0]!.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));
  assert.deepEqual(results.map((r) => [r.flag, r.flagText]), [
    ['H', undefined], ['A', '*'], ['H', '+'], [undefined, 'B+'], [undefined, undefined], ['N', undefined],
  ]);
  assert.ok(warnings.some((w) => /unknown flag "?B\+"?; kept as written, not coded/.test(w.message)));
});

test('HL7 OBX-8 flags keep their spelling too', () => {
  const msg = [
    'MSH|^~\\&|LIS|LAB|DPI|CAB|20261120100000||ORU^R01^ORU_R01|M1|P|2.5|||||FRA|UNICODE UTF-8',
    'PID|1||IPP1^^^LAB^PI||DUPONT^Jean^^^^^L||19700101|M',
    'OBR|1|C1|D1|GLY^Glucose^L|||20261120080000|||||||||||||||20261120090000||CH|F',
    'OBX|1|NM|GLY^Glucose^L||7.1|mmol/L|3.9-5.8|h|||F',
    'OBX|2|NM|CRP^CRP^L||12|mg/L|<5|XX|||F', ''].join('\r');
  const { reports, warnings } = parseInput(Buffer.from(msg), { file: 'f.hl7' });
  const results = reports[0]!.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));
  // A case difference is the same flag; a code with no HL7 equivalent is kept as written.
  assert.deepEqual(results.map((r) => [r.flag, r.flagText]), [['H', undefined], [undefined, 'XX']]);
  assert.ok(warnings.some((w) => /unknown abnormal flag "XX": kept as written/.test(w.message)));
});
