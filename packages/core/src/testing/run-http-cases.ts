import { describe, expect, it } from 'vitest';
import { createUploadHandler, type UploadHandler } from '../session/create-upload-handler.js';
import type { UploadResult } from '../result/types.js';
import { memoryStorage } from '../storage/memory-storage.js';
import { caseRequest, expectFilesStored, expectJsonError, expectNormalUploadAfterwards } from './http-case-checks.js';
import { HTTP_CASES, type HttpCase } from './http-cases.js';
import type { HttpTransport } from './http-client.js';

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
          const { request, parts } = caseRequest(testCase);
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
              expectJsonError(response, testCase);
              await eventually(() => expect(storage.keys()).toEqual([]));
            }
            await testCase.check?.({ response, storage, result: outcomes[0]?.result, request });
          }
          await expectNormalUploadAfterwards(subject.transport, testCase);
        } finally {
          await subject.close();
        }
      });
    }
  });
}
