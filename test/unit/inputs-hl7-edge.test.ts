import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHl7 } from '../../src/inputs/hl7v2.js';
import { unescapeHl7, DEFAULT_DELIMITERS, delimitersOf } from '../../src/inputs/hl7-tokens.js';
import { InputError, type ParseResult } from '../../src/inputs/types.js';
import type { LabReport, Result } from '../../src/model/labreport.types.js';
import { labReportProblems } from '../../src/model/validate.js';

const MSH = 'MSH|^~\\&|SIL|LABO|||20240101||ORU^R01|X1|P|2.5|||||FRA|UNICODE UTF-8';
const PID = 'PID|||IPP1^^^^PI||DUPONT^Jean||19600101|M';
const OBR = 'OBR|1|P1|F1|GLY^Glycémie^L';
const OBX = (n: number, value: string, extra = 'mmol/L|3.9-5.8|N|||F') => `OBX|${n}|NM|GLY${n}^Glycémie ${n}^L||${value}|${extra}`;

function parse(text: string | Buffer, file = 'test.hl7'): ParseResult {
  const res = parseHl7(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, { file });
  for (const r of res.reports) assert.deepEqual(labReportProblems(r), [], 'report must match the schema');
  return res;
}
const results = (r: LabReport): Result[] => r.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));

function rejects(text: string | Buffer, line: number | undefined, field: string | undefined, reason: RegExp): void {
  assert.throws(() => parse(text), (e: unknown) => {
    assert.ok(e instanceof InputError, String(e));
    assert.equal(e.where.file, 'test.hl7');
    assert.equal(e.where.line, line);
    assert.equal(e.where.field, field);
    assert.match(e.reason, reason);
    return true;
  });
}

test('CR, LF and CRLF give the same reports; LF and CRLF are warned about', () => {
  const segs = [MSH, PID, OBR, OBX(1, '5.40')];
  const cr = parse(segs.join('\r') + '\r');
  const lf = parse(segs.join('\n') + '\n');
  const crlf = parse(segs.join('\r\n') + '\r\n');
  assert.deepEqual(cr.reports, lf.reports);
  assert.deepEqual(cr.reports, crlf.reports);
  assert.deepEqual(cr.warnings, []);
  assert.ok(lf.warnings.some((w) => /LF instead of CR/.test(w.message)));
  assert.ok(crlf.warnings.some((w) => /CRLF instead of CR/.test(w.message)));
});

test('UTF-8 BOM before MSH, and no final end of line after a complete segment', () => {
  const res = parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([MSH, PID, OBR, OBX(1, '5.40')].join('\r'))]));
  assert.deepEqual(results(res.reports[0]!)[0]!.value, { kind: 'numeric', value: '5.40' });
  assert.ok(res.warnings.some((w) => w.line === 4 && /no end-of-segment/.test(w.message)));
});

test('a file cut in the middle of an OBX is rejected naming the segment and the field', () => {
  rejects([MSH, PID, OBR, OBX(1, '5.40'), 'OBX|2|NM|GLY2^Glycémie^L||6.'].join('\r'), 5, 'OBX-5', /truncated/);
});

test('a file cut in the middle of the PID is rejected', () => {
  rejects([MSH, 'PID|||IPP1^^^^PI'].join('\r'), 2, 'PID-3', /truncated/);
});

test('"" nulls read as empty with a warning; empty fields silently', () => {
  const res = parse([MSH, PID, OBR, 'OBX|1|NM|GLY^Glycémie^L||""|""|""|""|||I', 'OBX|2|NM|CREA^Créatinine^L||||||||I'].join('\r') + '\r');
  const [a, b] = results(res.reports[0]!);
  assert.deepEqual(a!.value, { kind: 'none', reason: 'pending' });
  assert.equal(a!.unit, undefined);
  assert.equal(a!.range, undefined);
  assert.equal(a!.flag, undefined);
  assert.deepEqual(b!.value, { kind: 'none', reason: 'pending' });
  assert.ok(res.warnings.some((w) => w.line === 4 && w.field === 'OBX-6' && /""/.test(w.message)));
  assert.ok(!res.warnings.some((w) => w.line === 5));
  assert.equal(res.reports[0]!.status, 'partial');
});

