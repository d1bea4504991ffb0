import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseHl7 } from '../../src/inputs/hl7v2.js';
import type { Result, Value } from '../../src/model/labreport.types.js';
import { labReportProblems } from '../../src/model/validate.js';
import { writeHl7, type WrittenReport } from '../helpers/hl7-writer.js';

// Written text: letters with accents, digits, spaces inside, and every HL7 delimiter (escaped by the writer).
const chars = fc.constantFrom(...'abcXYZéèçÇÉàµ°0123456789 -_./|^~\\&%()<>+'.split(''));
const text = fc.array(chars, { minLength: 1, maxLength: 20 }).map((a) => a.join('').trim()).filter((s) => s !== '' && s !== '""');
const decimalText = fc.tuple(fc.integer({ min: 0, max: 99999 }), fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }))
  .map(([i, f]) => (f === undefined ? String(i) : `${i}.${String(f).padStart(2, '0')}`));
const flag = fc.constantFrom('N', 'L', 'H', 'LL', 'HH', 'A', 'AA');
const result = fc.record({
  code: text,
  label: text,
  loinc: fc.option(fc.tuple(fc.integer({ min: 1, max: 99999 }), fc.integer({ min: 0, max: 9 })).map(([a, b]) => `${a}-${b}`), { nil: undefined }),
  value: fc.oneof(decimalText, text.filter((s) => !/^[<>=]/.test(s))),
  unit: fc.option(text, { nil: undefined }),
  range: fc.option(text, { nil: undefined }),
  flag: fc.option(flag, { nil: undefined }),
});
const report: fc.Arbitrary<WrittenReport> = fc.record({
  familyName: text,
  givenName: fc.option(text.map((s) => s.replace(/\s+/g, '-')), { nil: undefined }),
  // An identifier never holds spaces (issue 14: such a field is refused as an identifier).
  ipp: text.map((s) => s.replace(/\s+/g, '-')),
  fillerId: fc.uuid(),
  results: fc.array(result, { minLength: 1, maxLength: 6 }),
});
const charset = fc.constantFrom(
  { msh18: 'UNICODE UTF-8', encoding: 'utf-8' },
  { msh18: '8859/1', encoding: 'latin1' },
  { msh18: '8859/15', encoding: 'iso-8859-15' },
);

/** A value as the lab wrote it, back from the model. */
function written(v: Value): string {
  if (v.kind === 'numeric') return `${v.comparator ?? ''}${v.value}`;
  if (v.kind === 'text') return v.text;
  if (v.kind === 'coded') return v.code;
  return '';
}

test('property: written HL7 parses back to the same patient, codes, labels, values, units, ranges and flags', () => {
  fc.assert(fc.property(fc.array(report, { minLength: 1, maxLength: 3 }), charset, fc.constantFrom('\r', '\n', '\r\n'), (reports, cs, eol) => {
    // Fresh filler ids per message keep one report per message.
    const res = parseHl7(writeHl7(reports, { charset: cs, eol }), { file: 'prop.hl7' });
    assert.equal(res.reports.length, reports.length);
    res.reports.forEach((got, i) => {
      const want = reports[i]!;
      assert.deepEqual(labReportProblems(got), []);
      assert.equal(got.patient.familyName, want.familyName);
      assert.deepEqual(got.patient.givenNames ?? [], want.givenName ? [want.givenName] : []);
      assert.equal(got.patient.ids.ipp, want.ipp);
      assert.equal(got.request.fillerId, want.fillerId);
      const results: Result[] = got.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));
      assert.equal(results.length, want.results.length);
      results.forEach((r, n) => {
        const w = want.results[n]!;
        assert.equal(r.code, w.code);
        assert.equal(r.label, w.label);
        assert.equal(r.loinc, w.loinc);
        assert.equal(written(r.value), w.value);
        assert.equal(r.unit, w.unit);
        assert.equal(r.range?.text, w.range);
        assert.equal(r.flag, w.flag);
      });
    });
  }), { numRuns: 300 });
});
