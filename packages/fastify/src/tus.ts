/**
 * The tus 1.0 resumable-upload endpoint on Fastify, registered at the
 * handler's path:
 *
 * @example
 * const tus = createTusHandler({ store: diskResumable({ dir: './uploads' }), path: '/tus' });
 * await app.register(sluiceTus, { tus, prefix: '/tus' });
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TusHandler } from '@sluice/core/tus';

/** Options of {@link sluiceTus} (Fastify's own `prefix` goes beside them). */
export interface SluiceTusOptions {
  /** The handler from `createTusHandler(...)`; its `path` must be the prefix the plugin is registered with. */
  tus: TusHandler<FastifyRequest>;
}

const TUS_METHODS = ['OPTIONS', 'HEAD', 'POST', 'PATCH', 'DELETE'];

/**
 * A plugin that answers every tus request (`OPTIONS`, `POST`, `HEAD`,
 * `PATCH`, `DELETE`) under its prefix with the core's tus handler, straight on
 * Node's request and response. It is encapsulated on purpose (no
 * `fastify-plugin`): inside its scope no content-type parser reads a body, so
 * a PATCH streams into the store as it arrives, while the rest of the app keeps
 * its parsers. The reply is hijacked: the tus handler writes the response, and
 * the Fastify request is what its hooks (key function, events) see.
 */
export const sluiceTus: FastifyPluginAsync<SluiceTusOptions> = async (fastify, { tus }) => {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  const handler = (request: FastifyRequest, reply: FastifyReply): void => {
    reply.hijack();
    tus.handleNode(request.raw, reply.raw, { url: request.raw.url, request }).catch((error: unknown) => {
      // The handler answers protocol errors itself; this is a failure nothing answered.
      request.log.error({ err: error }, 'tus handler failed');
      if (reply.raw.headersSent) reply.raw.destroy(error as Error);
      else reply.raw.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"code":"INTERNAL","message":"Internal error"}}');
    });
  };
  fastify.route({ method: TUS_METHODS, url: '/', handler });
  fastify.route({ method: TUS_METHODS, url: '/*', handler });
};