test('repeated OBR and OBX, several patients and several messages: one report per patient and order', () => {
  const text = [
    MSH, PID, 'ORC|NW|P1|F1', OBR, OBX(1, '5.40'), OBX(2, '6.1'), 'OBR|2|P1|F1|CREA^Créatinine^L', OBX(3, '80'),
    'PID|||IPP2^^^^PI||MARTIN^Anne||19700101|F', 'OBR|1|P2|F2|GLY^Glycémie^L', OBX(1, '4.2'), 'OBR|2|P3|F3|TSH^TSH^L', OBX(1, '1.2'),
    'MSH|^~\\&|SIL|LABO|||20240101||ORU^R01|X2|P|2.5', 'PID|||IPP3^^^^PI||BERNARD^Luc', OBR, OBX(1, '7'),
  ].join('\r') + '\r';
  const { reports } = parse(text);
  assert.deepEqual(reports.map((r) => [r.patient.familyName, r.request.fillerId, results(r).length]), [
    ['DUPONT', 'F1', 3], ['MARTIN', 'F2', 1], ['MARTIN', 'F3', 1], ['BERNARD', 'F1', 1],
  ]);
  assert.equal(reports[0]!.chapters[0]!.batteries.length, 2);
  assert.deepEqual(reports.map((r) => r.source?.messageId), ['X1', 'X1', 'X1', 'X2']);
});

test('ORC-4 placer group keeps several OBR-3 in one report', () => {
  const text = [MSH, PID, 'ORC|NW|A|B|GRP1', 'OBR|1|A|B|X^X^L', OBX(1, '1'), 'ORC|NW|C|D|GRP1', 'OBR|2|C|D|Y^Y^L', OBX(2, '2')].join('\r');
  assert.equal(parse(text).reports.length, 1);
});

test('FHS/BHS batch with two messages; a batch whose BTS/FTS count disagrees is held; a missing trailer is rejected', () => {
  const msg = (id: string, name: string) => [MSH.replace('X1', id), `PID|||${id}^^^^PI||${name}`, OBR, OBX(1, '1')];
  const batch = ['FHS|^~\\&|SIL', 'BHS|^~\\&|SIL', ...msg('M1', 'UN'), ...msg('M2', 'DEUX'), 'BTS|2', 'FTS|1'];
  assert.deepEqual(parse(batch.join('\r') + '\r').reports.map((r) => r.patient.familyName), ['UN', 'DEUX']);
  // Issue 14: a count that disagrees holds the file (a person checks it) instead of quarantining it.
  const short = parse(['FHS|^~\\&|SIL', 'BHS|^~\\&|SIL', ...msg('M1', 'UN'), 'BTS|2', 'FTS|2'].join('\r') + '\r');
  assert.deepEqual(short.holds.map((h) => [h.code, h.where]), [['incomplete', { line: 7, field: 'BTS-1' }], ['incomplete', { line: 8, field: 'FTS-1' }]]);
  assert.match(short.holds[0]!.reason, /announces 2 messages but the batch holds 1/);
  assert.deepEqual(parse(batch.join('\r') + '\r').holds, []);
  rejects(['FHS|^~\\&|SIL', 'BHS|^~\\&|SIL', ...msg('M1', 'UN')].join('\r') + '\r', 6, 'BTS', /truncated/);
});

test('escapes decoded after splitting, left to right', () => {
  const d = DEFAULT_DELIMITERS;
  assert.equal(unescapeHl7('a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f', d, 'utf-8'), 'a|b^c&d~e\\f');
  assert.equal(unescapeHl7('\\E\\F\\E\\', d, 'utf-8'), '\\F\\', 'an escaped escape is not re-read');
  assert.equal(unescapeHl7('ligne 1\\.br\\ligne 2', d, 'utf-8'), 'ligne 1\nligne 2');
  assert.equal(unescapeHl7('\\H\\important\\N\\', d, 'utf-8'), 'important');
  assert.equal(unescapeHl7('\\XC3A9\\t\\XC3A9\\', d, 'utf-8'), 'été');
  assert.equal(unescapeHl7('\\XE9\\', d, 'iso-8859-1'), 'é');
  const issues: { sequence: string }[] = [];
  assert.equal(unescapeHl7('C:\\dossier\\fichier', d, 'utf-8', issues as never), 'C:\\dossier\\fichier', 'unknown sequences stay as written');
  assert.ok(issues.length > 0);
});

test('other delimiters are read from MSH-1/MSH-2', () => {
  assert.deepEqual(delimitersOf('MSH#$*@%#'), { field: '#', component: '$', repetition: '*', escape: '@', subcomponent: '%' });
  const text = ['MSH#$*@%#SIL#LABO####ORU$R01#X#P#2.5', 'PID###I1$$$$PI##NOM$Prénom', 'OBR#1#P#F#G$Glucose$L', 'OBX#1#NM#G$Glucose$L##5@F@6#mmol/L#4-6#N###F'].join('\r');
  const r = parse(text).reports[0]!;
  assert.equal(r.patient.familyName, 'NOM');
  assert.deepEqual(results(r)[0]!.value, { kind: 'text', text: '5#6' });
});

