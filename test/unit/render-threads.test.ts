import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { LabReport } from '../../src/model/labreport.types.js';
import { renderDocuments, type RenderOptions } from '../../src/documents/render.js';
import { RenderPool, rendererFor, inThread } from '../../src/documents/threads/pool.js';
import { documentIdFor, setIdFor } from '../../src/documents/ids.js';
import { fixtures } from '../helpers/paths.js';

const report = (n: number): LabReport => {
  const r = JSON.parse(readFileSync(fixtures('pdf', 'report.json'), 'utf8')) as LabReport;
  r.request.fillerId = `F${n}`;
  return r;
};
const ids = (n: number) => { const setId = setIdFor(`order-${n}`); return { setId, version: 1, documentId: documentIdFor(setId, 1) }; };
const opts: RenderOptions = {
  lab: { name: 'Laboratoire Test', mailbox: 'labo@mss.test', timezone: 'Europe/Paris', finess: '750000001' } as RenderOptions['lab'],
  stage2: true,
};

test('render threads give the same bytes as the calling thread, in request order, PDF, CDA and XDM', async () => {
  const pool = new RenderPool(2);
  try {
    const threaded = await Promise.all([1, 2, 3, 4, 5].map((n) => pool.render(report(n), ids(n), opts)));
    for (const [i, docs] of threaded.entries()) {
      const here = await renderDocuments(report(i + 1), ids(i + 1), opts);
      assert.ok(Buffer.isBuffer(docs.pdf), 'a Buffer again after crossing threads');
      assert.ok(docs.pdf.equals(here.pdf), `PDF ${i + 1}`);
      assert.equal(docs.cda, here.cda);
      assert.equal(docs.stage2Problem, here.stage2Problem);
      if (here.xdm) assert.ok(docs.xdm!.equals(here.xdm), `XDM ${i + 1}`);
    }
  } finally {
    await pool.close();
  }
});

test('a render that fails in a thread rejects with its reason, and the thread keeps serving', async () => {
  const pool = new RenderPool(1);
  try {
    const broken = { ...report(1), request: undefined } as unknown as LabReport;
    await assert.rejects(pool.render(broken, ids(1), opts), (err: Error) => err.message.length > 0 && !/render thread stopped/.test(err.message));
    const ok = await pool.render(report(2), ids(2), opts);
    assert.ok(ok.pdf.subarray(0, 5).toString() === '%PDF-');
  } finally {
    await pool.close();
  }
});

test('render.workers 0 renders in the calling thread', () => {
  assert.equal(rendererFor(0), inThread);
  assert.ok(rendererFor(1) instanceof RenderPool);
});
