/**
 * @sluice/fastify: a Fastify 5 plugin that streams multipart uploads straight
 * into storage with @sluice/core.
 *
 * @example
 * await app.register(sluice, { storage: diskStorage({ root: './uploads' }) });
 * app.post('/upload', { config: { upload: { limits: { fileSize: 10 * 1024 * 1024 } } } }, async (request) => {
 *   return { files: request.files, fields: request.body };
 * });
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { createUploadHandler, toUploadError, UploadError, type UploadHandler, type UploadOptions } from '@sluice/core';
import { clientGoneSignal, discardAfterResponse } from '@sluice/core/node';
import { answerUploadError } from './error-handler.js';
import type { RouteUpload, SluiceFastifyOptions } from './types.js';

export { UploadError, isUploadError, type UploadErrorCode, type UploadOptions, type UploadResult, type StoredFile } from '@sluice/core';
export { sluiceTus, type SluiceTusOptions } from './tus.js';
export type { RouteUpload, SluiceFastifyOptions } from './types.js';

const MULTIPART = /^\s*multipart\/form-data\s*(?:;|$)/i;

/** The route's handler; an explicit route `bodyLimit` becomes `limits.totalSize` unless the upload options set it. */
function handlerFor(wanted: RouteUpload, defaults: Partial<UploadOptions<FastifyRequest>>, bodyLimit: number | undefined): UploadHandler<FastifyRequest> {
  if (typeof (wanted as UploadHandler).handle === 'function') return wanted as UploadHandler<FastifyRequest>;
  const own = wanted === true ? {} : (wanted as Partial<UploadOptions<FastifyRequest>>);
  const fromRoute = bodyLimit === undefined ? {} : { totalSize: bodyLimit };
  return createUploadHandler({ ...defaults, ...own, limits: { ...defaults.limits, ...fromRoute, ...own.limits } } as UploadOptions<FastifyRequest>);
}

const sluicePlugin: FastifyPluginAsync<SluiceFastifyOptions> = async (fastify, { drain, ...defaults }) => {
  // Set by an upload route's preParsing hook for the parser, which sees only the request.
  const pending = new WeakMap<FastifyRequest, { handler: UploadHandler<FastifyRequest>; reply: FastifyReply }>();
  const failed = (request: FastifyRequest, reply: FastifyReply, error: unknown): UploadError => {
    reply.header('connection', 'close');
    // Lets a client that is still sending read the error instead of a reset.
    if (drain !== false) discardAfterResponse(request.raw, reply.raw, drain);
    return toUploadError(error);
  };
  fastify.decorateRequest('files', undefined);
  fastify.decorateRequest('upload', undefined);
  fastify.addHook('onRoute', (route: RouteOptions) => {
    if (!route.config?.upload) return;
    const handler = handlerFor(route.config.upload, defaults, route.bodyLimit);
    route.preParsing = [
      ...[route.preParsing ?? []].flat(),
      (request, reply, payload, next) => {
        const type = request.headers['content-type'] ?? '';
        if (!MULTIPART.test(type)) return next(failed(request, reply, new UploadError('UNSUPPORTED_MEDIA_TYPE', { details: { accepted: ['multipart/form-data'] } })));
        pending.set(request, { handler, reply });
        next(null, payload);
      },
    ];
    route.errorHandler ??= answerUploadError;
  });
  fastify.addContentTypeParser('multipart/form-data', async (request: FastifyRequest, payload: FastifyRequest['raw']) => {
    const upload = pending.get(request);
    if (!upload) {
      // A route declared before the plugin had loaded never got its hooks: fail loudly instead of skipping the upload.
      if (request.routeOptions.config.upload) throw new Error(`@sluice/fastify: ${request.routeOptions.url} was declared before the plugin loaded; await app.register(sluice, ...) first`);
      // A route without `config.upload`: the body is left unread, for the route's own use.
      return undefined;
    }
    const gone = clientGoneSignal(upload.reply.raw);
    try {
      const result = await upload.handler.handle({ headers: request.headers, body: payload, method: request.method, signal: gone.signal, request });
      request.files = result.files;
      request.upload = result;
      return result.fields;
    } catch (error) {
      throw failed(request, upload.reply, error);
    } finally {
      gone.dispose();
    }
  });
};

/**
 * The plugin. Register it with the default upload options, then mark upload
 * routes with `config: { upload: true | options | handler }`. On such a
 * route a multipart body streams into storage as it arrives (nothing is
 * buffered) and then `request.files` holds the stored files by field,
 * `request.body` the text fields (so a body schema validates them) and
 * `request.upload` the full result. Failures are thrown as `UploadError`s
 * (`statusCode`, `code`, `toJSON()`) into Fastify's error handling.
 */
export const sluice = fp(sluicePlugin, { fastify: '5.x', name: '@sluice/fastify' });
export default sluice;
