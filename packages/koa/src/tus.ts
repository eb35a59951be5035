/**
 * The tus 1.0 resumable-upload endpoint on Koa, in one line:
 *
 * @example
 * const tus = createTusHandler({ store: diskResumable({ dir: './uploads' }), path: '/tus' });
 * app.use(tusMiddleware(tus, { path: '/tus' }));
 */
import type { Context, Middleware } from 'koa';
import type { TusHandler } from '@sluice/core/tus';

/** Options of the middleware itself. */
export interface KoaTusOptions {
  /**
   * The prefix the endpoint answers under (`/tus` answers `/tus` and
   * `/tus/<id>`); other requests pass to `next()`. Leave it out when a router
   * already routes only the tus paths here.
   */
  path?: string;
}

function under(path: string, prefix: string): boolean {
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === base || path.startsWith(`${base}/`);
}

/**
 * Middleware that answers tus requests (`OPTIONS`, `POST`, `HEAD`, `PATCH`,
 * `DELETE`) with the core's tus handler on Node's request and response.
 * It sets `ctx.respond = false`: the handler writes the raw response itself,
 * streaming the `PATCH` body into storage, and Koa must not answer again.
 * The handler is given `ctx.originalUrl` (kept whole by koa-mount and
 * routers) and the Koa context as the `request` its hooks see.
 */
export function tusMiddleware(tus: TusHandler<Context>, options: KoaTusOptions = {}): Middleware {
  return async function sluiceTus(ctx, next) {
    if (options.path !== undefined && !under(ctx.path, options.path)) return next();
    ctx.respond = false;
    try {
      await tus.handleNode(ctx.req, ctx.res, { url: ctx.originalUrl, request: ctx });
    } catch (error) {
      // Only an unexpected failure gets here (the handler answers protocol
      // errors): give the response back to Koa while it can still answer.
      if (ctx.res.headersSent) {
        ctx.res.destroy(error as Error);
        return;
      }
      ctx.respond = true;
      throw error;
    }
  };
}
