import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { toInterpretation, INTERPRETATION_CODES } from '../../src/loinc/interpretation.js';
import { toSpecimenType, SPECIMEN_TYPES } from '../../src/loinc/specimen.js';
import { needsShared } from '../helpers/paths.js';

function jdv(path: string): Map<string, { displayName: string; codeSystem: string }> {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'Concept' }).parse(readFileSync(path, 'utf8'));
  const concepts = doc.RetrieveValueSetResponse.ValueSet.ConceptList.Concept as Array<Record<string, string>>;
  return new Map(concepts.map((c) => [c.code!, { displayName: c.displayName!, codeSystem: c.codeSystem! }]));
}

test('toInterpretation: HPRIM / HL7 flags and French words', () => {
  const code = (f: string) => toInterpretation(f)?.code;
  for (const f of ['N', 'L', 'H', 'LL', 'HH', '<', '>', 'A', 'AA', 'S', 'R', 'I', 'POS', 'NEG']) assert.equal(code(f), f);
  assert.equal(code('h'), 'H');
  assert.equal(code(' HH '), 'HH');
  assert.equal(code('Positif'), 'POS');
  assert.equal(code('négatif'), 'NEG');
  assert.equal(code('Résistant'), 'R');
  assert.equal(code('+'), undefined);
  assert.equal(code('*'), undefined);
  assert.equal(code(''), undefined);
  assert.deepEqual(toInterpretation('H'), { code: 'H', displayName: 'Anormalement haut', codeSystem: '2.16.840.1.113883.5.83' });
});

test('interpretation codes and displayNames are those of JDV_HL7_ObservationInterpretation_CISIS', (t) => {
  const path = needsShared(t, 'conformance/ans/jeuxDeValeurs/JDV_HL7_ObservationInterpretation_CISIS.xml');
  if (!path) return;
  const set = jdv(path);
  for (const { code, displayName } of INTERPRETATION_CODES) {
    assert.deepEqual(set.get(code), { displayName, codeSystem: '2.16.840.1.113883.5.83' }, code);
  }
});

test('toSpecimenType: HL7 0487 codes and French labels, whole words only', () => {
  const code = (s: string) => toSpecimenType(s)?.code;
  assert.equal(code('BLD'), 'BLD');
  assert.equal(code('ser'), 'SER');
  assert.equal(code('Sang'), 'BLD');
  assert.equal(code('Sérum'), 'SER');
  assert.equal(code('plasma'), 'PLAS');
  assert.equal(code('Urines'), 'UR');
  assert.equal(code('Urines de 24 h'), 'UR');
  assert.equal(code('LCR'), 'CSF');
  assert.equal(code('Selles'), 'STL');
  assert.equal(code('Sang artériel'), 'BLDA');
  assert.equal(code('Sang et urines'), undefined);
  assert.equal(code('xyz'), undefined);
  assert.deepEqual(toSpecimenType('Sérum'), { code: 'SER', displayName: 'Sérum', codeSystem: '2.16.840.1.113883.18.311' });
});

test('specimen codes and displayNames are those of JDV_HL7_SpecimenType_CISIS', (t) => {
  const path = needsShared(t, 'conformance/ans/jeuxDeValeurs/JDV_HL7_SpecimenType_CISIS.xml');
  if (!path) return;
  const set = jdv(path);
  for (const s of SPECIMEN_TYPES) assert.deepEqual(set.get(s.code), { displayName: s.displayName, codeSystem: s.codeSystem }, s.code);
});
