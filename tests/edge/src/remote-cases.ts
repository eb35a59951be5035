/**
 * Runs the shared HTTP case table (@sluice/core/testing's HTTP_CASES) against
 * an app in another runtime (workerd, Bun, Deno) over a real socket. The app
 * is `createCaseApp`: the runner configures each case with `POST /_setup`,
 * reads the handler's events from `GET /_state`, and reads what was stored
 * through the subject's `snapshot()`. The assertions are those of the
 * in-process runner (run-http-cases.ts), through the checks both share
 * (@sluice/core/testing's http-case-checks): status and code, the JSON error
 * shape without a stack, every stored byte, an empty store after an error,
 * and a server that still takes a normal upload afterwards.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { memoryStorage, type MemoryStorage } from '@sluice/core';
import {
  caseRequest,
  expectFilesStored,
  expectJsonError,
  expectNormalUploadAfterwards,
  HTTP_CASES,
  socketTransport,
  type HttpCase,
  type HttpTransport,
  type StoredObjects,
  type TestRequest,
  type TestResponse,
} from '@sluice/core/testing';
import type { CaseSetup, CaseState } from './case-app.js';

/**
 * A row of the table, possibly adjusted for a runtime (runtime-differences.ts):
 * with `responseMayBeLost`, a connection closed before the client read any
 * response is accepted, and the runner checks the server's side instead (the
 * row's error code recorded, nothing stored, a normal upload afterwards).
 */
export type RemoteCase = HttpCase & { responseMayBeLost?: boolean };

/** A running app in another runtime. */
export interface RemoteSubject {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Every stored object, read from the store itself where possible. */
  snapshot(): Promise<Map<string, Buffer>>;
  /** Empties the store before a case (a shared bucket outlives one case). */
  reset?(): Promise<void>;
  /** Multipart uploads left pending in the store (R2), checked after every error. */
  pendingUploads?(): Promise<string[]>;
}

async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The snapshot as a memory store, so the table's own checks (`storage.read`, `storage.keys`) run unchanged. */
async function asMemoryStorage(objects: Map<string, Buffer>): Promise<MemoryStorage> {
  const storage = memoryStorage();
  const file = { field: 'f', name: 'f', type: 'application/octet-stream' };
  for (const [key, data] of objects) await storage.put(key, Readable.from([data]), { signal: new AbortController().signal, file });
  return storage;
}

/** A snapshot as the stored objects the shared checks read. */
function storedObjects(objects: Map<string, Buffer>): StoredObjects {
  return { read: (key) => objects.get(key), keys: () => [...objects.keys()] };
}

async function expectNothingLeft(subject: RemoteSubject): Promise<void> {
  await eventually(async () => expect([...(await subject.snapshot()).keys()]).toEqual([]));
  if (subject.pendingUploads) await eventually(async () => expect(await subject.pendingUploads!()).toEqual([]));
}

/** Sends a request whose response may be lost with its connection: the response, or `undefined` when the connection closed first. */
async function sendOrLose(transport: HttpTransport, request: TestRequest): Promise<TestResponse | undefined> {
  try {
    return await transport.send(request, 30_000);
  } catch (error) {
    if (/connection closed without a response|ECONNRESET|EPIPE/.test(String(error))) return undefined;
    throw error;
  }
}

async function runCase(subject: RemoteSubject, testCase: RemoteCase): Promise<void> {
  await subject.reset?.();
  const setup: CaseSetup = { options: testCase.options, preRead: testCase.preRead === true };
  const configured = await fetch(`${subject.url}/_setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(setup) });
  expect(configured.status, await configured.clone().text()).toBe(200);
  const state = () => getJson<CaseState>(`${subject.url}/_state`);
  const transport = socketTransport(subject.url);
  const { request, parts } = caseRequest(testCase);

  if (testCase.abortAfter !== undefined) {
    const half = testCase.abortAfter / 2;
    await transport.sendAndAbort(request, testCase.abortAfter, () => eventually(async () => expect((await state()).progress.some((n) => n >= half)).toBe(true)));
    await eventually(async () => expect((await state()).outcomes[0]?.error?.code).toBe(testCase.code));
    await expectNothingLeft(subject);
  } else {
    const response = testCase.responseMayBeLost ? await sendOrLose(transport, request) : await transport.send(request, 30_000);
    if (response === undefined) {
      // The connection went before the response: the server's side must still be right.
      await eventually(async () => expect((await state()).outcomes[0]?.error?.code).toBe(testCase.code));
      await expectNothingLeft(subject);
      return expectNormalUploadAfterwards(transport, testCase);
    }
    expect(response.status, response.body.toString().slice(0, 300)).toBe(testCase.status);
    let objects = await subject.snapshot();
    if (response.status === 200) {
      const { files, fields, upload } = response.json;
      expect(files).toEqual(upload.files);
      expect(fields).toEqual(upload.fields);
      expectFilesStored(parts, upload, storedObjects(objects));
    } else {
      expectJsonError(response, testCase);
      await expectNothingLeft(subject);
      objects = await subject.snapshot();
    }
    await testCase.check?.({ response, storage: await asMemoryStorage(objects), result: undefined, request });
  }
  await expectNormalUploadAfterwards(transport, testCase);
}

/**
 * Registers one test per case. `subject` is called inside each test (the
 * suite's `beforeAll` starts the runtime), and the cases run in order: the
 * app holds one case at a time.
 */
export function runRemoteHttpCases(label: string, subject: () => RemoteSubject, cases: readonly RemoteCase[] = HTTP_CASES): void {
  describe.sequential(`http cases: ${label}`, () => {
    for (const testCase of cases) it(testCase.name, () => runCase(subject(), testCase));
  });
}
