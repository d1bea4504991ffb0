import { Worker } from 'node:worker_threads';
import type { LabReport } from '../../model/labreport.types.js';
import { renderDocuments, type DocumentIds, type RenderedDocuments, type RenderOptions } from '../render.js';

export interface RenderRequest { id: number; report: LabReport; ids: DocumentIds; opts: RenderOptions }
export type RenderReply = { id: number; docs: RenderedDocuments; error?: undefined } | { id: number; error: string; docs?: undefined };

export interface Renderer {
  render(report: LabReport, ids: DocumentIds, opts: RenderOptions): Promise<RenderedDocuments>;
  close(): Promise<void>;
}

/** Renders in the calling thread: one-off commands, and `render.workers: 0`. */
export const inThread: Renderer = { render: renderDocuments, close: async () => {} };

/** Buffers cross threads as plain Uint8Arrays: the same bytes, seen as a Buffer again without a copy. */
const asBuffer = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

interface Job extends RenderRequest { resolve(docs: RenderedDocuments): void; reject(err: Error): void }

/**
 * Render threads, so that rendering (CPU-bound: pdfkit, fontkit, zlib) no longer holds up the thread that
 * talks SMTP and journals: while a document is drawn, the messages before it go out. Requests are served
 * in order; a thread is started on first use and does not keep the process alive. A thread that dies
 * fails the requests it held (the files are quarantined with the reason, as for any render failure) and
 * is replaced at the next request.
 */
export class RenderPool implements Renderer {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Job>();
  private readonly queue: Job[] = [];
  private started = 0;
  private nextId = 1;

  constructor(private readonly size: number) {}

  render(report: LabReport, ids: DocumentIds, opts: RenderOptions): Promise<RenderedDocuments> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, report, ids, opts, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length) {
      const worker = this.idle.pop() ?? (this.started < this.size ? this.spawn() : undefined);
      if (!worker) return;
      const job = this.queue.shift()!;
      this.busy.set(worker, job);
      worker.ref();
      worker.postMessage({ id: job.id, report: job.report, ids: job.ids, opts: job.opts } satisfies RenderRequest);
    }
  }

  private spawn(): Worker {
    // A small young generation: a render's garbage is short-lived, and a daemon's footprint counts more
    // than the few extra scavenges (see bench watch: peak RSS).
    const worker = new Worker(new URL('./worker.js', import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    this.started++;
    worker.on('message', (reply: RenderReply) => {
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if (job) {
        if (reply.error !== undefined) job.reject(new Error(reply.error));
        else job.resolve({ ...reply.docs, pdf: asBuffer(reply.docs.pdf), xdm: reply.docs.xdm && asBuffer(reply.docs.xdm) });
      }
      this.dispatch();
    });
    let gone = false;
    const lost = (why: string) => {
      if (gone) return;
      gone = true;
      const job = this.busy.get(worker);
      this.busy.delete(worker);
      const i = this.idle.indexOf(worker);
      if (i >= 0) this.idle.splice(i, 1);
      this.started--;
      job?.reject(new Error(`render thread stopped: ${why}`));
      this.dispatch();
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return worker;
  }

  async close(): Promise<void> {
    const all = [...this.idle, ...this.busy.keys()];
    this.idle.length = 0;
    await Promise.all(all.map((w) => w.terminate()));
  }
}

/** The renderer a long or large run uses: threads unless the config asks for none. */
export function rendererFor(workers: number): Renderer {
  return workers > 0 ? new RenderPool(workers) : inThread;
}
