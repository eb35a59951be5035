import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ERROR_TABLE } from '../errors/error-codes.js';
import { createUploadHandler, type UploadHandler } from '../session/create-upload-handler.js';
import type { StoredFile, UploadResult } from '../result/types.js';
import { memoryStorage, type MemoryStorage } from '../storage/memory-storage.js';
import { HTTP_CASES, storedFiles, type HttpCase } from './http-cases.js';
import type { HttpTransport, TestRequest } from './http-client.js';
import { buildMultipart, type TestPart } from './multipart-body.js';

/** What the runner hands an adapter's test to start an app. */
export interface HttpSubjectSetup {
  /** Mount this handler with the adapter's `upload(...)` on `POST /upload`. */
  // biome-ignore lint/suspicious/noExplicitAny: each framework's handler has its own request type
  handler: UploadHandler<any>;
  /** Put a body-reading middleware in front of the upload one. */
  preRead: boolean;
}

/**
 * A running app under test. Its `POST /upload` route must answer 200 with
 * `{ files, fields, upload }`: `files` and `fields` read from where the
 * adapter puts them for that framework, `upload` the full result. Errors are
 * left to the adapter's default handling.
 */
export interface HttpSubject {
  transport: HttpTransport;
  close(): Promise<void>;
}

/** Starts an app for one case. */
export type StartHttpSubject = (setup: HttpSubjectSetup) => Promise<HttpSubject>;

async function eventually(check: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function requestOf(testCase: HttpCase): { request: TestRequest; parts: TestPart[] } {
  if (testCase.request) return { request: testCase.request(), parts: [] };
  const { body, contentType } = buildMultipart(testCase.parts ?? []);
  return { request: { headers: { 'content-type': contentType }, body }, parts: testCase.parts ?? [] };
}

/** Every file part arrived byte for byte, in order, under its field. */
function expectFilesStored(parts: TestPart[], upload: UploadResult, storage: MemoryStorage): void {
  const seen = new Map<string, number>();
  for (const part of parts) {
    if (!('filename' in part)) continue;
    const index = seen.get(part.name) ?? 0;
    seen.set(part.name, index + 1);
    const stored = upload.files[part.name]?.[index] as StoredFile | undefined;
    expect(stored, `file #${index} of field ${part.name}`).toBeDefined();
    expect(stored!.name).toBe(part.filename);
    expect(stored!.size).toBe(Buffer.byteLength(part.content));
    expect(stored!.checksums.sha256).toBe(sha256(part.content));
    expect(sha256(storage.read(stored!.key) ?? Buffer.from('missing'))).toBe(sha256(part.content));
  }
  expect(storage.keys().sort()).toEqual(
    storedFiles(upload)
      .map((f) => f.key)
      .sort(),
  );
}

// A real 1x1 PNG, so that it passes any row's allowedTypes too.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');
const NORMAL_UPLOAD = buildMultipart([{ name: 'file', filename: 'after.png', content: PNG, contentType: 'image/png' }]);

/**
 * Runs {@link HTTP_CASES} against one adapter: a fresh memory store and app per
 * case, real multipart bytes through `transport`. Besides each row's status and
 * code it checks, for every error, the JSON shape (`{ error: { code, message } }`,
 * no stack), that storage holds nothing afterwards, and that the same app still
 * takes a normal upload.
 */
export function runHttpCases(label: string, start: StartHttpSubject, cases: readonly HttpCase[] = HTTP_CASES): void {
  describe(`http cases: ${label}`, () => {
    for (const testCase of cases) {
      it(testCase.name, async () => {
        const storage = memoryStorage();
        const handler = createUploadHandler({ checksums: ['sha256'], idleTimeoutMs: 5000, ...testCase.options, storage });
        const outcomes: Array<{ result: UploadResult; error?: { code: string } }> = [];
        const progress: number[] = [];
        handler.on('loadend', ({ result, error }) => outcomes.push({ result, error }));
        handler.on('progress', ({ bytesReceived }) => progress.push(bytesReceived));
        const subject = await start({ handler, preRead: testCase.preRead === true });
        try {
          const { request, parts } = requestOf(testCase);
          if (testCase.abortAfter !== undefined) {
            const half = testCase.abortAfter / 2;
            await subject.transport.sendAndAbort(request, testCase.abortAfter, () => eventually(() => expect(progress.some((n) => n >= half)).toBe(true)));
            await eventually(() => expect(outcomes[0]?.error?.code).toBe(testCase.code));
            await eventually(() => expect(storage.keys()).toEqual([]));
          } else {
            const response = await subject.transport.send(request);
            expect(response.status, response.body.toString().slice(0, 300)).toBe(testCase.status);
            if (response.status === 200) {
              const { files, fields, upload } = response.json;
              expect(files).toEqual(upload.files);
              expect(fields).toEqual(upload.fields);
              expectFilesStored(parts, upload, storage);
            } else {
              expect(response.headers['content-type']).toMatch(/^application\/json/);
              expect(response.json.error.code).toBe(testCase.code);
              // The table's message, sometimes made more specific ("File type not allowed: text/html").
              expect(response.json.error.message.startsWith(ERROR_TABLE[testCase.code!].message), response.json.error.message).toBe(true);
              expect(response.body.toString()).not.toMatch(/"stack"|\n\s+at /);
              await eventually(() => expect(storage.keys()).toEqual([]));
            }
            await testCase.check?.({ response, storage, result: outcomes[0]?.result, request });
          }
          if (!testCase.preRead) {
            const after = await subject.transport.send({ headers: { 'content-type': NORMAL_UPLOAD.contentType }, body: NORMAL_UPLOAD.body });
            expect(after.status, 'a normal upload afterwards').toBe(200);
            expect(after.json.files.file[0]).toMatchObject({ size: PNG.length, type: 'image/png' });
          }
        } finally {
          await subject.close();
        }
      });
    }
  });
}
