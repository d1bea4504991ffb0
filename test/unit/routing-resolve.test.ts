import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabReport } from '../../src/model/labreport.types.js';
import { Journal } from '../../src/queue/journal.js';
import { AddressBook } from '../../src/routing/address-book.js';
import { allowlistChecker } from '../../src/routing/allowlist.js';
import { importAllowlist } from '../../src/queue/store/allowlist.js';
import type { DirectoryView, MailboxCandidate } from '../../src/routing/directory.js';
import { importDirectory } from '../../src/queue/store/directory.js';
import { routingContext } from '../../src/routing/context.js';
import { route, screenRecipients, type RoutingContext } from '../../src/routing/resolve.js';
import { fixtures } from '../helpers/paths.js';
import { resolveConfig } from '../../src/config/load.js';

const options = { prescriber: true, copies: true, inputRecipients: true };

function report(extra: Partial<LabReport> = {}): LabReport {
  return {
    patient: { ids: { ipp: 'P1' }, familyName: 'DUPONT' },
    request: { fillerId: 'D1' },
    status: 'final',
    chapters: [],
    ...extra,
  };
}

function directory(entries: Record<string, MailboxCandidate[]>): DirectoryView {
  return { label: 'the Annuaire Santé extraction of 2025-01-14T03:12', candidates: (id) => entries[id] ?? [] };
}

const dir = directory({
  '810001234567': [{ address: 'jean.martin@medecin.mssante.fr', type: 'PER' }],
  '810009876543': [{ address: 'claire.durand@ch-exemple.mssante.fr', type: 'PER' }, { address: 'cardiologie@ch-exemple.mssante.fr', type: 'ORG' }],
  '0751234567': [{ address: 's.bernard@infirmier.mssante.fr', type: 'PER' }],
});

test('unchanged: the input address, the address book, and "nobody" when the report names no one', () => {
  const book = new AddressBook([{ code: 'MART', address: 'book@medecin.mssante.fr' }]);
  const r = route(report({ prescriber: { code: 'mart', familyName: 'MARTIN' }, copiesTo: [{ familyName: 'X', mssAddress: 'x@medecin.mssante.fr' }] }), { addressBook: book, options });
  assert.deepEqual(r.recipients.map((x) => [x.address, x.role]), [['book@medecin.mssante.fr', 'prescriber'], ['x@medecin.mssante.fr', 'copy']]);
  assert.deepEqual(route(report(), { addressBook: new AddressBook(), options }).unrouted,
    [{ who: 'nobody', role: 'other', reason: 'the report names no prescriber, copy or recipient', code: 'no-recipient' }]);
});

test('the directory resolves RPPS (8+) and ADELI (0+) when neither the address book nor the input has an address', () => {
  const r = route(report({ prescriber: { rpps: '10001234567', familyName: 'MARTIN' }, copiesTo: [{ adeli: '751234567', familyName: 'BERNARD' }] }),
    { addressBook: new AddressBook(), options, directory: dir });
  assert.deepEqual(r.recipients.map((x) => [x.address, x.role]), [['jean.martin@medecin.mssante.fr', 'prescriber'], ['s.bernard@infirmier.mssante.fr', 'copy']]);
  assert.deepEqual(r.unrouted, []);
});

test('the address book wins over the directory, and so does an address written in the input', () => {
  const book = new AddressBook([{ rpps: '10001234567', address: 'martin.labo@medecin.mssante.fr' }]);
  const r = route(report({ prescriber: { rpps: '10001234567' } }), { addressBook: book, options, directory: dir });
  assert.deepEqual(r.recipients.map((x) => x.address), ['martin.labo@medecin.mssante.fr']);
  const r2 = route(report({ prescriber: { rpps: '10001234567', mssAddress: 'ecrit@medecin.mssante.fr' } }), { addressBook: new AddressBook(), options, directory: dir });
  assert.deepEqual(r2.recipients.map((x) => x.address), ['ecrit@medecin.mssante.fr']);
});

