import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseHprimSante } from '../../src/inputs/hprim-sante.js';
import { labReportProblems } from '../../src/model/validate.js';
import { writeHprimSante, type WrittenReport, type WrittenResult } from '../helpers/hprim-writer.js';

// Latin-1 letters (µ é Ç…), spaces inside, and every delimiter character so escaping is exercised.
const CHARS = 'abcXYZéèÇàµôÉ'.split('').concat([' ', '|', '~', '^', '\\', '&', '-', '.', '/', "'"]);
const word = (min = 1, max = 12) =>
  fc.array(fc.constantFrom(...CHARS), { minLength: min, maxLength: max })
    .map((a) => a.join('').trim())
    .filter((s) => s.length > 0);
// Texts that start with a letter: never read as numbers.
const text = fc.tuple(fc.constantFrom('A', 'b', 'É', 'µ'), word(0, 20).map((s) => s)).map(([a, b]) => `${a}${b}`.trim());
const code = fc.stringMatching(/^[A-Z0-9]{1,8}$/);
const dec = fc.tuple(fc.nat(99999), fc.option(fc.stringMatching(/^[0-9]{1,3}$/))).map(([i, f]) => (f === null ? String(i) : `${i}.${f}`));
const range = fc.oneof(
  fc.constant(''),
  fc.tuple(dec, dec).map(([a, b]) => `${a} - ${b}`),
  dec.map((a) => `< ${a}`),
  dec.map((a) => `> ${a}`),
);
const result: fc.Arbitrary<WrittenResult> = fc.record({
  code,
  label: word(1, 40),
  value: fc.oneof(dec, text),
  unit: fc.oneof(fc.constant(''), fc.constantFrom('mmol/L', 'µmol/L', 'g/l', '%', 'UI/l', '10^9/L')),
  range,
  flag: fc.constantFrom('', 'N', 'L', 'H', 'LL', 'HH'),
});
const report: fc.Arbitrary<WrittenReport> = fc.record({
  patient: fc.record({
    familyName: word(1, 30),
    givenName: word(1, 20),
    ipp: code,
    birthDate: fc.date({ min: new Date('1900-01-01'), max: new Date('2024-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10).replace(/-/g, '')),
  }),
  fillerId: code,
  results: fc.uniqueArray(result, { minLength: 1, maxLength: 6, selector: (r) => r.code }),
});

test('generated reports written as HPRIM Santé parse back to the same values', () => {
  fc.assert(fc.property(
    fc.array(report, { minLength: 1, maxLength: 4 }),
    fc.constantFrom('|~^\\&', '|\\^&~'),
    fc.constantFrom('\r', '\n', '\r\n'),
    fc.integer({ min: 40, max: 220 }),
    (reports, delimiters, eol, maxLength) => {
      const hpr = writeHprimSante(reports, { delimiters, eol, maxLength });
      const parsed = parseHprimSante(Buffer.from(hpr, 'latin1'), { file: 'gen.hpr' });
      assert.equal(parsed.reports.length, reports.length);
      parsed.reports.forEach((got, i) => {
        const want = reports[i]!;
        assert.deepEqual(labReportProblems(got), []);
        assert.equal(got.patient.familyName, want.patient.familyName);
        assert.deepEqual(got.patient.givenNames, [want.patient.givenName]);
        assert.equal(got.patient.ids.ipp, want.patient.ipp);
        assert.equal(got.patient.birthDate!.replace(/-/g, ''), want.patient.birthDate);
        assert.equal(got.request.fillerId, want.fillerId);
        const results = got.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results));
        assert.equal(results.length, want.results.length);
        results.forEach((r, k) => {
          const w = want.results[k]!;
          assert.equal(r.code, w.code);
          assert.equal(r.label, w.label);
          assert.equal(r.value.kind === 'numeric' ? r.value.value : r.value.kind === 'text' ? r.value.text : undefined, w.value);
          assert.equal(r.unit, w.unit || undefined);
          assert.equal(r.range?.text, w.range || undefined);
          assert.equal(r.flag, w.flag || undefined);
        });
      });
    },
  ), { numRuns: 300 });
});
