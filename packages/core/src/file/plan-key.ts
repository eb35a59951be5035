import { UploadError } from '../errors/upload-error.js';
import type { KeyContext, KeyFunction } from '../naming/key-strategies.js';
import { isSafeKey } from '../naming/safe-key.js';

/**
 * Asks the configured key function for a file's storage key and refuses an
 * unsafe answer (empty, `.`/`..` segments, a leading `/`, a backslash or
 * control character, over 1024 bytes) with `INVALID_KEY` (500): the function
 * is server code, so a bad key is a server bug, never the client's fault.
 * A key function that throws rejects with that error (normalised later to
 * `INTERNAL` unless it is an `UploadError`).
 *
 * @throws UploadError `INVALID_KEY`
 *
 * @example
 * const key = await planKey(keys.dated({ prefix: 'uploads' }), { field, name, safeName: sanitizeFilename(name), type, requestId, request, now: new Date() });
 */
export async function planKey<Request>(key: KeyFunction<Request>, context: KeyContext<Request>): Promise<string> {
  const planned = await key(context);
  if (typeof planned !== 'string' || !isSafeKey(planned)) {
    throw new UploadError('INVALID_KEY', { cause: new Error(`key function returned an unsafe key: ${JSON.stringify(planned)}`) });
  }
  return planned;
}
