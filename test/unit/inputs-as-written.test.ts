import assert from 'node:assert/strict';
import test from 'node:test';
import { parseInput } from '../../src/inputs/index.js';
import type { Result } from '../../src/model/labreport.types.js';
import { writeHl7 } from '../helpers/hl7-writer.js';

/** Issue 14 item 3: units, ranges, people and identifiers exactly as the lab wrote them. */

function hl7Results(results: Parameters<typeof writeHl7>[0][number]['results']): { results: Result[]; warnings: string[] } {
  const parsed = parseInput(writeHl7([{ familyName: 'DURAND', ipp: 'P1', fillerId: 'F1', results }]), { file: 'u.hl7' });
  return { results: parsed.reports[0]!.chapters.flatMap((c) => c.batteries.flatMap((b) => b.results)), warnings: parsed.warnings.map((w) => `${w.field} ${w.message}`) };
}

test('OBX-6: the unit is the text (or the UCUM code), never a local code', () => {
  const { results, warnings } = hl7Results([
    { code: 'GLY', label: 'Glucose', value: '62', unitField: 'CD:289^mg/dL^99LAB' },
    { code: 'NA', label: 'Sodium', value: '140', unitField: 'mmol/L^millimoles par litre^UCUM' },
    { code: 'K', label: 'Potassium', value: '4.1', unitField: 'X12^^L^mmol/L^^UCUM' },
    { code: 'CL', label: 'Chlore', value: '101', unitField: 'mmol/l' },
    { code: 'CA', label: 'Calcium', value: '2.3', unitField: 'CD:291^^99LAB' },
  ]);
  assert.deepEqual(results.map((r) => r.unit), ['mg/dL', 'mmol/L', 'mmol/L', 'mmol/l', undefined]);
  assert.ok(warnings.some((w) => w.startsWith('OBX-6 ') && w.includes('99LAB')), warnings.join('\n'));
});

test('OBX-7: text^low^high is read into text, low and high', () => {
  const { results } = hl7Results([
    { code: 'CHOL', label: 'Cholestérol', value: '120', rangeField: '35-150^35^150' },
    { code: 'TG', label: 'Triglycérides', value: '1', rangeField: '^0.5^1.7' },
    { code: 'CRP', label: 'CRP', value: '3', rangeField: '< 5' },
  ]);
  assert.deepEqual(results.map((r) => r.range), [
    { text: '35-150', low: '35', high: '150' },
    { text: '0.5 - 1.7', low: '0.5', high: '1.7' },
    { text: '< 5', high: '5' },
  ]);
});
