import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { toUploadError, type UploadError } from '../errors/upload-error.js';
import type { StoredFile } from '../result/types.js';
import { loadChecksums } from './checksums.js';
import { FileUpload, type FileDeclaration, type FilePolicy, type FileOwner } from './file-upload.js';

/** Bytes {@link storeFile} accepts: a Node stream, a Web stream, or any async iterable of chunks. */
export type FileBytes = Readable | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Options of {@link storeFile} beyond the policy. */
export interface StoreFileOptions<Request = unknown> extends Partial<FileOwner<Request>> {
  /** Aborts the file: its storage write stops and nothing of it stays. */
  signal?: AbortSignal;
  /** Told about a declared type that disagrees with the bytes. */
  onWarning?(text: string): void;
}

function toNodeStream(bytes: FileBytes): Readable {
  if (bytes instanceof Readable) return bytes;
  if (typeof (bytes as ReadableStream).getReader === 'function') return Readable.fromWeb(bytes as NodeWebReadableStream<Uint8Array>);
  return Readable.from(bytes as AsyncIterable<Uint8Array>, { objectMode: false });
}

/**
 * The whole per-file pipeline for one stream of bytes: the byte limit, the
 * digests, the type gate on the first bytes, the key, `storage.put`; on any
 * failure the write is aborted and whatever reached storage is removed
 * (unless `policy.keepPartial`). Resolves with the stored file, or rejects
 * with an `UploadError` (`LIMIT_FILE_SIZE`, `TYPE_NOT_ALLOWED`, `INVALID_KEY`,
 * `STORAGE_*`, `CLIENT_ABORTED` …) once nothing is in flight any more.
 *
 * A multipart request runs one {@link FileUpload} per part; this is the same
 * pipeline for a protocol whose file is one stream (a raw body, a resumable
 * upload's assembled bytes).
 *
 * @example
 * const file = await storeFile(req, { field: 'file', name: 'cat.png', declaredType: 'image/png' }, {
 *   storage, maxBytes: 10 << 20, checksums: ['sha256'], allowedTypes: ['image/*'], key: keys.dated(), keepPartial: false,
 * });
 */
export async function storeFile<Request = unknown>(bytes: FileBytes, declaration: FileDeclaration, policy: FilePolicy<Request>, options: StoreFileOptions<Request> = {}): Promise<StoredFile> {
  await loadChecksums(policy.checksums);
  const owner: FileOwner<Request> = { requestId: options.requestId ?? randomUUID(), request: options.request as Request, now: options.now ?? new Date() };
  let failure: UploadError | undefined;
  const source = toNodeStream(bytes);
  const stop = (error: UploadError): void => {
    if (failure) return;
    failure = error;
    file.abort(error);
    source.destroy();
  };
  const file = new FileUpload(declaration, policy, owner, { onFailure: stop, onWarning: options.onWarning });
  const signal = options.signal;
  const abortFromSignal = (): void => stop(toUploadError(signal?.reason, 'CLIENT_ABORTED'));
  if (signal?.aborted) abortFromSignal();
  else signal?.addEventListener('abort', abortFromSignal, { once: true });
  // A source that fails is a client that went away (a cut connection, a broken Web stream).
  source.on('error', (error) => stop(toUploadError(error, 'CLIENT_ABORTED')));
  if (!failure) file.attach(source);
  await file.done;
  signal?.removeEventListener('abort', abortFromSignal);
  if (file.stored && !failure) return file.stored;
  const error = failure ?? toUploadError(new Error('the file ended without being stored'));
  if (!policy.keepPartial || file.stored) await file.remove().catch(() => {});
  throw error;
}
