import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { LabReport } from '../model/labreport.types.js';
import type { DocumentIds, RenderedDocuments, renderDocuments } from './render.js';
import type { ComposeInput, PreparedMessage } from '../mail/compose.js';
import { DOCUMENT_KINDS, type DocumentKindId } from './kinds.js';

type RenderOptions = Parameters<typeof renderDocuments>[2];

/** One report to render, as sent to a render thread. `lab` and `mapping` are keys of values sent once per thread. */
export interface RenderJob {
  id: number;
  report: LabReport;
  ids: DocumentIds;
  stage2: boolean;
  lab: number;
  mapping?: number;
  /** The CDA of the version before (a cancellation asks receivers to delete it). */
  previousCda?: string;
  /** Values this thread has not seen yet, by key. */
  shared: Array<[number, unknown]>;
  message?: MessageOptions;
}

/** What the messages about a report say besides its documents: given, the render thread also prepares them. */
export interface MessageOptions {
  from: ComposeInput['from'];
  nil: string;
  readReceipt: boolean;
  /** The stages the report's recipients get; the thread picks each one's document kind as the deliverer does (kindFor). */
  stages: Array<1 | 2>;
}

export interface RenderedReport extends RenderedDocuments {
  /** With MessageOptions: prepareMessage of the report for each kind its recipients get, for messageFor per recipient. */
  messages?: Partial<Record<DocumentKindId, PreparedMessage>>;
}

/** A prepared message as it crosses threads: its kind (functions) by id. */
export type WirePrepared = Omit<PreparedMessage, 'input'> & { input: Omit<PreparedMessage['input'], 'kind'> & { kind: DocumentKindId } };
export type WireReport = Omit<RenderedReport, 'messages'> & { messages?: Partial<Record<DocumentKindId, WirePrepared>> };

export type RenderReply = { id: number; docs: WireReport } | { id: number; error: string };

/**
 * A report whose rendering crashed a render thread (out of memory, a native fault), once on each of two
 * threads. The gate quarantines its file with this reason: nothing of it was rendered, so there is nothing
 * to hold, and the file's bytes stay for a person (`labmss send FILE` renders it again in one thread).
 */
export class RenderCrashError extends Error {
  override name = 'RenderCrashError';
  constructor(readonly crashes: Array<{ threadId: number; reason: string }>) {
    super(`rendering crashed ${crashes.length} render threads: ${crashes.map((c) => c.reason).join('; ')}`);
  }

}

export interface RenderPool {
  /**
   * renderDocuments in a render thread: the same bytes as in the main thread; with `message`, the MIME
   * bodies of the report's messages too. Rejects with the renderer's error, or RenderCrashError.
   */
  render(report: LabReport, ids: DocumentIds, opts: RenderOptions, message?: MessageOptions): Promise<RenderedReport>;
  /** Starts the threads and their renderers now, ahead of the first job (work is known to be coming). */
  warm(): void;
  /** Stops the threads once the jobs given so far are done. */
  close(): Promise<void>;
  readonly size: number;
}

/**
 * Render threads by default: one per core but the main thread's, whose claims, journal, files and SMTP keep
 * a core busy (`run` of 200 reports on 2 cores: as fast with one thread as with two, 15 % less CPU: each
 * thread pays its own start-up and JIT); at most 8. 0 (one core): rendering stays in the main thread.
 */
function renderWorkers(configured?: number): number {
  return configured ?? Math.min(availableParallelism() - 1, 8);
}

/** The render pool `render.workers` asks for, or none (0: rendering stays in the main thread). */
export function configuredRenderPool(configured: number | undefined, options: { resourceLimits?: ResourceLimits } = {}): RenderPool | undefined {
  const workers = renderWorkers(configured);
  return workers > 0 ? createRenderPool(workers, options) : undefined;
}

interface Pending {
  job: Omit<RenderJob, 'shared'>;
  crashes: Array<{ threadId: number; reason: string }>;
  resolve(docs: RenderedReport): void;
  reject(err: Error): void;
}

interface Thread {
  worker: Worker;
  /** worker.threadId, which reads -1 once the thread has exited. */
  id: number;
  /** Keys of the shared values this thread holds. */
  has: Set<number>;
  busy?: Pending;
  /** Why it died, from its 'error' event; its 'exit' event comes after. */
  failure?: string;
}

const WORKER = new URL('./render-worker.js', import.meta.url);

