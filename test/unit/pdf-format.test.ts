import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  flagText,
  frDate,
  frDateTime,
  frIns,
  frRange,
  frValue,
  isAbnormal,
  practitionerName,
  toInstant,
} from '../../src/documents/pdf/format.js';

const tz = 'Europe/Paris';

describe('pdf format', () => {
  it('prints values exactly as written', () => {
    assert.equal(frValue({ kind: 'numeric', value: '5.40' }), '5.40');
    assert.equal(frValue({ kind: 'numeric', value: '0.12', comparator: '<' }), '< 0.12');
    assert.equal(frValue({ kind: 'numeric', value: '60', comparator: '>=' }), '≥ 60');
    assert.equal(frValue({ kind: 'text', text: 'Absence' }), 'Absence');
    assert.equal(frValue({ kind: 'coded', code: 'POS', label: 'Positif' }), 'Positif');
    assert.equal(frValue({ kind: 'coded', code: 'POS' }), 'POS');
    assert.equal(frValue({ kind: 'none', reason: 'En cours' }), 'En cours');
    assert.equal(frValue({ kind: 'none' }), '—');
  });

  it('prints ranges as the lab wrote them, else from their bounds', () => {
    assert.equal(frRange({ text: '3,9 à 6,1', low: '3.9', high: '6.1' }), '3,9 à 6,1');
    assert.equal(frRange({ low: '3.90', high: '6.10' }), '3.90 – 6.10');
    assert.equal(frRange({ high: '5' }), '≤ 5');
    assert.equal(frRange({ low: '60' }), '≥ 60');
    assert.equal(frRange(undefined), '');
  });

  it('prints dates at their precision, offsets in the lab zone', () => {
    assert.equal(frDateTime('2024-03-05T08:20', tz), '05/03/2024 à 08:20');
    assert.equal(frDateTime('2024-03-05T08:20:59', tz), '05/03/2024 à 08:20');
    assert.equal(frDateTime('2024-07-05T06:20:00Z', tz), '05/07/2024 à 08:20');
    assert.equal(frDateTime('2024-03-05T23:30:00-05:00', tz), '06/03/2024 à 05:30');
    assert.equal(frDateTime('2024-03-05', tz), '05/03/2024');
    assert.equal(frDateTime('2024-03', tz), '03/2024');
    assert.equal(frDate('1960-02-14', tz), '14/02/1960');
    assert.equal(frDate('2023-11-20T10:15', tz), '20/11/2023');
    assert.equal(frDateTime('hier', tz), 'hier');
  });

  it('turns lab-local times into instants, across daylight saving time', () => {
    assert.equal(toInstant('2024-01-15T12:00', tz)?.toISOString(), '2024-01-15T11:00:00.000Z');
    assert.equal(toInstant('2024-07-15T12:00', tz)?.toISOString(), '2024-07-15T10:00:00.000Z');
    assert.equal(toInstant('2024-03-31T04:00', tz)?.toISOString(), '2024-03-31T02:00:00.000Z');
    assert.equal(toInstant('2024-03-05T14:32:10+01:00', tz)?.toISOString(), '2024-03-05T13:32:10.000Z');
    assert.equal(toInstant('2024-03-05', tz)?.toISOString(), '2024-03-04T23:00:00.000Z');
    assert.equal(toInstant('n/a', tz), undefined);
  });

  it('flags: text for the flag column, bold only for out-of-range values', () => {
    assert.equal(flagText('H'), 'H');
    assert.equal(flagText('LL'), 'LL');
    assert.equal(flagText('A'), '*');
    assert.equal(flagText('N'), '');
    assert.equal(flagText(undefined), '');
    assert.ok(isAbnormal('HH') && isAbnormal('L') && isAbnormal('A'));
    assert.ok(!isAbnormal('N') && !isAbnormal('S') && !isAbnormal(undefined));
  });

  it('names INS kind and status, and practitioners', () => {
    assert.equal(frIns({ value: '260027512345678', oid: '1.2.250.1.213.1.4.8', qualified: false }), '260027512345678 (NIR) — non qualifiée');
    assert.equal(frIns({ value: '1234', oid: '1.2.250.1.213.1.4.9', qualified: true }), '1234 (NIA) — qualifiée');
    assert.equal(practitionerName({ title: 'Dr', givenName: 'Jean', familyName: 'MARTIN' }), 'Dr Jean MARTIN');
    assert.equal(practitionerName({ title: 'Dr', name: 'MARTIN Jean' }), 'Dr MARTIN Jean');
    assert.equal(practitionerName({ rpps: '10001234567' }), '10001234567');
  });
});
