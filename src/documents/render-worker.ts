import { parentPort } from 'node:worker_threads';
import { loadRenderers, renderDocuments, type RenderedDocuments } from './render.js';
import type { RenderJob, RenderReply, WireReport } from './pool.js';
import { documentsFor, messageKind, prepareReportMessage } from '../mail/compose.js';

/**
 * A render thread of the pool: renders one job at a time with the same renderDocuments as the main thread,
 * so the bytes cannot differ. The lab and the LOINC mapping arrive once per thread (they are the same for
 * every report), the documents go back as transferred memory, not copies.
 */
const port = parentPort!;
const shared = new Map<number, unknown>();
// Loaded as the thread starts: a pool warmed ahead of its first job (RenderPool.warm) is ready for it.
void loadRenderers();

port.on('message', (job: RenderJob) => {
  for (const [key, value] of job.shared) shared.set(key, value);
  void renderDocuments(job.report, job.ids, {
    lab: shared.get(job.lab) as Parameters<typeof renderDocuments>[2]['lab'],
    stage2: job.stage2,
    mapping: job.mapping === undefined ? undefined : shared.get(job.mapping) as Parameters<typeof renderDocuments>[2]['mapping'],
    previousCda: job.previousCda,
  }).then((docs) => withMessages(job, docs)).then((docs) => {
    const reply: RenderReply = { id: job.id, docs };
    port.postMessage(reply, transferable(docs.pdf, docs.xdm, ...Object.values(docs.messages ?? {}).map((m) => m.body)));
  }, (err: unknown) => {
    const reply: RenderReply = { id: job.id, error: err instanceof Error ? err.message : String(err) };
    port.postMessage(reply);
  });
});

/** The message bodies of the report for the stages asked, encoded here, off the main thread. */
async function withMessages(job: RenderJob, docs: RenderedDocuments): Promise<WireReport> {
  if (!job.message) return docs;
  const messages: NonNullable<WireReport['messages']> = {};
  const documents = documentsFor(job.report, docs);
  for (const kind of new Set(job.message.stages.map((stage) => messageKind(stage, job.report, documents)))) {
    const prepared = await prepareReportMessage(job.report, job.ids.version, documents, kind, job.message);
    messages[kind] = { ...prepared, input: { ...prepared.input, kind } };
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
