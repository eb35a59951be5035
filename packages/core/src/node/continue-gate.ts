import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { UploadHandler } from '../session/create-upload-handler.js';
import { discardAfterResponse, type DrainOptions } from './discard-body.js';
import { sendUploadError } from './send-upload-error.js';

/** Options of {@link installContinueGate}. */
export interface ContinueGateOptions {
  /**
   * Which requests the handler's rules apply to (e.g. `req.url === '/upload'`).
   * Others get `100 Continue` as Node would send it. Default: every request.
   */
  match?: (req: IncomingMessage) => boolean;
  /**
   * How much body to discard after a refusal, for a client that sends it
   * anyway (curl does after a second); `false` closes at once. Default
   * `{ timeoutMs: 5000, maxBytes: 8 MiB }`.
   */
  drain?: DrainOptions | false;
}

/**
 * Answers `Expect: 100-continue` from the request headers instead of
 * inviting every body. Node sends `100 Continue` by itself unless a
 * `checkContinue` listener exists, so without this a client announcing a
 * 10 GiB upload is told to go ahead, and learns about the 413 only after it
 * started sending. With the gate, a request the handler would refuse from its
 * headers alone (a declared Content-Length over `limits.totalSize`, a media
 * type or Content-Encoding it does not take, a bad boundary) is answered with
 * that error (413, 415, 400) and no `100 Continue`; any other request gets
 * `100 Continue` and goes on to the server's `'request'` listeners as usual.
 *
 * @returns a function that removes the gate.
 *
 * @example
 * const handler = createUploadHandler({ storage, limits: { totalSize: 50 * 1024 * 1024 } });
 * const server = http.createServer(app);
 * installContinueGate(server, handler, { match: (req) => req.url === '/upload' });
 */
export function installContinueGate(server: HttpServer | HttpsServer, handler: Pick<UploadHandler, 'refusalFor'>, options: ContinueGateOptions = {}): () => void {
  const onCheckContinue = (req: IncomingMessage, res: ServerResponse): void => {
    const refusal = options.match === undefined || options.match(req) ? handler.refusalFor(req.headers) : undefined;
    if (refusal === undefined) {
      res.writeContinue();
      server.emit('request', req, res);
      return;
    }
    res.setHeader('Connection', 'close');
    if (options.drain !== false) discardAfterResponse(req, res, options.drain);
    sendUploadError(res, refusal);
  };
  server.on('checkContinue', onCheckContinue);
  return () => void server.off('checkContinue', onCheckContinue);
}
