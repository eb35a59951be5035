/**
 * The tus 1.0 resumable-upload endpoint on Express, in one line:
 *
 * @example
 * const tus = createTusHandler({ store: diskResumable({ dir: './uploads' }), path: '/tus' });
 * app.use('/tus', tusRouter(tus));
 */
import type { Request, RequestHandler } from 'express';
import type { TusHandler } from '@sluice/core/tus';

/**
 * Middleware that answers every tus request (`OPTIONS`, `POST`, `HEAD`,
 * `PATCH`, `DELETE`) reaching it with the core's tus handler, straight on
 * Node's request and response (no Web stream bridge). Mount it with
 * `app.use(path, ...)` at the handler's `path`.
 *
 * Express strips the mount path from `req.url`; the handler is given
 * `req.originalUrl`, so upload URLs (`Location`) and ids are read from the
 * path the client actually used. The Express request is passed on as the
 * `request` the handler's hooks (key function, events) see.
 */
export function tusRouter(tus: TusHandler<Request>): RequestHandler {
  return function sluiceTus(req, res, next) {
    tus.handleNode(req, res, { url: req.originalUrl, request: req }).catch((error: unknown) => {
      // The handler answers protocol errors itself; only an unexpected failure
      // before a response started goes to Express's error handling.
      if (res.headersSent) res.destroy(error as Error);
      else next(error);
    });
  };
}
