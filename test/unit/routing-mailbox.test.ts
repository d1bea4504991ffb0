import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressBook, parseAddressBook } from '../../src/routing/address-book.js';
import { allowlistChecker } from '../../src/routing/allowlist.js';
import { parseMailbox } from '../../src/routing/mailbox.js';
import { route, routeReport } from '../../src/routing/resolve.js';
import type { LabReport } from '../../src/model/labreport.types.js';

const ok = (text: string) => {
  const m = parseMailbox(text);
  assert.ok(m.ok, `${JSON.stringify(text)} should be accepted: ${!m.ok ? m.reason : ''}`);
  return m.address;
};
const refused = (text: string, reason?: RegExp) => {
  const m = parseMailbox(text);
  assert.equal(m.ok, false, `${JSON.stringify(text)} should be refused, got ${m.ok ? m.address : ''}`);
  if (reason && !m.ok) assert.match(m.reason, reason);
};

test('one mailbox: the domain lower-cased and in IDNA ASCII, the local part as written, spaces around trimmed', () => {
  assert.equal(ok('jean.martin@medecin.mssante.fr'), 'jean.martin@medecin.mssante.fr');
  assert.equal(ok('Jean.Martin@MEDECIN.MSSante.FR'), 'Jean.Martin@medecin.mssante.fr');
  assert.equal(ok('  dr.durand@mss.test\t'), 'dr.durand@mss.test');
  assert.equal(ok('accueil@hôpital-côte.mssante.fr'), 'accueil@xn--hpital-cte-rbbh.mssante.fr');
  assert.equal(ok("o'brien+labo@mss.test"), "o'brien+labo@mss.test");
  const m = parseMailbox('A@B.Example');
  assert.deepEqual(m, { ok: true, address: 'A@b.example', local: 'A', domain: 'b.example' });
});

test('lists, display names, comments and brackets are refused, whatever domain comes last', () => {
  for (const t of [
    'evil@evil.example, dr.durand@mss.test',
    'evil@evil.example,dr.durand@mss.test',
    'evil@evil.example; dr.durand@mss.test',
    'Evil <evil@evil.example> dr.durand@mss.test',
    'Dr Durand <dr.durand@mss.test>',
    '<dr.durand@mss.test>',
    'dr.durand@mss.test (Dr Durand)',
    '(comment)dr.durand@mss.test',
    'dr.durand(x)@mss.test',
    'evil@evil.example dr.durand@mss.test',
    'evil@evil.example@mss.test',
    'evil@evil.example\ndr.durand@mss.test',
    'group: evil@evil.example;',
  ]) refused(t);
  refused('Evil <evil@evil.example> dr.durand@mss.test', /single address/);
});

test('quoted local parts: normalised when a dot-atom, refused when they need the quotes', () => {
  assert.equal(ok('"dr.durand"@mss.test'), 'dr.durand@mss.test');
  refused('"evil@evil.example, dr"@mss.test', /quoted/);
  refused('"dr durand"@mss.test', /quoted/);
  refused('"dr\\"x"@mss.test', /quoted/);
  refused('"unterminated@mss.test', /unterminated/);
  refused('"a"b@mss.test');
  refused('dr"durand@mss.test');
});

test('dots, control characters, non-ASCII local parts, literals and lengths', () => {
  refused('dr.durand@mss.test.', /ends with a dot/);
  refused('.dr@mss.test', /dot-atom/);
  refused('dr.@mss.test', /dot-atom/);
  refused('dr..durand@mss.test', /dot-atom/);
  refused('dr@mss..test', /empty label/);
  refused('dr@.mss.test', /empty label|IDNA/);
  refused('dr\u0000@mss.test', /control/);
  refused('dr@mss.test\u0007', /control/);
  refused('dr\u200b@mss.test');
  refused('dré@mss.test', /non-ASCII/);
  refused('dr@[127.0.0.1]');
  refused('dr@127.0.0.1', /IP address/);
  refused('dr@localhost', /single label/);
  refused('dr@-mss.test', /label/);
  refused('dr@mss_x.test', /label|IDNA/);
  refused('dr@mss.test/x', /not allowed/);
  refused('dr@mss.test:25', /not allowed/);
  refused('@mss.test', /empty local part/);
  refused('dr@', /empty domain/);
  refused('', /empty/);
  refused('dr.durand', /no "@"/);
  refused('dr@xn--zz.test', /IDNA/);
  refused(`${'a'.repeat(65)}@mss.test`, /local part longer than 64/);
  refused(`a@${'b'.repeat(64)}.test`, /label longer than 63/);
  const long = `a@${Array.from({ length: 5 }, () => 'b'.repeat(60)).join('.')}.fr`;
  refused(long, /longer than 254/);
  refused(`${'x'.repeat(5_000_000)}@mss.test`, /longer than 254/);
  assert.equal(ok(`${'a'.repeat(64)}@${Array.from({ length: 3 }, () => 'b'.repeat(60)).join('.')}.fr`).length, 250);
});

const allowlist = allowlistChecker(new Set(['mss.test']), 'test list');
const report = (extra: Partial<LabReport>): LabReport => ({
  patient: { ids: { ipp: 'P1' }, familyName: 'DUPONT' }, request: { fillerId: 'D1' }, status: 'final', chapters: [], ...extra,
});
const options = { prescriber: true, copies: true, inputRecipients: true };

test('issue 11: smuggled addresses in the input, the address book and --to are held, never routed', () => {
  const smuggled = ['evil@evil.example, dr.durand@mss.test', 'Evil <evil@evil.example> dr.durand@mss.test'];
  for (const s of smuggled) {
    const r = route(report({ prescriber: { familyName: 'DURAND', mssAddress: s }, copiesTo: [{ familyName: 'X', mssAddress: s }], recipients: [{ address: s }] }),
      { addressBook: new AddressBook(), options, allowlist });
    assert.deepEqual(r.recipients, []);
    assert.ok(r.unrouted.length >= 1 && r.unrouted.every((u) => /not a single valid address/.test(u.reason)), JSON.stringify(r.unrouted));
    // Without any allow-list (outbox, none imported), the single-mailbox rule still holds.
    assert.deepEqual(route(report({ prescriber: { mssAddress: s } }), { addressBook: new AddressBook(), options }).recipients, []);
    const to = routeReport(report({}), { addressBook: new AddressBook(), options, allowlist }, [s]);
    assert.deepEqual(to.recipients, []);
    assert.throws(() => parseAddressBook(`code,address\nD1,"${s}"\n`, 'book.csv'), /book\.csv:2: "address" must be one email address/);
    assert.throws(() => parseAddressBook(JSON.stringify([{ code: 'D1', address: s }]), 'book.json'), /entry 0/);
  }
});

test('routing keeps the normal form and one delivery per normalised address', () => {
  const r = route(report({ prescriber: { mssAddress: 'Dr.Durand@MSS.TEST' }, recipients: [{ address: ' Dr.Durand@mss.test ', role: 'copy' }] }),
    { addressBook: new AddressBook(), options, allowlist });
  assert.deepEqual(r.recipients.map((x) => x.address), ['Dr.Durand@mss.test']);
  assert.equal(parseAddressBook('code,address\nD1,Dr@MSS.Test\n', 'book.csv').entries[0]!.address, 'Dr@mss.test');
});