test('unescaped & and ^ in FT/TX text are kept as text (nHapi#570)', () => {
  const r = parse([MSH, PID, OBR, 'OBX|1|FT|C^Commentaire^L||Tom & Jerry ^ AT&T||||||F', 'OBX|2|TX|C2^Texte^L||ligne 1~ligne 2||||||F'].join('\r')).reports[0]!;
  assert.deepEqual(results(r).map((x) => x.value), [{ kind: 'text', text: 'Tom & Jerry ^ AT&T' }, { kind: 'text', text: 'ligne 1\nligne 2' }]);
});

test('malformed OBX: not split into fields, or without an identifier, is rejected', () => {
  rejects([MSH, PID, OBR, 'OBX 1 NM GLY 5.40'].join('\r') + '\r', 4, undefined, /not an HL7 segment/);
  rejects([MSH, PID, OBR, 'OBX|1|NM'].join('\r') + '\r', 4, 'OBX-3', /cannot be split/);
  rejects([MSH, PID, OBR, 'OBX|1|NM|||5'].join('\r') + '\r', 4, 'OBX-3', /without an identifier/);
});

test('corrupted value type: the value is read by its shape, with a warning', () => {
  const res = parse([MSH, PID, OBR, 'OBX|1|000|X^X^L||=^16|mg/L||||||F'].join('\r') + '\r');
  assert.deepEqual(results(res.reports[0]!)[0]!.value, { kind: 'numeric', value: '16' });
  assert.ok(res.warnings.some((w) => w.field === 'OBX-2' && /000/.test(w.message)));
});

test('no MSH, no PID, no family name, garbage bytes: rejected with segment and field', () => {
  rejects([MSH, OBR, OBX(1, '1')].join('\r') + '\r', 2, 'PID', /no patient identity/);
  rejects([MSH, 'PID|||IPP^^^^PI||^Jean', OBR, OBX(1, '1')].join('\r') + '\r', 2, 'PID-5', /family name/);
  rejects([MSH, 'PV1|1|O'].join('\r') + '\r', 1, 'PID', /no patient identity/);
  rejects([MSH, PID, OBR, OBX(1, '5\x00\x01')].join('\r') + '\r', 4, 'OBX-5', /control character/);
  rejects(['PID|||1', MSH].join('\r') + '\r', 1, undefined, /before any MSH/);
  rejects([MSH, PID, OBX(1, '5')].join('\r') + '\r', 3, 'OBR', /outside an order/);
  rejects([MSH, PID, OBR, 'suite du commentaire sur une nouvelle ligne'].join('\r') + '\r', 4, undefined, /not an HL7 segment/);
});

test('a CDA whose base64 is damaged is rejected on OBX-5', () => {
  rejects([MSH, PID, OBR, 'OBX|1|ED|11502-2^CR^LN||^TEXT^XML^Base64^PD94bWwg!!||||||F'].join('\r') + '\r', 4, 'OBX-5.5', /Base64/);
});

test('decimal commas, spaces, comparators and SN forms', () => {
  const r = parse([MSH, PID, OBR,
    OBX(1, '12,5'), OBX(2, ' 7.10 '), OBX(3, '<0.5'),
    'OBX|4|SN|A^A^L||<^0.06', 'OBX|5|SN|B^B^L||>=^100||||||F', 'OBX|6|SN|C^C^L||^1^:^40||||||F', 'OBX|7|NM|D^D^L||85*||||||F',
  ].join('\r') + '\r');
  assert.deepEqual(results(r.reports[0]!).map((x) => x.value), [
    { kind: 'numeric', value: '12.5' },
    { kind: 'numeric', value: '7.10' },
    { kind: 'numeric', value: '0.5', comparator: '<' },
    { kind: 'numeric', value: '0.06', comparator: '<' },
    { kind: 'numeric', value: '100', comparator: '>=' },
    { kind: 'text', text: '1:40' },
    { kind: 'text', text: '85*' },
  ]);
  assert.ok(r.warnings.some((w) => w.line === 5 && /spaces/.test(w.message)));
  assert.ok(r.warnings.some((w) => w.line === 10 && /not a number/.test(w.message)));
});

test('flags: HL7 0078 codes, CWE flags and repetitions; unknown flags warned', () => {
  const r = parse([MSH, PID, OBR, OBX(1, '1', 'g/L||LL|||F'), OBX(2, '1', 'g/L||HH^Critique^HL70078|||F'), OBX(3, '1', 'g/L||ZZ~H|||F')].join('\r') + '\r');
  assert.deepEqual(results(r.reports[0]!).map((x) => x.flag), ['LL', 'HH', 'H']);
  assert.ok(r.warnings.some((w) => w.field === 'OBX-8' && /ZZ/.test(w.message)));
});

