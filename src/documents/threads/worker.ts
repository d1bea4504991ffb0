// Entry point of a render thread: renders what the pool sends, one request at a time.
import { parentPort } from 'node:worker_threads';
import { renderDocuments } from '../render.js';
import type { RenderRequest, RenderReply } from './pool.js';

parentPort!.on('message', (req: RenderRequest) => {
  renderDocuments(req.report, req.ids, req.opts).then(
    (docs): RenderReply => ({ id: req.id, docs }),
    (err: Error): RenderReply => ({ id: req.id, error: err.message }),
  ).then((reply) => parentPort!.postMessage(reply));
});
