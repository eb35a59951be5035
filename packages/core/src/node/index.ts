/**
 * @sluice/core/node: the bridge between Node's `http` server objects and an
 * upload handler, shared by the Express and Koa adapters (and usable from a
 * plain `http.createServer`).
 *
 * @example
 * http.createServer(async (req, res) => {
 *   try {
 *     const result = await handleNodeUpload(upload, req, res);
 *     res.end(JSON.stringify(result));
 *   } catch (error) {
 *     sendUploadError(res, error);
 *   }
 * });
 */
export { handleNodeUpload, type NodeUploadExtra } from './handle-node-upload.js';
export { sendUploadError } from './send-upload-error.js';
export { discardAfterResponse, DEFAULT_DRAIN, type DrainOptions } from './discard-body.js';
export { clientGoneSignal, type ClientGoneSignal } from './client-gone-signal.js';
export { installContinueGate, type ContinueGateOptions } from './continue-gate.js';
