/**
 * The checks every runner of the HTTP case table makes, whether the app runs
 * in this process (run-http-cases.ts) or in another runtime over a socket
 * (tests/edge): the request a row sends, the stored bytes of a success, the
 * JSON shape of an error, and a normal upload afterwards.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { ERROR_TABLE } from '../errors/error-codes.js';
import type { StoredFile, UploadResult } from '../result/types.js';
import type { MemoryStorage } from '../storage/memory-storage.js';
import { storedFiles, type HttpCase } from './http-case-kit.js';
import type { HttpTransport, TestRequest, TestResponse } from './http-client.js';
import { buildMultipart, type TestPart } from './multipart-body.js';

/** What a runner can read back from the store a case wrote to: a memory store, or a snapshot of another runtime's. */
export type StoredObjects = Pick<MemoryStorage, 'read' | 'keys'>;

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The request a row sends (its own, or a multipart body generated from its parts), and the parts to check the stored files against. */
export function caseRequest(testCase: HttpCase): { request: TestRequest; parts: TestPart[] } {
  if (testCase.request) return { request: testCase.request(), parts: [] };
  const { body, contentType } = buildMultipart(testCase.parts ?? []);
  return { request: { headers: { 'content-type': contentType }, body }, parts: testCase.parts ?? [] };
}

/** Every file part arrived byte for byte, in order, under its field, and the store holds those files and nothing else. */
export function expectFilesStored(parts: TestPart[], upload: UploadResult, stored: StoredObjects): void {
  const seen = new Map<string, number>();
  for (const part of parts) {
    if (!('filename' in part)) continue;
    const index = seen.get(part.name) ?? 0;
    seen.set(part.name, index + 1);
    const file = upload.files[part.name]?.[index] as StoredFile | undefined;
    expect(file, `file #${index} of field ${part.name}`).toBeDefined();
    expect(file!.name).toBe(part.filename);
    expect(file!.size).toBe(Buffer.byteLength(part.content));
    expect(file!.checksums.sha256).toBe(sha256(part.content));
    expect(sha256(stored.read(file!.key) ?? Buffer.from('missing'))).toBe(sha256(part.content));
  }
  expect(stored.keys().sort()).toEqual(
    storedFiles(upload)
      .map((f) => f.key)
      .sort(),
  );
}

/** An error answer is `{ error: { code, message } }` JSON with the row's code and the table's message, and no stack. */
export function expectJsonError(response: TestResponse, testCase: HttpCase): void {
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.json.error.code).toBe(testCase.code);
  // The table's message, sometimes made more specific ("File type not allowed: text/html").
  expect(response.json.error.message.startsWith(ERROR_TABLE[testCase.code!].message), response.json.error.message).toBe(true);
  expect(response.body.toString()).not.toMatch(/"stack"|\n\s+at /);
}

// A real 1x1 PNG, so that it passes any row's allowedTypes too.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');
const NORMAL_UPLOAD = buildMultipart([{ name: 'file', filename: 'after.png', content: PNG, contentType: 'image/png' }]);

/** The same app still takes a normal upload after the case (not checked after a `preRead` row, whose app reads every body first). */
export async function expectNormalUploadAfterwards(transport: HttpTransport, testCase: HttpCase): Promise<void> {
  if (testCase.preRead) return;
  const after = await transport.send({ headers: { 'content-type': NORMAL_UPLOAD.contentType }, body: NORMAL_UPLOAD.body });
  expect(after.status, 'a normal upload afterwards').toBe(200);
  expect(after.json.files.file[0]).toMatchObject({ size: PNG.length, type: 'image/png' });
}
