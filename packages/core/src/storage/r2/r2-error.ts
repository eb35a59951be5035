import { UploadError, isUploadError } from '../../errors/index.js';

/**
 * Runs one call to the R2 binding and turns its failure into a typed
 * `STORAGE_FAILED` {@link UploadError} (502). The binding's message can name
 * the key or the bucket, so it stays in `cause` for logs and never reaches a
 * client. The binding reports no error class worth telling apart (retries are
 * its own business), so every failure maps to the one code.
 */
export async function r2Call<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toR2UploadError(error);
  }
}

/** The {@link UploadError} for anything the binding threw; an `UploadError` passes through. */
export function toR2UploadError(error: unknown): UploadError {
  return isUploadError(error) ? error : new UploadError('STORAGE_FAILED', { cause: error });
}