test('several mailboxes: held for a person to choose, or the configured type', () => {
  const prescriber = { rpps: '10009876543', familyName: 'DURAND', givenName: 'Claire' };
  const held = route(report({ prescriber }), { addressBook: new AddressBook(), options, directory: dir });
  assert.deepEqual(held.recipients, []);
  assert.equal(held.unrouted.length, 1);
  assert.equal(held.unrouted[0]!.role, 'prescriber');
  assert.match(held.unrouted[0]!.who, /DURAND Claire \(RPPS 10009876543\)/);
  assert.equal(held.unrouted[0]!.reason,
    'several MSSanté addresses: claire.durand@ch-exemple.mssante.fr (PER), cardiologie@ch-exemple.mssante.fr (ORG) — choose with `labmss resend R… --to ADDR`');
  const per = route(report({ prescriber }), { addressBook: new AddressBook(), options: { ...options, preferMailboxType: 'PER' }, directory: dir });
  assert.deepEqual(per.recipients.map((x) => x.address), ['claire.durand@ch-exemple.mssante.fr']);
  const org = route(report({ prescriber }), { addressBook: new AddressBook(), options: { ...options, preferMailboxType: 'ORG' }, directory: dir });
  assert.deepEqual(org.recipients.map((x) => x.address), ['cardiologie@ch-exemple.mssante.fr']);
});

test('nobody found: the reason names the extraction, or says to import one', () => {
  const p = { prescriber: { rpps: '10000000000', familyName: 'INCONNU' } };
  assert.equal(route(report(p), { addressBook: new AddressBook(), options, directory: dir }).unrouted[0]!.reason,
    'no MSSanté mailbox in the Annuaire Santé extraction of 2025-01-14T03:12 nor in the address book');
  assert.match(route(report(p), { addressBook: new AddressBook(), options }).unrouted[0]!.reason, /no directory imported: run `labmss directory import FILE`/);
  assert.match(route(report({ prescriber: { code: 'X1' } }), { addressBook: new AddressBook(), options, directory: dir }).unrouted[0]!.reason,
    /no RPPS or ADELI to look up/);
});

test('the allow-list holds every address outside it, whoever it comes from', () => {
  const allowlist = allowlistChecker(new Set(['medecin.mssante.fr']), 'test list');
  const r = route(report({
    prescriber: { rpps: '10001234567' },
    copiesTo: [{ adeli: '751234567' }],
    recipients: [{ address: 'someone@gmail.com', role: 'copy' }],
  }), { addressBook: new AddressBook(), options, directory: dir, allowlist });
  assert.deepEqual(r.recipients.map((x) => x.address), ['jean.martin@medecin.mssante.fr']);
  assert.deepEqual(r.unrouted.map((u) => [u.who, u.role]), [['someone@gmail.com', 'copy'], ['s.bernard@infirmier.mssante.fr', 'copy']]);
  assert.match(r.unrouted[0]!.reason, /domain gmail\.com is not on the MSSanté allow-list/);
  const screened = screenRecipients([{ address: 'a@gmail.com', role: 'other' }], allowlist);
  assert.deepEqual(screened.recipients, []);
  assert.equal(screened.unrouted.length, 1);
});

test('the context from the journal: imported directory and allow-list, transport policy and its warning', () => {
  const state = mkdtempSync(join(tmpdir(), 'labmss-ctx-'));
  const config = (type: 'smtp' | 'outbox') => resolveConfig({
    lab: { name: 'Labo', mailbox: 'labo@labo-exemple.mssante.fr' }, paths: { export: 'e', state },
    transport: type === 'smtp' ? { type, smtp: { host: 'h', port: 587, ca: 'ca.pem' } } : { type },
  }, join(state, 'labmss.json'));
  const j = Journal.open(state, { actor: 'test' });
  const r = report({ prescriber: { rpps: '10001234567' } });
  const outboxCtx = routingContext(j, config('outbox'), new AddressBook(), false);
  assert.match(outboxCtx.warnings[0]!, /no MSSanté allow-list imported/);
  assert.match(route(r, outboxCtx.ctx).unrouted[0]!.reason, /no directory imported/);
  const smtpBare: RoutingContext = routingContext(j, config('smtp'), new AddressBook(), true).ctx;
  assert.equal(smtpBare.directory, undefined);
  importDirectory(j.db, fixtures('routing', 'Extraction_Correspondance_MSSante_202501140312.txt'));
  const smtpCtx = routingContext(j, config('smtp'), new AddressBook(), true);
  assert.deepEqual(smtpCtx.warnings, []);
  const held = route(r, smtpCtx.ctx);
  assert.deepEqual(held.recipients, []);
  assert.deepEqual(held.unrouted.map((u) => [u.who, u.reason]), [['jean.martin@medecin.mssante.fr', 'no MSSanté allow-list imported: run `labmss allowlist import FILE`']]);
  importAllowlist(j.db, fixtures('routing', 'listeblanchemssante.xml'));
  const sent = route(r, routingContext(j, config('smtp'), new AddressBook(), true).ctx);
  assert.deepEqual(sent.recipients.map((x) => [x.address, x.role]), [['jean.martin@medecin.mssante.fr', 'prescriber']]);
  j.close();
});
