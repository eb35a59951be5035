/**
 * The building blocks of the HTTP case table ({@link HTTP_CASES} in
 * http-cases.ts): what a case is, and small constructors for its parts.
 */
import { randomBytes } from 'node:crypto';
import type { UploadErrorCode } from '../errors/error-codes.js';
import type { UploadOptions } from '../session/upload-options.js';
import type { StoredFile, UploadResult } from '../result/types.js';
import type { MemoryStorage } from '../storage/memory-storage.js';
import type { TestRequest, TestResponse } from './http-client.js';
import { buildMultipart, type TestPart } from './multipart-body.js';

/** What a case's own check sees. */
export interface HttpCaseContext {
  response: TestResponse;
  storage: MemoryStorage;
  /** The handler's `loadend` result of the request. */
  result: UploadResult | undefined;
  /** The generated body that was sent. */
  request: TestRequest;
}

/**
 * One row of the HTTP table every adapter runs. A row either sends `parts` (a
 * generated multipart body) or its own `request`; `abortAfter` makes the client
 * vanish after that many body bytes instead of waiting for a response.
 */
export interface HttpCase {
  name: string;
  options?: Omit<UploadOptions, 'storage'>;
  parts?: TestPart[];
  request?: () => TestRequest;
  /** The app reads the body with another middleware before the upload one. */
  preRead?: boolean;
  abortAfter?: number;
  status?: number;
  code?: UploadErrorCode;
  check?(context: HttpCaseContext): void | Promise<void>;
}

/** A file part (`application/octet-stream` unless a type is given). */
export const file = (name: string, filename: string, content: Buffer | string, contentType = 'application/octet-stream'): Extract<TestPart, { filename: string }> => ({
  name,
  filename,
  content,
  contentType,
});
/** A text field part. */
export const field = (name: string, value: string): TestPart => ({ name, value });
/** `size` random bytes: content no sniffer recognises and no test can hard-code. */
export const bytes = (size: number): Buffer => randomBytes(size);
/** A file part with `extra` more header lines after its Content-Disposition and Content-Type. */
export const withHeaders = (part: Extract<TestPart, { filename: string }>, extra: number): TestPart => ({ ...part, extraHeaders: Array.from({ length: extra }, (_, i) => `X-Extra-${i}: v`) });

/** Parts whose body was cut off before the closing boundary. */
export function truncatedMultipart(): TestRequest {
  const { body, contentType } = buildMultipart([file('file', 'a.bin', bytes(5000))]);
  return { headers: { 'content-type': contentType }, body: body.subarray(0, 3000) };
}

/** Every stored file of a result, in field order. */
export function storedFiles(result: { files: Record<string, StoredFile[]> }): StoredFile[] {
  return Object.values(result.files).flat();
}
