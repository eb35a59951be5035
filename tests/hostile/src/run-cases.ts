import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it, type ExpectStatic } from 'vitest';
import { createUploadHandler, isSafeKey, type StoredFile, type UploadLimits, type UploadOptions } from '@sluice/core';
import { PNG, buildMultipart, buildSharedBodies, headFor, sha256 } from './bodies.js';
import { HOSTILE_CASES } from './cases.js';
import type { HostileCase, ServerProbe } from './hostile-case.js';
import { rawExchange, step, type RawResponse } from './raw-client.js';
import { ADAPTERS, startServer, type AdapterName } from './servers.js';
import type { StorageFactory, StorageSubject } from './storages.js';

/** The suite's limits: small, so that every class is reached with bodies of a few MiB at most. */
export const SUITE_LIMITS: Partial<UploadLimits> = Object.freeze({
  fileSize: 1024 * 1024,
  totalSize: 8 * 1024 * 1024,
  files: 10,
  fields: 100,
  parts: 120,
  fieldSize: 64 * 1024,
  headerPairs: 50,
});

/** Types a browser would not execute from our origin; HTML, SVG and XML are refused. */
export const SUITE_ALLOWED_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'application/pdf', 'text/plain', 'application/octet-stream'];

/** Everything but storage, limits and key: short timeouts so slow-client cases take about a second. */
export const SUITE_OPTIONS = Object.freeze({
  idleTimeoutMs: 500,
  requestTimeoutMs: 3000,
  cleanupTimeoutMs: 5000,
  allowedTypes: SUITE_ALLOWED_TYPES,
  checksums: ['sha256'],
  progress: { bytes: 64 * 1024 },
} satisfies Partial<UploadOptions>);

const STACK_TRACE = /\n\s+at |"stack"\s*:|Error: .*\n/;

/** One observed answer, for the report. */
export interface Observation {
  storage: string;
  adapter: AdapterName;
  id: string;
  status: number | null;
  code: string | undefined;
  elapsedMs: number;
}

