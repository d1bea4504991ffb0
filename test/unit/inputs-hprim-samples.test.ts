import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseInput } from '../../src/inputs/index.js';
import { InputError, type ParseResult } from '../../src/inputs/types.js';
import { labReportProblems } from '../../src/model/validate.js';
import type { LabReport, Result } from '../../src/model/labreport.types.js';
import { needsShared } from '../helpers/paths.js';

/** What we know is in each shared sample (read by hand); every sample must be listed here. */
const expectations: Record<string, (r: ParseResult) => void> = {
  'freemedforms-hprim1-lab-block-crlf.hpr': (r) => {
    const rep = one(r);
    assert.equal(r.format, 'hprim-medecin');
    assert.equal(rep.patient.familyName, 'FAKENAME');
    assert.equal(rep.patient.ids.nir, '1234567890123 75');
    assert.equal(rep.patient.birthDate, '2009-12-18');
    assert.equal(rep.request.fillerId, '506232');
    assert.equal(rep.request.reportedAt, '2013-05-22');
    assert.deepEqual(res(rep, 'IGET 000').value, { kind: 'numeric', value: '164' });
    assert.equal(res(rep, 'IGET 000').unit, 'UI/ml');
    assert.deepEqual(res(rep, 'IGET 005').value, { kind: 'none' });
    assert.match(rep.text!, /I\.G\.E Totales {19}164 {2}UI\/ml/);
  },
  'freemedforms-hprim1-long-res-2units-lf-utf8.hpr': (r) => {
    const rep = one(r);
    assert.equal(r.charset, 'utf-8');
    assert.equal(results(rep).length, 33);
    assert.deepEqual(res(rep, 'C33').second, { value: { kind: 'numeric', value: '73.5' }, unit: 'umol/l', range: { low: '53.1', high: '97.4', text: '53.1 - 97.4' } });
    assert.deepEqual(res(rep, 'pe').second?.range, { high: '400', text: '< 400' });
    assert.deepEqual(res(rep, 'hdl33').range, { low: '0.40', text: '> 0.40' });
    assert.deepEqual(res(rep, 'CRPS33').value, { kind: 'text', text: '< 0.12  mg/l' });
    assert.deepEqual(res(rep, 'ASPE33').value, { kind: 'text', text: 'Limpide' });
    assert.equal(res(rep, 'gb').flag, 'L');
    assert.equal(res(rep, 'hb').label, 'Hémoglobine');
    assert.deepEqual(rep.lab, { name: 'Institut factice de biologie', code: 'labo.fake' });
    assert.match(rep.text!, /^INSTITUT DE BIOLOGIE CLINIQUE/);
    assert.ok(r.warnings.some((w) => /\*\*\*\*LAB\*\*\*\*/.test(w.field ?? '')));
  },
  'freemedforms-hprim1-text-only-no-lab.hpr': (r) => {
    const rep = one(r);
    assert.deepEqual(rep.chapters, []);
    assert.match(rep.text!, /adultes {5}: {3}0 a 100 UI\/ml$/);
  },
  'freemedforms-hprim1-malformed-garbage-after-fin.hpr': (r) => {
    assert.match(one(r).text!, /\nblabla$/);
    assert.ok(r.warnings.some((w) => w.line === 24));
  },
  'freemedforms-hprim1-missing-fin-marker.hpr': (r) => {
    assert.equal(one(r).patient.familyName, 'FAKENAME');
    assert.ok(r.warnings.some((w) => w.field === '****FIN****'));
  },
  'libhprim-hprimsante-2.1-obr-a-continuation-c-comment-fic.hpr': (r) => {
    const rep = one(r);
    assert.equal(rep.patient.familyName, 'GAULLE');
    assert.equal(rep.patient.ids.ipp, 'B1042100871');
    assert.equal(rep.request.fillerId, '20428E9575');
    // The establishment after the name spans an A continuation (`Cliniq` + `ue HP`): kept, joined.
    assert.deepEqual(rep.prescriber, { code: 'PILO', name: 'DR PITO OLIV', details: 'TESTHP, Clinique HP', phone: '0468638395' });
    assert.deepEqual(rep.validator, { code: 'VBIO' });
    assert.deepEqual(res(rep, 'OT1').range, { text: '10 - 40', low: '10', high: '40' });
    assert.deepEqual(res(rep, 'OT1').comments, ['Anemie macrocytaire']);
    assert.equal(res(rep, 'HT').label, 'Hematocrite');
    assert.deepEqual(rep.chapters.map((c) => c.label), ['Biochimie', 'Hématologie']);
    assert.ok(r.holds.some((h) => h.code === 'companion-missing' && /AL213202\.j1/.test(h.reason)));
  },
  'linuxfr-libhprim-hprimsante-2.2-acide-urique-latin1.hpr': (r) => {
    const rep = one(r);
    assert.equal(res(rep, 'AU').unit, 'µmol/L');
    assert.deepEqual(res(rep, 'AU').value, { kind: 'none', reason: 'en cours' });
    assert.equal(rep.status, 'partial');
    assert.deepEqual(rep.prescriber, { code: 'UNIT', name: 'UNITE A', phone: '01 23 45 67 89' });
  },
};

/**
 * The two-patients sample ends without its L record and its last record (the second P) has no line end:
 * by the rule of issue 3 the file is cut short, and nothing from it may be sent.
 */
const rejected: Record<string, { line: number; field: string }> = {
  'libhprim-hprimsante-2.2-two-patients-no-L-cr.hpr': { line: 7, field: 'L' },
};

const one = (r: ParseResult): LabReport => { assert.equal(r.reports.length, 1); return r.reports[0]!; };
const results = (r: LabReport): Result[] => r.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));
const res = (r: LabReport, code: string): Result => { const x = results(r).find((y) => y.code === code); assert.ok(x, code); return x; };

test('every shared HPRIM sample parses to the values it holds, or is rejected precisely', (t) => {
  const dir = needsShared(t, 'samples', 'hprim');
  if (!dir) return;
  const files = readdirSync(dir).sort();
  assert.ok(files.length > 0);
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    const reject = rejected[file];
    if (reject) {
      assert.throws(() => parseInput(bytes, { file }), (e: unknown) => e instanceof InputError && e.where.line === reject.line && e.where.field === reject.field, file);
      continue;
    }
    const check = expectations[file];
    assert.ok(check, `no expectation written for the new sample ${file}`);
    const r = parseInput(bytes, { file, companion: () => undefined });
    for (const rep of r.reports) assert.deepEqual(labReportProblems(rep), [], file);
    check(r);
  }
});
