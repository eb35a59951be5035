import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isUploadError, retryAfterHeaders } from '@sluice/core';

/**
 * Upload routes' error handler: Fastify's default answer would be
 * `{ statusCode, code, error, message }`, so an `UploadError` gets the JSON
 * every Sluice adapter sends, `{ error: { code, message, ...details } }`. An
 * app with its own `setErrorHandler` in the route's scope gets the error as
 * thrown (it carries `statusCode` and `toJSON()`), as does any other error.
 * Fastify's default handler is the function named `defaultErrorHandler` (in
 * Fastify 4 and 5); a `setErrorHandler` function is bound, so its name differs.
 * Were that ever to change, upload errors would get Fastify's default answer,
 * with the right status.
 */
export function answerUploadError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (!isUploadError(error) || request.server.errorHandler.name !== 'defaultErrorHandler') throw error;
  request.log[error.status >= 500 ? 'error' : 'info']({ err: error }, error.message);
  return reply
    .code(error.status)
    .headers({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...retryAfterHeaders(error) })
    .send(error.toJSON());
}
