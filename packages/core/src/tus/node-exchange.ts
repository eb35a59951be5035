import type { IncomingMessage, ServerResponse } from 'node:http';
import { discardAfterResponse } from '../node/discard-body.js';
import { clientGoneSignal } from '../node/client-gone-signal.js';
import type { TusExchange, TusReply } from './exchange.js';

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The effective method: tus-js-client's `overridePatchMethod` sends PATCH as a POST with `X-HTTP-Method-Override`. */
export function effectiveMethod(method: string, override: string | undefined): string {
  const upper = method.toUpperCase();
  return upper === 'POST' && override ? override.trim().toUpperCase() : upper;
}

/** The path name of a request target (`/tus/abc?x=1` → `/tus/abc`). */
export function pathnameOf(url: string): string {
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return '';
  }
}

/**
 * Answers one Node request with `run`, streaming the body straight from the
 * socket (no Web bridge). A body left unread (a refused PATCH) is discarded
 * after the response within bounds, so the client reads the answer instead
 * of a reset, and the connection is closed.
 */
export async function serveNode<Request>(req: IncomingMessage, res: ServerResponse, url: string, request: Request | undefined, run: (ex: TusExchange<Request>) => Promise<TusReply>): Promise<void> {
  const gone = clientGoneSignal(res);
  const length = headerOf(req, 'content-length');
  const ex: TusExchange<Request> = {
    method: effectiveMethod(req.method ?? 'GET', headerOf(req, 'x-http-method-override')),
    pathname: pathnameOf(url),
    header: (name) => headerOf(req, name),
    hasBody: (length !== undefined && length.trim() !== '0') || headerOf(req, 'transfer-encoding') !== undefined,
    body: () => req,
    signal: gone.signal,
    request,
  };
  try {
    const answer = await run(ex);
    if (res.headersSent || res.destroyed) return;
    const unread = ex.hasBody && !req.readableEnded;
    if (unread) {
      answer.headers.Connection = 'close';
      discardAfterResponse(req, res);
    }
    const body = answer.body ?? '';
    res.writeHead(answer.status, { ...answer.headers, ...(body ? { 'Content-Length': String(Buffer.byteLength(body)) } : answer.status === 204 ? {} : { 'Content-Length': '0' }) });
    res.end(ex.method === 'HEAD' ? undefined : body);
  } finally {
    gone.dispose();
  }
}
