import { ACTIVE_TYPES, UploadError, datedKey, type KeyFunction, type StorageDriver, type UploadOptions } from '@sluice/core';
import type { DemoConfig } from './config.js';

/**
 * Wraps a key function so that active content (HTML, SVG, XML, JavaScript,
 * judged by the sniffed type) is refused with 415 before a byte is stored.
 * The key function is the hook that sees the sniffed type of every file.
 */
export function refuseActiveTypes<Request>(inner: KeyFunction<Request>): KeyFunction<Request> {
  return (context) => {
    const type = context.type.split(';')[0]!.trim().toLowerCase();
    if (ACTIVE_TYPES.includes(type)) {
      throw new UploadError('TYPE_NOT_ALLOWED', { message: `File type not allowed: ${type}`, details: { type } });
    }
    return inner(context);
  };
}

/**
 * The upload options every demo uses. Without `ALLOWED_TYPES` any type is
 * accepted except active content; with it, exactly the listed types are (so
 * `ALLOWED_TYPES=text/html` is how to let HTML in on purpose).
 */
// biome-ignore lint/suspicious/noExplicitAny: one handler serves every framework, so its request type is left open
export function demoUploadOptions(config: DemoConfig, storage: StorageDriver): UploadOptions<any> {
  const key = datedKey() as KeyFunction<unknown>;
  return {
    storage,
    limits: config.limits,
    checksums: config.checksums,
    requestTimeoutMs: config.requestTimeoutMs,
    allowedTypes: config.allowedTypes,
    key: config.allowedTypes ? key : refuseActiveTypes(key),
  };
}
