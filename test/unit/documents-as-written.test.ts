import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildCda } from '../../src/documents/cda/build.js';
import { renderPdf, type PdfContext } from '../../src/documents/pdf/render.js';
import { parseInput } from '../../src/inputs/index.js';
import type { LabReport } from '../../src/model/labreport.types.js';
import { cdaContext, loadReport, PDF } from '../helpers/cda-fixtures.js';
import { writeHprimSante, type WrittenReport } from '../helpers/hprim-writer.js';
import { pdfText } from '../helpers/pdf-text.js';
import { validateCda } from '../helpers/validate-cda.js';

/** Issue 14: what the lab wrote about people reaches the doctor's PDF and the CDA, and the CDA stays valid. */

const pdfCtx: PdfContext = { lab: { name: 'Laboratoire test' }, documentId: 'T-1', timezone: 'Europe/Paris' };

function hprim(extra: Partial<WrittenReport>, maxLength = 220): LabReport {
  const written: WrittenReport = {
    patient: { familyName: 'DURAND', givenName: 'Luc', ipp: 'P1', birthDate: '19800101' }, fillerId: 'D1',
    results: [{ code: 'GLY', label: 'Glucose', value: '5.2', unit: 'mmol/L', range: '3.9 - 5.8', flag: '' }],
    ...extra,
  };
  const parsed = parseInput(Buffer.from(writeHprimSante([written], { maxLength }), 'latin1'), { file: 'p.hpr' });
  return parsed.reports[0]!;
}

const CABINET = 'Cabinet médical des Lilas, 12 avenue des Hortensias prolongée, 78100 SAINT-GERMAIN-EN-LAYE';

test('HPRIM Santé practitioners: code, family name, given name, title and the rest (A continuations joined)', async (t) => {
  // A short record length puts the prescriber across A continuation records.
  const report = hprim({ prescriber: ['MED1', 'MARTIN', 'Jean', 'Pierre', '', 'DR', CABINET], validator: ['BIO1', 'LEROY', 'Claire', '', '', 'Pr'] }, 90);
  assert.deepEqual(report.prescriber, { code: 'MED1', familyName: 'MARTIN', givenName: 'Jean Pierre', title: 'DR', details: CABINET });
  assert.deepEqual(report.validator, { code: 'BIO1', familyName: 'LEROY', givenName: 'Claire', title: 'Pr' });
  // The whole name as written in the second component, a title after it, an establishment: nothing dropped.
  const loose = hprim({ prescriber: ['10101234567', 'MARTIN Jean', 'DR'] }).prescriber;
  assert.deepEqual(loose, { code: '10101234567', name: 'MARTIN Jean', title: 'DR' });
  assert.deepEqual(hprim({ prescriber: ['78A1', 'Dr de la FONTAINE Marie', 'Cabinet médical des Lilas Nord'] }).prescriber,
    { code: '78A1', name: 'Dr de la FONTAINE Marie', details: 'Cabinet médical des Lilas Nord' });

  const text = (await pdfText(await renderPdf(report, pdfCtx))).replace(/\s+/g, ' ');
  // The prescriber's box shares its lines with the patient's in the extracted text: each piece is checked.
  assert.match(text, /Prescripteur .*DR Jean Pierre MARTIN, Cabinet médical des /);
  assert.match(text, /12 avenue des Hortensias prolongée, .*78100 SAINT-GERMAIN-EN-LAYE/);
  assert.match(text, /validé par Pr Claire LEROY/);

  const cda = buildCda(report, PDF, cdaContext({ name: 'people', version: 1 }));
  assert.match(cda, /<given>Jean Pierre<\/given><family>MARTIN<\/family><suffix>DR<\/suffix>/);
  assert.match(cda, /<given>Claire<\/given><family>LEROY<\/family><suffix>PR<\/suffix>/);

  // The validating biologist on each battery (FR-Participant AUTHEN in every results entry), as in the ANS examples.
  const bio = buildCda(loadReport('biochemistry'), PDF, cdaContext({ name: 'biochemistry', version: 1 }));
  const entries = bio.split('<entry typeCode="DRIV">').slice(1);
  assert.equal(entries.length, 4);
  for (const e of entries) {
    assert.match(e, /^<templateId root="1\.3\.6\.1\.4\.1\.19376\.1\.3\.1"\/><templateId root="1\.2\.250\.1\.213\.1\.1\.3\.21"\/><act classCode="ACT" moodCode="EVN"><code [^>]*\/><statusCode code="completed"\/><participant typeCode="AUTHEN"><templateId root="1\.3\.6\.1\.4\.1\.19376\.1\.3\.3\.1\.5"\/><templateId root="1\.2\.250\.1\.213\.1\.1\.3\.109"\/><time><high value="202401041605\+0100"\/><\/time><participantRole><id root="1\.2\.250\.1\.71\.4\.2\.1" extension="810123453476"\/>/);
    assert.match(e, /<playingEntity><name><given>Marcel<\/given><family>CAMPARINI<\/family><\/name><\/playingEntity>/);
  }
  assert.equal(bio.match(/Résultats validés par Marcel CAMPARINI le 04\/01\/2024 16:05/g)?.length, 4);
  // A validator known by a LIS code only is named with that code under the lab's root.
  assert.match(cda, /<participant typeCode="AUTHEN">.*?<id root="[^"]+" extension="BIO1"\/>.*?<given>Claire<\/given><family>LEROY<\/family><suffix>PR<\/suffix>/);

  const dir = mkdtempSync(join(tmpdir(), 'labmss-people-'));
  const files = [join(dir, 'people.xml'), join(dir, 'biochemistry.xml')];
  writeFileSync(files[0]!, cda);
  writeFileSync(files[1]!, bio);
  const checked = validateCda(t, files);
  if (checked) assert.deepEqual(checked.map((c) => c.errors), [[], []], checked.map((c) => c.report).join('\n'));
});