async function eventually(check: () => void | Promise<void>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function summary(response: RawResponse): string {
  return `got ${response.status ?? 'no response'} (${response.timedOut ? 'timed out, ' : ''}${response.socketError ?? ''}) ${response.raw.toString('latin1').slice(0, 400)}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A stored key must have the documented layout and nothing of the client's
 * name but its sanitized form: no separators beyond the layout, no `..`, no
 * control or bidi characters, and still so after NFKC normalisation.
 */
function expectSafeKey(expect: ExpectStatic, file: StoredFile, prefix: string): void {
  const layout = new RegExp(`^${escapeRegExp(prefix)}\\d{4}/\\d{2}/[0-9a-f]{32}-([^/]+)$`);
  const match = layout.exec(file.key);
  expect(match, `key ${JSON.stringify(file.key)} has the layout <prefix>YYYY/MM/<32 hex>-<name>`).not.toBeNull();
  expect(match![1]).toBe(file.safeName);
  expect(isSafeKey(file.key)).toBe(true);
  // eslint-disable-next-line no-control-regex
  expect(file.safeName).not.toMatch(/[\\\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/);
  const folded = file.key.normalize('NFKC');
  expect(folded.split('/')).toHaveLength(file.key.split('/').length);
  expect(folded.split('/')).not.toContain('..');
  expect(folded).not.toContain('\\');
}

/** The stored files of a 2xx response, in field order. */
// biome-ignore lint/suspicious/noExplicitAny: a test client reads whatever JSON the server sent; each test asserts its shape
function filesOf(json: any): StoredFile[] {
  return Object.values((json?.files ?? {}) as Record<string, StoredFile[]>).flat();
}

async function expectStoredAsAnswered(expect: ExpectStatic, testCase: HostileCase, response: RawResponse, storage: StorageSubject): Promise<StoredFile[]> {
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const { files, fields, upload } = response.json;
  expect(files).toEqual(upload.files);
  expect(fields).toEqual(upload.fields);
  const stored = filesOf(response.json);
  if (testCase.expect.files) {
    expect(stored.map((file) => file.field)).toEqual(testCase.expect.files.map((file) => file.field));
    for (const [index, wanted] of testCase.expect.files.entries()) {
      expect(stored[index]!.size).toBe(wanted.content.length);
      expect(stored[index]!.checksums.sha256).toBe(sha256(wanted.content));
      if (wanted.name !== undefined) expect(stored[index]!.name).toBe(wanted.name);
    }
  }
  if (testCase.expect.fields) expect(fields).toEqual(testCase.expect.fields);
  for (const file of stored) {
    expectSafeKey(expect, file, storage.prefix);
    const bytes = await storage.read(file.key);
    expect(bytes, `stored bytes of ${file.key}`).toBeDefined();
    expect(sha256(bytes!)).toBe(file.checksums.sha256);
  }
  // Exactly what the response lists, and no partial file or pending upload besides.
  expect((await storage.leftovers()).sort()).toEqual(stored.map((file) => file.key).sort());
  return stored;
}

/** A normal small upload on the same server still works, and lands in storage byte for byte. */
async function expectServerAlive(expect: ExpectStatic, port: number, storage: StorageSubject): Promise<void> {
  const body = buildMultipart([{ name: 'file', filename: 'after.png', content: PNG, contentType: 'image/png' }]);
  const before = new Set(await storage.keys());
  const response = await rawExchange({ port, steps: [step.write(headFor(body)), step.write(body.body)], timeoutMs: 8000 });
  expect(response.status, `a normal upload afterwards: ${summary(response)}`).toBe(200);
  const [file] = filesOf(response.json);
  expect(file).toMatchObject({ size: PNG.length, type: 'image/png' });
  expect((await storage.keys()).filter((key) => !before.has(key))).toEqual([file!.key]);
  expect(sha256((await storage.read(file!.key))!)).toBe(sha256(PNG));
}

async function runCase(expect: ExpectStatic, adapter: AdapterName, testCase: HostileCase, factory: StorageFactory, observe: (observation: Omit<Observation, 'storage'>) => void): Promise<void> {
  const storage = await factory();
  let bytesReceived = 0;
  const probe: ServerProbe = { bytesReceived: () => bytesReceived, outcomes: [] };
  const { limits, ...options } = testCase.options ?? {};
  const handler = createUploadHandler({
    ...SUITE_OPTIONS,
    ...options,
    limits: { ...SUITE_LIMITS, ...limits },
    storage: storage.driver,
    ...(storage.key ? { key: storage.key } : {}),
  });
  handler.on('progress', (event) => (bytesReceived = Math.max(bytesReceived, event.bytesReceived)));
  handler.on('loadend', ({ result, error }) => probe.outcomes.push({ result, error: error && { code: error.code, status: error.status } }));
  const server = await startServer(adapter, handler);
  try {
    const response = await rawExchange({ port: server.port, steps: testCase.steps(probe), timeoutMs: testCase.timeoutMs ?? 8000 });
    const { code, byNode } = testCase.expect;
    const status = testCase.expect.statusOn?.[adapter] ?? testCase.expect.status;
    observe({ adapter, id: testCase.id, status: response.status ?? null, code: response.json?.error?.code, elapsedMs: response.elapsedMs });

    // Never a hang; the exact status; a whole response, not a reset; never a stack trace.
    expect(response.timedOut, `the exchange hung: ${summary(response)}`).toBe(false);
    if (status !== null) {
      expect(response.status, summary(response)).toBe(status);
      expect(response.complete, 'the whole response arrived').toBe(true);
      expect(response.resetBeforeResponse, 'reset before the response').toBe(false);
      expect(response.body.toString('utf8')).not.toMatch(STACK_TRACE);
      if (status >= 400 && byNode === undefined) {
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(Object.keys(response.json)).toEqual(['error']);
        expect(response.json.error.code).toBe(code);
        expect(typeof response.json.error.message).toBe('string');
      }
    }

    // Whatever the server started for this request has settled (cleanup included)...
    await eventually(() => expect(handler.activeUploads, 'uploads still in flight').toBe(0), 10_000);
    // ... without a 5xx for a client's mistake.
    for (const outcome of probe.outcomes) expect(outcome.error?.status ?? 200, outcome.error?.code).toBeLessThan(500);
    if (status === null && code) expect(probe.outcomes.map((outcome) => outcome.error?.code)).toContain(code);

    // Storage holds exactly what a 2xx lists, and nothing at all from a refusal.
    let files: StoredFile[] = [];
    if (status !== null && status >= 200 && status < 300) files = await expectStoredAsAnswered(expect, testCase, response, storage);
    else expect(await storage.leftovers(), 'left in storage by a refused request').toEqual([]);

    await testCase.check?.({ expect, adapter, port: server.port, response, storage, probe, files });
    await expectServerAlive(expect, server.port, storage);
  } finally {
    await server.close();
    await storage.dispose();
  }
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Runs the hostile table on every adapter against one kind of storage
 * (`factory()` makes a fresh store per case). Cases run concurrently: each has
 * its own server, port and store. The observed answers are written to
 * `test-artifacts/hostile/<label>.json`.
 */
export function runHostileCases(
  label: string,
  factory: () => StorageFactory,
  { adapters = ADAPTERS, cases = HOSTILE_CASES }: { adapters?: readonly AdapterName[]; cases?: readonly HostileCase[] } = {},
): void {
  const observations: Observation[] = [];
  describe.concurrent(`hostile inputs, ${label} storage`, () => {
    beforeAll(() => buildSharedBodies());
    afterAll(async () => {
      const dir = path.join(REPO_ROOT, 'test-artifacts', 'hostile');
      await mkdir(dir, { recursive: true });
      observations.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }) || a.adapter.localeCompare(b.adapter));
      await writeFile(path.join(dir, `${label}.json`), JSON.stringify(observations, null, 1));
    });
    for (const adapter of adapters) {
      describe(adapter, () => {
        for (const testCase of cases) {
          it(`${testCase.id} ${testCase.name}`, async ({ expect }) => {
            await runCase(expect, adapter, testCase, factory(), (observation) => observations.push({ storage: label, ...observation }));
          });
        }
      });
    }
  });
}
