import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { readFileSync } from 'node:fs';
import { composeMessage, messageFor, pdfFileName, prepareMessage } from '../../src/mail/compose.js';
import { sha256 } from '../../src/queue/spool.js';
import { composeCases, withBoundaryErased } from '../helpers/compose-cases.js';
import { fixtures } from '../helpers/paths.js';
import { DOCUMENT_KINDS, insQualified } from '../../src/documents/kinds.js';
import type { LabReport } from '../../src/model/labreport.types.js';
import { sampleReport } from '../helpers/lab.js';

const report = sampleReport(1, {
  patient: { ids: { ipp: 'I1', ins: { value: '279035121518989', oid: '1.2.250.1.213.1.4.8', qualified: true } },
    familyName: 'Dupont-Éluard', birthFamilyName: 'MARTIN', givenNames: ['Hélène', 'Marie'], birthDate: '1979-03-12', sex: 'F' },
}) as unknown as LabReport;

const base = {
  report,
  from: { address: 'labo@lab.mssante.fr', name: 'Laboratoire des Tilleuls' },
  to: { address: 'dr.martin@medecin.mssante.fr', role: 'prescriber' },
  messageId: '<labmss.D7.abc@lab.mssante.fr>',
  date: new Date('2026-11-20T13:00:00Z'),
  nil: 'NIL-123',
  kind: DOCUMENT_KINDS['pdf-report'],
  documents: { pdf: { filename: pdfFileName(report), content: Buffer.from('%PDF-1.4 fake') } },
  readReceipt: true,
};

test('R2 PDF file name: date of the act, document type, NOM, prénom, dossier — ASCII', () => {
  assert.equal(pdfFileName(report), '20261120_CR-BIO_DUPONT-ELUARD_Helene_DOS1.pdf');
});

test('R2 PDF file name keeps Œ and Æ as OE and AE', () => {
  const r = structuredClone(report);
  r.patient.familyName = 'Lœuvre-Cœurderoy';
  r.patient.givenNames = ['Lætitia'];
  assert.equal(pdfFileName(r), '20261120_CR-BIO_LOEUVRE-COEURDEROY_Laetitia_DOS1.pdf');
});

test('stage 1 message: headers, French body, the PDF attached byte for byte', async () => {
  const parsed = await simpleParser(await composeMessage(base));
  assert.equal(parsed.messageId, '<labmss.D7.abc@lab.mssante.fr>');
  assert.equal(parsed.headers.get('x-mss-nil'), 'NIL-123');
  assert.equal(parsed.headers.get('x-mss-codecda'), undefined);
  assert.equal((parsed.headers.get('disposition-notification-to') as { text: string }).text, 'labo@lab.mssante.fr');
  assert.equal(parsed.from!.value[0]!.address, 'labo@lab.mssante.fr');
  assert.match(parsed.subject!, /DUPONT-ÉLUARD Hélène/);
  assert.match(parsed.text!, /Patient : DUPONT-ÉLUARD Hélène \(né\(e\) MARTIN\), né\(e\) le 12\/03\/1979/);
  assert.equal(parsed.attachments.length, 1);
  assert.equal(parsed.attachments[0]!.filename, '20261120_CR-BIO_DUPONT-ELUARD_Helene_DOS1.pdf');
  assert.deepEqual(parsed.attachments[0]!.content, Buffer.from('%PDF-1.4 fake'));
});

test('stage 2 message: XDM subject, X-MSS-CODECDA, X-MSS-INS, IHE_XDM.ZIP then the PDF', async () => {
  const raw = await composeMessage({ ...base, kind: DOCUMENT_KINDS['crbio-xdm'], documents: { ...base.documents, xdm: Buffer.from('PK zip'), cdaCode: '11502-2' } });
  // Spelled as the ANS specification spells them: some receiving software compares names case-sensitively.
  const head = raw.toString('latin1').split('\r\n\r\n')[0]!;
  for (const name of ['X-MSS-NIL: NIL-123', 'X-MSS-CODECDA: 11502-2', 'X-MSS-INS: O']) assert.ok(head.split('\r\n').includes(name), `${name} in ${head}`);
  const parsed = await simpleParser(raw);
  assert.equal(parsed.subject, "XDM/1.0/DDM+CR d'examens biologiques MARTIN Hélène 12/03/1979");
  assert.equal(parsed.headers.get('x-mss-codecda'), '11502-2');
  assert.equal(parsed.headers.get('x-mss-ins'), 'O');
  assert.deepEqual(parsed.attachments.map((a) => a.filename), ['IHE_XDM.ZIP', '20261120_CR-BIO_DUPONT-ELUARD_Helene_DOS1.pdf']);
});

test('X-MSS-INS is N without a qualified INS and its traits', () => {
  const r = structuredClone(report);
  r.patient.ids.ins!.qualified = false;
  assert.equal(insQualified(r), false);
  const s = structuredClone(report);
  delete s.patient.birthDate;
  assert.equal(insQualified(s), false);
  assert.equal(insQualified(report), true);
  assert.match(DOCUMENT_KINDS['pdf-report'].subject(r), /^Compte rendu d'examens biologiques - DUPONT-ÉLUARD Hélène \(né\(e\) MARTIN\) - 20\/11\/2026$/);
});

test('patient messages end the exchange with X-MSS-MES: FIN', async () => {
  const parsed = await simpleParser(await composeMessage({ ...base, to: { address: '279035121518989@patient.mssante.fr', role: 'patient' }, endExchange: true }));
  assert.equal(parsed.headers.get('x-mss-mes'), 'FIN');
});

test('a report prepared once, then one cheap header block per recipient: the bytes composeMessage gave before (boundary aside)', async () => {
  const pins = JSON.parse(readFileSync(fixtures('compose.sha256.json'), 'utf8')) as Record<string, string>;
  const cases = composeCases();
  assert.deepEqual(cases.map((c) => c.name), Object.keys(pins));
  for (const { name, input } of cases) {
    const one = await composeMessage(input);
    assert.equal(sha256(withBoundaryErased(one)), pins[name], name);
    // The same report prepared once serves every recipient: only the headers differ.
    const prepared = await prepareMessage(input, '0123456789abcdef');
    const other = { to: { address: 'dr.autre@medecin.mssante.fr', name: 'Dr Zoé AUTRE', role: 'copy' }, messageId: '<labmss.D8.b@lab.mssante.fr>', date: new Date('2026-11-21T08:00:00Z') };
    for (const recipient of [input, other]) {
      const viaPrepared = messageFor(prepared, recipient);
      const whole = await composeMessage({ ...input, ...recipient, endExchange: recipient === input ? input.endExchange : undefined });
      assert.equal(viaPrepared.toString('latin1').replace(/0123456789abcdef/g, '0000000000000000'), whole.toString('latin1').replace(/(--_NmP-)[0-9a-f]{16}/g, '$10000000000000000'), name);
    }
    assert.equal(sha256(withBoundaryErased(messageFor(prepared, input))), pins[name], name);
  }
});