test('statuses: ORC-1 CA → cancelled, RO → corrected, OBX-11 D → cancelled, P → partial', () => {
  const status = (orc: string, st: string) => parse([MSH, PID, `ORC|${orc}|P|F`, OBR, OBX(1, '1', `g/L||N|||${st}`)].join('\r')).reports[0]!.status;
  assert.equal(status('NW', 'F'), 'final');
  assert.equal(status('CA', 'D'), 'cancelled');
  assert.equal(status('NW', 'D'), 'cancelled');
  assert.equal(status('RO', 'C'), 'corrected');
  assert.equal(status('NW', 'P'), 'partial');
});

test('MSH-18 8859/1 declared but the bytes are UTF-8: read as UTF-8 with a warning, no mojibake', () => {
  const res = parse([MSH.replace('UNICODE UTF-8', '8859/1'), 'PID|||1^^^^PI||HÉLÈNE', OBR, OBX(1, '1', 'µmol/L||N|||F')].join('\r'));
  assert.equal(res.reports[0]!.patient.familyName, 'HÉLÈNE');
  assert.equal(results(res.reports[0]!)[0]!.unit, 'µmol/L');
  assert.ok(res.warnings.some((w) => w.field === 'MSH-18'));
});

test('no MSH-18: UTF-8 by default; latin1 bytes then read as Windows-1252 with a warning', () => {
  const noCharset = MSH.replace('UNICODE UTF-8', '');
  assert.equal(parse([noCharset, 'PID|||1^^^^PI||FRANÇOIS'].join('\r')).charset, 'utf-8');
  const latin = Buffer.from([noCharset, 'PID|||1^^^^PI||FRANÇOIS', OBR, OBX(1, '1')].join('\r'), 'latin1');
  const res = parse(latin);
  assert.equal(res.reports[0]!.patient.familyName, 'FRANÇOIS');
  assert.ok(res.warnings.some((w) => w.field === 'MSH-18'));
});

test('PID: INS with an unknown OID is not an INS; NIA OID accepted; MR used as IPP when no PI', () => {
  const pid = (ids: string, rel = '') => parse([MSH, `PID|||${ids}||NOM^Prénom${'|'.repeat(27)}${rel}`, OBR, OBX(1, '1')].join('\r')).reports[0]!.patient;
  assert.equal(pid('123456789012345^^^X&1.2.3&ISO^INS~MR9^^^^MR').ids.ins, undefined);
  assert.equal(pid('123456789012345^^^X&1.2.3&ISO^INS~MR9^^^^MR').ids.ipp, 'MR9');
  assert.deepEqual(pid('123456789012345^^^ASIP-SANTE-INS-NIA&1.2.250.1.213.1.4.9&ISO^INS', 'VALI').ids.ins, { value: '123456789012345', oid: '1.2.250.1.213.1.4.9', qualified: true });
});

test('OBR-32 validator: NDL (id&family&given^time) and the XCN spelling some senders use', () => {
  const v = (f32: string) => parse([MSH, PID, `OBR|1|P|F|G^G^L${'|'.repeat(28)}${f32}`, OBX(1, '1')].join('\r')).reports[0]!.validator;
  assert.deepEqual(v('12345678901&MARTIN&Anne&&&Dr&&&RPPS^202401011200'), { rpps: '12345678901', familyName: 'MARTIN', givenName: 'Anne', title: 'Dr', time: '2024-01-01T12:00' });
  assert.deepEqual(v('12345678901^MARTIN^Anne^^^Dr^^^RPPS'), { rpps: '12345678901', familyName: 'MARTIN', givenName: 'Anne', title: 'Dr' });
});

test('a CDA on one 400 KB line is kept whole', () => {
  const xml = `<?xml version="1.0"?><ClinicalDocument>${'<p>résultat</p>'.repeat(20000)}</ClinicalDocument>`;
  const b64 = Buffer.from(xml).toString('base64');
  assert.ok(b64.length > 400_000);
  const text = ['MSH|^~\\&|SIL|LABO|||20240101||ORU^R01|C1|P|2.5|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2', PID, 'OBR|1|P|F|11502-2^CR^LN', `OBX|1|ED|11502-2^CR^LN||^TEXT^XML^Base64^${b64}||||||F`].join('\r') + '\r';
  const r = parse(text).reports[0]!;
  assert.equal(r.attachments?.[0]?.base64, b64);
  assert.deepEqual(r.chapters, []);
});

test('NTE placement: after PID → report, after ORC or OBR → battery, after OBX → result', () => {
  const r = parse([MSH, PID, 'NTE|1|L|rapport', 'ORC|NW|P|F', 'NTE|1|L|commande', OBR, 'NTE|1|L|batterie', OBX(1, '1'), 'NTE|1|L|résultat\\.br\\suite', 'NTE|2|L|encore'].join('\r')).reports[0]!;
  assert.deepEqual(r.comments, ['rapport']);
  assert.deepEqual(r.chapters[0]!.batteries[0]!.comments, ['commande', 'batterie']);
  assert.deepEqual(results(r)[0]!.comments, ['résultat\nsuite', 'encore']);
});
