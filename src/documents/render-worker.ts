import { parentPort } from 'node:worker_threads';
import { renderDocuments, type RenderedDocuments } from './render.js';
import type { RenderJob, RenderReply, RenderedReport } from './pool.js';
import { pdfFileName, prepareMessage } from '../mail/compose.js';

/**
 * A render thread of the pool: renders one job at a time with the same renderDocuments as the main thread,
 * so the bytes cannot differ. The lab and the LOINC mapping arrive once per thread (they are the same for
 * every report), the documents go back as transferred memory, not copies.
 */
const port = parentPort!;
const shared = new Map<number, unknown>();

port.on('message', (job: RenderJob) => {
  for (const [key, value] of job.shared) shared.set(key, value);
  void renderDocuments(job.report, job.ids, {
    lab: shared.get(job.lab) as Parameters<typeof renderDocuments>[2]['lab'],
    stage2: job.stage2,
    mapping: job.mapping === undefined ? undefined : shared.get(job.mapping) as Parameters<typeof renderDocuments>[2]['mapping'],
  }).then((docs) => withMessages(job, docs)).then((docs) => {
    const reply: RenderReply = { id: job.id, docs };
    port.postMessage(reply, transferable(docs.pdf, docs.xdm, docs.messages?.[1]?.body, docs.messages?.[2]?.body));
  }, (err: unknown) => {
    const reply: RenderReply = { id: job.id, error: err instanceof Error ? err.message : String(err) };
    port.postMessage(reply);
  });
});

/** The message bodies of the report at the stages asked (stage 2 only when there is a CR-BIO), encoded here, off the main thread. */
async function withMessages(job: RenderJob, docs: RenderedDocuments): Promise<RenderedReport> {
  if (!job.message) return docs;
  const messages: NonNullable<RenderedReport['messages']> = {};
  for (const stage of job.message.stages) {
    if (stage === 2 && !docs.xdm) continue;
    messages[stage] = await prepareMessage({
      report: job.report, from: job.message.from, nil: job.message.nil, readReceipt: job.message.readReceipt,
      pdf: { filename: pdfFileName(job.report), content: docs.pdf },
      xdm: stage === 2 ? { content: docs.xdm!, cdaCode: docs.cdaCode! } : undefined,
    });
  }
  return { ...docs, messages };
}

/** The memory of the buffers that own all of it (a slice of Node's shared pool must be copied, not moved). */
function transferable(...buffers: Array<Buffer | undefined>): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const b of buffers) {
    if (b && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) out.add(b.buffer);
  }
  return [...out];
}
