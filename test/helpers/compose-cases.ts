import { createHash } from 'node:crypto';
import type { ComposeInput } from '../../src/mail/compose.js';
import { pdfFileName } from '../../src/mail/compose.js';
import { DOCUMENT_KINDS } from '../../src/documents/kinds.js';
import type { LabReport } from '../../src/model/labreport.types.js';
import { sampleReport } from './lab.js';

/** Bytes that look like nothing in particular (a PDF, a zip), the same every run. */
function bytes(size: number, seed: string): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let i = 0; i < size; i += 32) {
    block.copy(out, i);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

const insReport = sampleReport(1, {
  patient: { ids: { ipp: 'I1', ins: { value: '279035121518989', oid: '1.2.250.1.213.1.4.8', qualified: true } },
    familyName: 'Dupont-Éluard', birthFamilyName: 'MARTIN', givenNames: ['Hélène', 'Marie'], birthDate: '1979-03-12', sex: 'F' },
}) as unknown as LabReport;
const cancelled = { ...(sampleReport(2) as unknown as LabReport), status: 'cancelled' as const };

/** Messages of every shape compose makes: stage 1 and 2, receipts asked or not, a patient mailbox, a cancellation, names to encode. */
export function composeCases(): Array<{ name: string; input: ComposeInput }> {
  const pdf = bytes(90_000, 'pdf');
  const xdm = bytes(120_000, 'xdm');
  const common = {
    from: { address: 'labo@lab.mssante.fr', name: 'Laboratoire des Tilleuls' },
    messageId: '<labmss.D7.abc@lab.mssante.fr>',
    date: new Date('2026-11-20T13:00:00Z'),
    nil: 'NIL-123',
  };
  return [
    { name: 'stage 1, prescriber, read receipt', input: { ...common, report: insReport, to: { address: 'dr.martin@medecin.mssante.fr', role: 'prescriber' }, kind: DOCUMENT_KINDS['pdf-report'], documents: { pdf: { filename: pdfFileName(insReport), content: pdf } }, readReceipt: true } },
    { name: 'stage 2, named copy recipient', input: { ...common, report: insReport, to: { address: 'dr.lefevre@medecin.mssante.fr', name: 'Dr Anaïs LEFÈVRE-Œillet', role: 'copy' }, kind: DOCUMENT_KINDS['crbio-xdm'], documents: { pdf: { filename: pdfFileName(insReport), content: pdf }, xdm, cdaCode: '11502-2' }, readReceipt: false } },
    { name: 'stage 2, patient mailbox, end of exchange', input: { ...common, report: insReport, to: { address: '279035121518989@patient.mssante.fr', role: 'patient' }, kind: DOCUMENT_KINDS['crbio-xdm'], documents: { pdf: { filename: pdfFileName(insReport), content: pdf }, xdm, cdaCode: '11502-2' }, readReceipt: true, endExchange: true } },
    { name: 'stage 1, cancellation', input: { ...common, messageId: '<labmss.D9.x@lab.mssante.fr>', date: new Date('2026-12-31T23:59:59Z'), report: cancelled, to: { address: 'dr.martin@medecin.mssante.fr', role: 'prescriber' }, kind: DOCUMENT_KINDS['pdf-report'], documents: { pdf: { filename: pdfFileName(cancelled), content: bytes(3000, 'small') } }, readReceipt: false } },
  ];
}

/** nodemailer draws a random boundary per message: the same message with another draw is the same message. */
export function withBoundaryErased(eml: Buffer): Buffer {
  return Buffer.from(eml.toString('latin1').replace(/(--_NmP-)[0-9a-f]{16}(-Part_)/g, '$1BOUNDARY$2'), 'latin1');
}
