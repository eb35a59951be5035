import { isUploadError } from '../errors/upload-error.js';
import type { UploadLease } from '../lock/types.js';
import type { Checksums, StoredFile } from '../result/types.js';
import { judgeFile, SNIFF_BYTES } from './judge-file.js';
import type { ResumableInfo } from './store-types.js';
import { emit, type TusCall } from './tus-context.js';

/** The completed upload as the multipart handler would report the file. */
export function toStoredFile(info: ResumableInfo, checksums: Checksums): StoredFile {
  const completed = info.completed!;
  return {
    field: 'file',
    name: info.file.name,
    safeName: info.file.safeName,
    key: info.key!,
    type: info.file.type ?? 'application/octet-stream',
    declaredType: info.file.declaredType,
    detectedType: info.file.detectedType,
    size: completed.size,
    checksums,
    location: completed.location,
    etag: completed.etag,
    lastModified: completed.at,
  };
}

/**
 * The whole-file digests: from the running digests when this process hashed
 * every byte in order, else by reading the final object back (hash state
 * cannot cross processes, so that read is the honest fallback).
 */
async function wholeFileChecksums(call: TusCall<unknown>, info: ResumableInfo): Promise<Checksums> {
  const { digests, options } = call.ctx;
  if (digests.isEmpty) return {};
  const running = digests.take(info.id, info.completed!.size);
  if (running) return running;
  const body = await options.store.openCompleted(info);
  return body ? digests.ofStream(body) : {};
}

/** Removes an upload the policy refused, and forgets its digests. */
export async function removeRefused(call: TusCall<unknown>, id: string): Promise<void> {
  call.ctx.digests.forget(id);
  await call.ctx.options.store.remove(id).catch((error: unknown) => call.ctx.options.logger.error('sluice tus: could not remove a refused upload', { id, error: String(error) }));
}

/**
 * Completes an upload whose offset reached its length: judges it if no byte
 * did yet (an empty file, a crash before the judgement was saved), turns the
 * stored bytes into the final object (idempotent in the store), and reports
 * the file once (`load`, `onComplete`). Returns the file when this call
 * completed it, `undefined` when it was already complete or is not due.
 */
export async function finishUpload(call: TusCall<unknown>, info: ResumableInfo, lease: UploadLease): Promise<{ info: ResumableInfo; file: StoredFile | undefined }> {
  if (info.length === undefined || info.offset !== info.length || info.completed) return { info, file: undefined };
  const { options } = call.ctx;
  let current = info;
  if (current.file.type === undefined || current.key === undefined) {
    try {
      current = await judgeFile(options, current, await options.store.readHead(current.id, SNIFF_BYTES), call.requestId, call.ex.request);
    } catch (error) {
      if (isUploadError(error) && error.code === 'TYPE_NOT_ALLOWED') await removeRefused(call, current.id);
      throw error;
    }
  }
  current = await options.store.complete(current.id, { lease });
  const file = toStoredFile(current, await wholeFileChecksums(call, current));
  emit(call, 'load', { kind: 'file', file }, current.id);
  if (options.onComplete) await options.onComplete(file, call.ex.request);
  return { info: current, file };
}
