/**
 * The documents of every report of the example export and the input fixtures are pinned by SHA-256:
 * a speed-up of the renderers must give the same bytes (determinism is a promise to the doctors'
 * software, which de-duplicates on content). After a deliberate change of the documents, refresh with
 * `LABMSS_PIN_DOCUMENTS=1 node --test build/test/unit/documents-pinned.test.js` and say why in the commit.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderDocuments } from '../../src/documents/render.js';
import { corpusOptions, corpusReports } from '../helpers/document-corpus.js';
import { fixtures } from '../helpers/paths.js';

const PINS = fixtures('documents.sha256.json');
const hash = (b: Buffer | string | undefined) => (b === undefined ? null : createHash('sha256').update(b).digest('hex'));

test('every corpus report renders to its pinned PDF, CDA and XDM bytes', async () => {
  const opts = corpusOptions();
  const got: Record<string, { pdf: string | null; cda: string | null; xdm: string | null }> = {};
  for (const c of corpusReports(opts.lab)) {
    const docs = await renderDocuments(c.report, c.ids, opts);
    got[c.name] = { pdf: hash(docs.pdf), cda: hash(docs.cda), xdm: hash(docs.xdm) };
  }
  if (process.env.LABMSS_PIN_DOCUMENTS === '1') writeFileSync(PINS, `${JSON.stringify(got, null, 2)}\n`);
  const pinned = JSON.parse(readFileSync(PINS, 'utf8')) as typeof got;
  assert.ok(Object.keys(got).length >= 40, `only ${Object.keys(got).length} reports in the corpus`);
  assert.deepEqual(got, pinned);
});
