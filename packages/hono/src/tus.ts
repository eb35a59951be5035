/**
 * The tus 1.0 resumable-upload endpoint on Hono, in one line:
 *
 * @example
 * const tus = createTusHandler({ store: diskResumable({ dir: './uploads' }), path: '/tus' });
 * app.all('/tus/*', tusHono(tus));
 */
import type { Context, Handler } from 'hono';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TusHandler } from '@sluice/core/tus';

/**
 * @hono/node-server's marker for "the handler wrote the Node response itself"
 * (its `RESPONSE_ALREADY_SENT`), rebuilt here so this package does not depend
 * on the Node server: a response with this header is not written again.
 */
function alreadySent(): Response {
  const response = new Response(null, { headers: { 'x-hono-already-sent': 'true' } });
  // The server replaces the global Response with a light one whose cached
  // form it writes without looking at the marker; reading `body` turns it
  // into a full Response, whose marker it honours. A no-op anywhere else.
  void response.body;
  return response;
}

/** The Node request and response @hono/node-server passes as `c.env`, while nothing has read the body. */
function untouchedNode(env: unknown): { incoming: IncomingMessage; outgoing: ServerResponse } | undefined {
  const { incoming, outgoing } = (env ?? {}) as { incoming?: IncomingMessage; outgoing?: ServerResponse };
  if (typeof incoming?.on !== 'function' || typeof outgoing?.on !== 'function' || !incoming.socket) return undefined;
  // readableFlowing stays null until someone reads, pauses or resumes the body.
  if (incoming.readableDidRead || incoming.readableFlowing !== null) return undefined;
  return { incoming, outgoing };
}

/**
 * A route handler that answers tus requests (`OPTIONS`, `POST`, `HEAD`,
 * `PATCH`, `DELETE`) with the core's tus handler. Route both the endpoint and
 * the uploads under it to it: `app.all('/tus/*', tusHono(tus))` (Hono's
 * `/tus/*` also matches `/tus`).
 *
 * On @hono/node-server it works on the Node request and response directly
 * while the body is untouched (the Web stream bridge costs about twice the
 * CPU per byte); anywhere else, or once a middleware read the body, it goes
 * through the Web `Request` and returns the handler's `Response`. The Hono
 * context is the `request` the handler's hooks see.
 */
export function tusHono(tus: TusHandler<Context>): Handler {
  return async function sluiceTus(c) {
    const node = untouchedNode(c.env);
    if (node) {
      await tus.handleNode(node.incoming, node.outgoing, { url: node.incoming.url, request: c });
      return alreadySent();
    }
    return tus.fetch(c.req.raw, { request: c });
  };
}
