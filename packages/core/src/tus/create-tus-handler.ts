import { UploadError } from '../errors/upload-error.js';
import { EventHub } from '../events/event-hub.js';
import type { UploadEventListener } from '../events/types.js';
import { dispatch } from './dispatch.js';
import type { TusExchange } from './exchange.js';
import { serveNode } from './node-exchange.js';
import { resolveTusOptions } from './resolve-options.js';
import { RunningDigests } from './running-digests.js';
import { sweepExpiredUploads } from './sweep-expired.js';
import type { TusContext } from './tus-context.js';
import type { TusHandler, TusOptions } from './types.js';
import { serveWeb } from './web-exchange.js';

/**
 * Creates a tus 1.0.0 endpoint (core protocol plus creation,
 * creation-with-upload, creation-defer-length, termination, expiration and
 * checksum) that applies the same per-file policy as a multipart upload and
 * keeps every byte and all state in `options.store`.
 *
 * @example
 * const tus = createTusHandler({ store: diskResumable({ root: './uploads' }), path: '/tus', limits: { fileSize: 2 ** 30 } });
 * http.createServer((req, res) => tus.handleNode(req, res)).listen(3000);
 */
export function createTusHandler<Request = unknown>(options: TusOptions<Request>): TusHandler<Request> {
  const resolved = resolveTusOptions(options);
  const hub = new EventHub((error) => resolved.logger.error('sluice tus: an event listener threw', { error: String(error) }));
  const ctx: TusContext<Request> = { options: resolved, hub, digests: new RunningDigests(resolved.checksums), closing: new AbortController() };
  const inFlight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inFlight.add(work);
    const forget = (): void => void inFlight.delete(work);
    work.then(forget, forget);
    return work;
  };
  const run = (ex: TusExchange<Request>) => dispatch(ctx as TusContext<unknown>, ex as TusExchange<unknown>);
  return {
    store: resolved.store,
    fetch: (request, context) => track(serveWeb(request, context?.request, run)),
    handleNode: (req, res, extra) => track(serveNode(req, res, extra?.url ?? req.url ?? '/', extra?.request, run)),
    on: (name, listener) => hub.on(name, listener as UploadEventListener<typeof name>),
    off: (name, listener) => hub.off(name, listener as UploadEventListener<typeof name>),
    sweepExpired: (now) => sweepExpiredUploads(resolved.store, now, resolved.locker),
    async close() {
      ctx.closing.abort(new UploadError('SHUTTING_DOWN'));
      await Promise.allSettled([...inFlight]);
    },
  };
}