/**
 * Renders reports in `size` worker threads, one job per thread at a time, first come first served.
 * A thread started lazily, on the first job it is needed for; an idle one does not keep the process alive.
 * A thread that dies while rendering is replaced and its job retried once on another thread; a second
 * crash rejects the job with RenderCrashError. `resourceLimits` caps each thread's heap.
 */
export function createRenderPool(size: number, options: { resourceLimits?: ResourceLimits } = {}): RenderPool {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`render pool size must be a positive integer, got ${size}`);
  const threads = new Set<Thread>();
  const waiting: Pending[] = [];
  const keys = new WeakMap<object, number>();
  const values = new Map<number, unknown>();
  let nextKey = 0;
  let nextJob = 0;
  let closing: Promise<void> | undefined;
  let closed = () => {};

  const keyOf = (value: object): number => {
    let key = keys.get(value);
    if (key === undefined) {
      keys.set(value, (key = nextKey++));
      values.set(key, value);
    }
    return key;
  };

  const spawn = (): Thread => {
    const worker = new Worker(WORKER, { resourceLimits: options.resourceLimits });
    const thread: Thread = { worker, id: worker.threadId, has: new Set() };
    thread.worker.unref();
    thread.worker.on('message', (reply: RenderReply) => {
      const p = thread.busy!;
      thread.busy = undefined;
      thread.worker.unref();
      if ('error' in reply) p.reject(new Error(reply.error));
      else p.resolve(revived(reply.docs));
      next();
    });
    thread.worker.on('error', (err) => { thread.failure = err.message; });
    thread.worker.on('exit', (code) => {
      threads.delete(thread);
      const p = thread.busy;
      if (p) {
        p.crashes.push({ threadId: thread.id, reason: thread.failure ?? `render thread exited with code ${code}` });
        if (p.crashes.length >= 2) p.reject(new RenderCrashError(p.crashes));
        else waiting.unshift(p);
      }
      next();
    });
    threads.add(thread);
    return thread;
  };

  const start = (thread: Thread, p: Pending) => {
    thread.busy = p;
    thread.worker.ref();
    const shared: Array<[number, unknown]> = [];
    for (const key of [p.job.lab, p.job.mapping]) {
      if (key === undefined || thread.has.has(key)) continue;
      thread.has.add(key);
      shared.push([key, values.get(key)]);
    }
    thread.worker.postMessage({ ...p.job, shared } satisfies RenderJob);
  };

  /** Gives waiting jobs to idle threads (a crashed thread is gone: a retry always runs on another one). */
  const next = () => {
    while (waiting.length) {
      let thread = [...threads].find((t) => !t.busy);
      if (!thread && threads.size < size) thread = spawn();
      if (!thread) break;
      start(thread, waiting.shift()!);
    }
    if (!closing || waiting.length) return;
    for (const t of threads) if (!t.busy) void t.worker.terminate();
    if (threads.size === 0) closed();
  };

  return {
    size,
    render(report, ids, opts, message) {
      if (closing) return Promise.reject(new Error('the render pool is closed'));
      return new Promise<RenderedReport>((resolve, reject) => {
        const job = { id: nextJob++, report, ids, stage2: opts.stage2, lab: keyOf(opts.lab), mapping: opts.mapping && keyOf(opts.mapping), previousCda: opts.previousCda, message };
        waiting.push({ job, crashes: [], resolve, reject });
        next();
      });
    },
    warm() {
      while (!closing && threads.size < size) spawn();
    },
    close() {
      closing ??= new Promise<void>((resolve) => { closed = resolve; });
      next();
      return closing;
    },
  };
}

/** Buffers cross threads as Uint8Arrays: make them Buffers again, on the same memory; kinds again from their ids. */
function revived(docs: WireReport): RenderedReport {
  const buf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength);
  const pdf = buf(docs.pdf);
  const xdm = docs.xdm && buf(docs.xdm);
  const message = (m: WirePrepared): PreparedMessage => ({
    ...m,
    body: buf(m.body),
    input: {
      ...m.input,
      kind: DOCUMENT_KINDS[m.input.kind],
      documents: { ...m.input.documents, pdf: { ...m.input.documents.pdf, content: pdf }, ...(xdm ? { xdm } : {}) },
    },
  });
  const { messages: wire, ...rest } = docs;
  const messages = wire && (Object.fromEntries(Object.entries(wire).map(([kind, m]) => [kind, message(m)])) as RenderedReport['messages']);
  return { ...rest, pdf, ...(xdm ? { xdm } : {}), ...(messages ? { messages } : {}) };
}
