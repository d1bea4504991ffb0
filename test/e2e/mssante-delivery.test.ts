import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { MessageStructureObject } from 'imapflow';
import { Journal, type DeliveryRow } from '../../src/queue/journal.js';
import { repoRoot } from '../helpers/paths.js';
import { sleep, startBox, stopBox, withImap, type MssBox } from '../helpers/mssbox.js';

/**
 * labmss against a real operator: Postfix (STARTTLS, client certificates, DSN) and Dovecot (IMAP) from
 * ../shared/mss-box. The example export goes to dr.martin / dr.durand through the address book, plus one
 * report for a practitioner whose address does not exist (bounced by a real DSN).
 */

const WORK = '/tmp/labmss-e2e';
const BOX_DIR = '/tmp/labmss-e2e-box';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function labmss(config: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'labmss.js'), '--config', config, ...args], {
    encoding: 'utf8', env: { ...process.env, E2E_IMAP_PASSWORD: 'mssbox' }, timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeConfig(dir: string, box: MssBox, client: { cert: string; key: string }): string {
  mkdirSync(join(dir, 'export'), { recursive: true });
  // The box leaves its keys world-readable; a lab installs its key for the service user only.
  const key = join(dir, 'client.key');
  copyFileSync(client.key, key);
  chmodSync(key, 0o600);
  const file = join(dir, 'labmss.json');
  writeFileSync(file, JSON.stringify({
    lab: { name: 'Laboratoire des Tilleuls', finess: '750000001', mailbox: 'labo-test@mss.test', timezone: 'Europe/Paris',
      director: { rpps: '10000000009', familyName: 'LEROY', givenName: 'Claire' } },
    paths: { export: 'export', state: 'state' },
    intake: { settleSeconds: 0 },
    stage: 2,
    addressBook: 'address-book.csv',
    message: { nil: 'LABMSS-E2E', readReceipt: true },
    transport: { type: 'smtp', smtp: { host: box.host, port: box.ports.smtpStarttlsCert, servername: box.domain, ca: box.ca, cert: client.cert, key, pool: 2 } },
    receipts: {
      imap: { host: box.host, port: box.ports.imaps, implicitTls: true, servername: box.domain, ca: box.ca, user: 'labo-test@mss.test', password: { env: 'E2E_IMAP_PASSWORD' } },
      handledFolder: 'labmss-traite',
    },
    retry: { firstDelaySeconds: 60, maxDelaySeconds: 3600, maxAgeHours: 120 },
  }, null, 2));
  writeFileSync(join(dir, 'address-book.csv'), `${readFileSync(join(repoRoot, 'examples', 'address-book.csv'), 'utf8').trimEnd()}\nNOBO99,,,nobody@mss.test,Dr Personne INCONNU\n`);
  // With the SMTP transport nothing goes out without the MSSanté allow-list: the box's domain is on this one.
  const list = join(dir, 'listeblanchemssante.xml');
  writeFileSync(list, `<?xml version="1.0" encoding="UTF-8"?>\n<ListeBlanche><Domaine><Nom>${box.domain}</Nom></Domaine></ListeBlanche>\n`);
  const imported = labmss(file, 'allowlist', 'import', list);
  assert.equal(imported.code, 0, imported.stderr);
  return file;
}

/** The example export, plus a copy of a JSON report prescribed by the practitioner with no mailbox. */
function fillExport(dir: string): void {
  const src = join(repoRoot, 'examples', 'export');
  for (const name of readdirSync(src)) copyFileSync(join(src, name), join(dir, 'export', name));
  const json = readdirSync(src).find((n) => n.endsWith('.json'))!;
  const reports = JSON.parse(readFileSync(join(src, json), 'utf8')) as Array<Record<string, any>>;
  const r = reports[0]!;
  r.prescriber = { code: 'NOBO99', title: 'Dr', familyName: 'INCONNU', givenName: 'Personne' };
  r.request = { ...r.request, fillerId: '2699990001' };
  writeFileSync(join(dir, 'export', 'inconnu-e2e.json'), JSON.stringify([r], null, 2));
}

const deliveries = (stateDir: string): DeliveryRow[] => {
  const j = Journal.open(stateDir, { readonly: true });
  try { return j.db.prepare('SELECT * FROM deliveries ORDER BY id').all() as DeliveryRow[]; } finally { j.close(); }
};

function attachments(node: MessageStructureObject | undefined, out: MessageStructureObject[] = []): MessageStructureObject[] {
  if (!node) return out;
  if (node.disposition === 'attachment' || node.dispositionParameters?.filename) out.push(node);
  for (const c of node.childNodes ?? []) attachments(c, out);
  return out;
}

describe('MSSanté delivery end to end (mss-box)', () => {
  let box: MssBox | undefined;
  let config = '';
  let state = '';

  before(() => {
    rmSync(WORK, { recursive: true, force: true });
    // The CLI runs from dist/: build it (emits even if an unrelated file has a type error).
    spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repoRoot, 'tsconfig.json')], { stdio: 'ignore' });
  });
  after(() => stopBox(box));

  test('the operator starts', (t) => {
    box = startBox(t, BOX_DIR, 20000);
    if (!box) return;
    assert.ok(existsSync(join(repoRoot, 'dist', 'cli', 'main.js')), 'dist/ was built');
    const dir = join(WORK, 'lab');
    config = writeConfig(dir, box, box.apps['labo-test@mss.test']!);
    state = join(dir, 'state');
    fillExport(dir);
  });

  test('run sends every routed report over STARTTLS with the client certificate', (t) => {
    if (!box) return t.skip('no mss-box');
    const r = labmss(config, '--json', 'run');
    assert.ok(r.stdout.trim().startsWith('{'), `run printed JSON: ${r.stdout}\n${r.stderr}`);
    const summary = JSON.parse(r.stdout);
    assert.ok(summary.sent >= 3, `sent ${summary.sent}: ${r.stdout}`);
    const sent = deliveries(state).filter((d) => d.state !== 'held');
    assert.ok(sent.some((d) => d.recipient === 'dr.martin@mss.test'));
    assert.ok(sent.some((d) => d.recipient === 'dr.durand@mss.test'));
    assert.ok(sent.some((d) => d.recipient === 'nobody@mss.test'));
    for (const d of sent) {
      assert.ok(['accepted', 'delivered', 'bounced', 'read'].includes(d.state), `D${d.id} ${d.recipient} is ${d.state}: ${d.reason}`);
      assert.match(d.last_reply ?? '', /^250 2\.0\.0 Ok: queued as [0-9A-F]+/);
      assert.equal(d.queue_id, /queued as (\S+)/.exec(d.last_reply!)![1]);
      assert.equal(sha(readFileSync(d.eml_path!)), d.eml_sha256);
    }
  });

  test("the doctors read their messages over IMAP, attachments identical to the spool's documents", async (t) => {
    if (!box) return t.skip('no mss-box');
    const toDoctors = deliveries(state).filter((d) => d.state !== 'held' && box!.doctors.includes(d.recipient));
    assert.ok(toDoctors.length >= 2);
    for (const d of toDoctors) {
      const j = Journal.open(state, { readonly: true });
      const report = j.report(d.report_id)!;
      j.close();
      const docsDir = join(state, 'reports', `${report.set_id}.v${report.version}`);
      const onDisk = new Map(readdirSync(docsDir).map((n) => [n, sha(readFileSync(join(docsDir, n)))]));
      const got: Array<{ name: string; sha: string }> = await withImap(box, d.recipient, async (c) => {
        const lock = await c.getMailboxLock('INBOX');
        try {
          let uids: number[] = [];
          for (let i = 0; i < 50 && !uids.length; i++) {
            uids = (await c.search({ header: { 'message-id': d.message_id } }, { uid: true })) || [];
            if (!uids.length) await sleep(100);
          }
          assert.equal(uids.length, 1, `${d.message_id} in ${d.recipient}'s INBOX`);
          const msg = await c.fetchOne(String(uids[0]), { bodyStructure: true }, { uid: true });
          const files: Array<{ name: string; sha: string }> = [];
          for (const part of attachments(msg ? msg.bodyStructure : undefined)) {
            const { content } = await c.download(String(uids[0]), part.part, { uid: true });
            const chunks: Buffer[] = [];
            for await (const ch of content!) chunks.push(ch as Buffer);
            files.push({ name: part.dispositionParameters?.filename ?? part.parameters?.name ?? '?', sha: sha(Buffer.concat(chunks)) });
          }
          return files;
        } finally { lock.release(); }
      });
      assert.ok(got.some((f) => f.name.endsWith('.pdf')), `a PDF attachment for D${d.id}: ${JSON.stringify(got)}`);
      for (const f of got) assert.equal(f.sha, onDisk.get(f.name), `${f.name} of D${d.id} is byte for byte the spool's ${docsDir}/${f.name}`);
    }
  });

  test('DSNs come back: the journal says delivered for the doctors and bounced for the unknown address', async (t) => {
    if (!box) return t.skip('no mss-box');
    let rows: DeliveryRow[] = [];
    for (let i = 0; i < 20; i++) {
      rows = deliveries(state).filter((d) => d.state !== 'held');
      if (rows.every((d) => d.state === 'delivered' || d.state === 'bounced')) break;
      await sleep(500);
      const r = labmss(config, 'run');
      assert.ok(!/cannot read the lab mailbox/.test(r.stdout), r.stdout);
    }
    for (const d of rows) {
      if (d.recipient === 'nobody@mss.test') {
        assert.equal(d.state, 'bounced', `D${d.id}`);
        assert.match(d.reason!, /5\.1\.1 .*User doesn't exist/);
      } else {
        assert.equal(d.state, 'delivered', `D${d.id} ${d.recipient}: ${d.reason}`);
        assert.ok(d.delivered_at);
      }
    }
    // Handled reports were moved, not deleted; unrelated mail stays in INBOX.
    const moved = await withImap(box, 'labo-test@mss.test', async (c) => { const st = await c.status('labmss-traite', { messages: true }); return st ? st.messages : 0; });
    assert.ok((moved ?? 0) >= rows.length, `${moved} report(s) in labmss-traite`);
  });

  test("the doctor's read receipt (MDN) moves the delivery to read", async (t) => {
    if (!box) return t.skip('no mss-box');
    const d = deliveries(state).find((x) => x.recipient === 'dr.martin@mss.test' && x.state === 'delivered')!;
    const mdn = nodemailer.createTransport({
      host: box.host, port: box.ports.submissionPassword, secure: false, requireTLS: true,
      auth: { user: 'dr.martin@mss.test', pass: box.password }, tls: { ca: readFileSync(box.ca), servername: box.domain },
    });
    await mdn.sendMail({
      envelope: { from: '', to: ['labo-test@mss.test'] },
      raw: ['From: dr.martin@mss.test', 'To: labo-test@mss.test', 'Subject: Lu', `Message-ID: <mdn-e2e-${d.id}@mss.test>`, 'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=disposition-notification; boundary="b"', '', '--b', 'Content-Type: text/plain', '', 'Lu.', '',
        '--b', 'Content-Type: message/disposition-notification', '', 'Final-Recipient: rfc822;dr.martin@mss.test', `Original-Message-ID: ${d.message_id}`,
        'Disposition: manual-action/MDN-sent-manually; displayed', '', '--b--', ''].join('\r\n'),
    });
    mdn.close();
    let state2 = d.state;
    for (let i = 0; i < 20 && state2 !== 'read'; i++) {
      await sleep(300);
      labmss(config, 'run');
      state2 = deliveries(state).find((x) => x.id === d.id)!.state;
    }
    assert.equal(state2, 'read');
    const show = labmss(config, 'show', `D${d.id}`);
    assert.equal(show.code, 0, show.stderr);
    for (const s of ['accepted', 'delivered', 'read', d.eml_sha256!, d.queue_id!]) assert.ok(show.stdout.includes(s), `show prints ${s}:\n${show.stdout}`);
  });

  test('doctor: certificates, STARTTLS, client certificate accepted, IMAP login', (t) => {
    if (!box) return t.skip('no mss-box');
    const r = labmss(config, 'doctor');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /client certificate accepted by the operator/);
    assert.match(r.stdout, /IMAP login as labo-test@mss\.test/);
  });

  test('a certificate from another CA is refused and reported as a certificate problem; doctor says so', (t) => {
    if (!box) return t.skip('no mss-box');
    const dir = join(WORK, 'rogue');
    const rogueConfig = writeConfig(dir, box, box.negativeCerts.rogue);
    copyFileSync(join(repoRoot, 'examples', 'export', readdirSync(join(repoRoot, 'examples', 'export')).find((n) => n.endsWith('.json'))!), join(dir, 'export', 'r.json'));
    const r = labmss(rogueConfig, 'run');
    const rows = deliveries(join(dir, 'state')).filter((d) => d.state !== 'held');
    assert.ok(rows.length >= 1);
    assert.equal(rows[0]!.state, 'deferred', `${r.stdout}\n${r.stderr}`);
    assert.match(rows[0]!.reason!, /client certificate.*Client certificate not trusted/i);
    assert.ok(rows.slice(1).every((d) => d.state === 'pending'), 'the pass stopped at the first refusal');
    const doc = labmss(rogueConfig, 'doctor');
    assert.equal(doc.code, 1);
    assert.match(doc.stdout, /FAIL .*refused the session after TLS: 421 .*Client certificate not trusted/);
  });
});
