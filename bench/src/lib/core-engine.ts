/**
 * Runs the whole Sluice engine with either parser, through the core's own
 * `parser` option: everything else (limits, sniffing, keys, events, storage)
 * is the unmodified engine.
 */
import { createUploadHandler, type ParserEngine, type UploadHandler, type UploadOptions } from '@sluice/core';

/** Which multipart parser the engine runs on. */
export type Engine = ParserEngine;

/** `createUploadHandler` with a choice of parser; without one, the default engine users get. */
export function createHandlerWithEngine<Request = unknown>(options: UploadOptions<Request>, engine?: Engine): UploadHandler<Request> {
  return createUploadHandler(engine === undefined ? options : { ...options, parser: engine });
}
