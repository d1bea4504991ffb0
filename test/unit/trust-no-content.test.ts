import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError, parseInput, type ParseWarning } from '../../src/inputs/index.js';
import { writeHl7 } from '../helpers/hl7-writer.js';
import { fixtures } from '../helpers/paths.js';

/**
 * Issue 11: a quarantine reason or a warning names the file, the line and the field, never what the
 * file holds there (a patient's name, a birth date, a result value).
 */
const SECRET = 'DURANDSECRET';

function reasonOf(bytes: Buffer, file: string): InputError {
  try {
    parseInput(bytes, { file });
  } catch (err) {
    assert.ok(err instanceof InputError, String(err));
    return err;
  }
  assert.fail(`${file} was not refused`);
}

const noSecret = (text: string) => assert.ok(!text.includes(SECRET) && !text.includes('1979'), `content quoted: ${text}`);

test('quarantine reasons: file, line and field, not the content', () => {
  const hl7 = writeHl7([{ familyName: 'DUPONT', ipp: 'P1', fillerId: 'F1', results: [{ code: 'GLU', label: 'Glucose', value: '5.1' }] }]).toString('utf8');
  const broken = reasonOf(Buffer.from(`${hl7}${SECRET} Jean suite du commentaire\r`), 'broken.hl7');
  assert.equal(broken.where.line, 6);
  noSecret(broken.message);

  const hprim = `H|~^\\&|||LAB||||||||ORU|H2.2|20240102\rP|1||I1||DUPONT~JEAN\r${SECRET} sans separateur\rL|1\r`;
  const split = reasonOf(Buffer.from(hprim, 'latin1'), 'split.hpr');
  assert.equal(split.where.line, 3);
  noSecret(split.message);

  const medecin = readFileSync(fixtures('hprim', 'medecin-variants-cr.hpm')).toString('latin1').replace(/RES\|[^\r]*/, `RES ${SECRET}`);
  const res = reasonOf(Buffer.from(medecin, 'latin1'), 'res.hpm');
  assert.equal(res.where.field, 'RES');
  noSecret(res.message);

  const json = reasonOf(Buffer.from(`{"patient": {"familyName": "${SECRET}" oops}}`), 'bad.json');
  assert.match(json.message, /^bad\.json:1: not valid JSON: syntax error/);
  noSecret(json.message);
});

test('warnings say what is wrong where, not the value', () => {
  const hl7 = writeHl7([{ familyName: 'DUPONT', ipp: 'P1', fillerId: 'F1', results: [{ code: 'GLU', label: 'Glucose', value: '5.1' }] }]).toString('utf8')
    .replace('|NM|GLU^Glucose^L||5.1|', `|NM|GLU^Glucose^L||${SECRET}|`).replace('||19800101|', '||1979XX|');
  const warnings: ParseWarning[] = parseInput(Buffer.from(hl7), { file: 'w.hl7' }).warnings;
  assert.ok(warnings.some((w) => w.field === 'OBX-5'), JSON.stringify(warnings));
  for (const w of warnings) noSecret(w.message);

  const medecin = readFileSync(fixtures('hprim', 'medecin-variants-cr.hpm')).toString('latin1').replace('|N|12.1|', `|N|${SECRET}|`);
  const mw = parseInput(Buffer.from(medecin, 'latin1'), { file: 'w.hpm' }).warnings;
  assert.ok(mw.some((w) => w.field === 'RES field 5'), JSON.stringify(mw));
  for (const w of mw) noSecret(w.message);
});
