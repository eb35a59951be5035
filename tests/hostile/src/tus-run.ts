import { describe, it, type ExpectStatic } from 'vitest';
import { isSafeKey, type StoredFile, type UploadErrorCode } from '@sluice/core';
import { createTusHandler, type TusHandler, type TusOptions } from '@sluice/core/tus';
import type { RawResponse } from './raw-client.js';
import { TusClient, uploadUrl } from './tus-client.js';
import { TUS_ADAPTERS, startTusServer, type TusAdapterName } from './tus-servers.js';
import type { TusStoreFactory, TusStoreKind, TusStoreSubject } from './tus-stores.js';

/** What the handler reported, from its events. */
export interface TusProbe {
  /** Body bytes the latest PATCH/POST of each upload has read so far. */
  received: Map<string, number>;
  /** Completed files by upload id (`load` events). */
  files: Map<string, StoredFile>;
  /** Every settled write request: its upload id and, when it failed, the error code. */
  settled: Array<{ uploadId: string | undefined; code: UploadErrorCode | undefined }>;
}

/** What a row gets. */
export interface TusRowContext {
  expect: ExpectStatic;
  adapter: TusAdapterName;
  client: TusClient;
  subject: TusStoreSubject;
  probe: TusProbe;
  tus: TusHandler<unknown>;
}

/** One hostile tus row: it sends its bytes and asserts status, body and storage itself; the runner adds liveness and cleanup checks. */
export interface TusRow {
  name: string;
  /** Run on S3 too (rows where what the store holds matters). */
  storage?: boolean;
  /** Handler options on top of the suite's (1 MiB `fileSize`, 1 s `idleTimeoutMs`). */
  options?: Partial<TusOptions>;
  run(context: TusRowContext): Promise<void>;
}

/** The suite's handler limits: small, so that limit rows are cheap. */
export const TUS_MAX_FILE_SIZE = 1024 * 1024;
/** The handler's idle timeout in the suite. */
export const TUS_IDLE_MS = 1_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 20 ms until it holds or `ms` passed; resolves with its last value. */
export async function waitUntil(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

/** A short account of a response for assertion messages. */
export function describeResponse(response: RawResponse): string {
  return `got ${response.status ?? 'no response'}${response.timedOut ? ' (timed out)' : ''}${response.socketError ? ` (${response.socketError})` : ''}: ${response.raw.toString('latin1').slice(0, 300)}`;
}

/** Asserts a Sluice tus error answer: the status, `Tus-Resumable`, and the plain-text message. */
export function expectTusError(expect: ExpectStatic, response: RawResponse, status: number, message?: RegExp): void {
  expect(response.status, describeResponse(response)).toBe(status);
  expect(response.complete).toBe(true);
  expect(response.headers['tus-resumable']).toBe('1.0.0');
  if (message) expect(response.body.toString('utf8')).toMatch(message);
}

/**
 * The upload's offset from HEAD equals the bytes the store physically holds,
 * and those bytes are `expected` exactly (no byte beyond what was accepted).
 * `allowBeyondOffset` checks only the bytes up to the offset: the disk store
 * leaves a discarded (unverified) chunk past the offset in its data file, to
 * be overwritten by the next PATCH (see the README's known issues).
 */
export async function expectStored(context: TusRowContext, id: string, expected: Buffer, options: { allowBeyondOffset?: boolean } = {}): Promise<void> {
  const { expect, client, subject } = context;
  const head = await client.head(id);
  expect(head.status, describeResponse(head)).toBe(200);
  expect(Number(head.headers['upload-offset'])).toBe(expected.length);
  const held = await subject.stored(id);
  const stored = options.allowBeyondOffset ? held?.subarray(0, expected.length) : held;
  expect(stored?.length, 'bytes held by the store').toBe(expected.length);
  expect(stored!.equals(expected), 'stored bytes are the accepted bytes').toBe(true);
}

/**
 * A completed upload: its final object is `content` byte for byte, under a
 * key of the dated layout that carries only the sanitized name.
 */
export async function expectCompleted(context: TusRowContext, id: string, content: Buffer): Promise<StoredFile> {
  const { expect, probe, subject } = context;
  expect(await waitUntil(() => probe.files.has(id), 5_000), `upload ${id} completed`).toBe(true);
  const file = probe.files.get(id)!;
  expect(file.size).toBe(content.length);
  const layout = new RegExp(`^${subject.keyPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\d{4}/\\d{2}/[0-9a-f]{32}-([^/]+)$`);
  expect(layout.exec(file.key)?.[1], `key ${JSON.stringify(file.key)}`).toBe(file.safeName);
  expect(isSafeKey(file.key)).toBe(true);
  expect(file.safeName).not.toMatch(/[\\\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/);
  expect(file.key.normalize('NFKC').split('/')).not.toContain('..');
  const stored = await subject.readFinal(file.key);
  expect(stored?.equals(content), 'final object is byte-exact').toBe(true);
  return file;
}

/** After a row: the same server still runs a whole upload (create, PATCH, HEAD, completion) and a termination. */
async function expectAlive(context: TusRowContext): Promise<void> {
  const { expect, client } = context;
  const content = Buffer.from(`alive after the row on ${context.adapter}\n`);
  const id = await client.create(content.length, 'filename YWxpdmUudHh0');
  const patched = await client.patch(id, 0, content);
  expect(patched.status, describeResponse(patched)).toBe(204);
  expect(patched.headers['upload-offset']).toBe(String(content.length));
  await expectCompleted(context, id, content);
  const head = await client.head(id);
  expect(head.status).toBe(200);
  expect(head.headers['upload-offset']).toBe(String(content.length));
}

/** Deletes every upload the row created; then nothing may be left in storage (no state, no bytes, no object, no multipart upload). */
async function expectNothingLeftAfterDelete(context: TusRowContext): Promise<void> {
  const { expect, client, subject } = context;
  for (const id of client.created) {
    const deleted = await client.delete(id);
    // 404: the row removed it already (a policy refusal or its own DELETE).
    expect([204, 404], `DELETE ${uploadUrl(id)}: ${describeResponse(deleted)}`).toContain(deleted.status);
    const head = await client.head(id);
    expect(head.status, `HEAD after DELETE of ${id}`).toBe(404);
  }
  expect(await subject.leftovers()).toEqual([]);
}

function attachProbe(tus: TusHandler<unknown>): TusProbe {
  const probe: TusProbe = { received: new Map(), files: new Map(), settled: [] };
  tus.on('progress', (event) => {
    if (event.uploadId) probe.received.set(event.uploadId, event.bytesReceived);
  });
  tus.on('load', (event) => {
    if (event.uploadId && event.kind === 'file') probe.files.set(event.uploadId, event.file);
  });
  tus.on('loadend', (event) => probe.settled.push({ uploadId: event.uploadId, code: event.error?.code }));
  return probe;
}

/**
 * Runs every row on every adapter against one kind of store: a fresh store,
 * handler and server per row, rows concurrently. After the row's own checks
 * the server must still serve a whole upload, and deleting every upload the
 * row created must leave storage empty.
 */
export function runTusRows(kind: TusStoreKind, factory: () => TusStoreFactory, rows: readonly TusRow[]): void {
  describe(`tus hostile rows on ${kind} storage`, () => {
    for (const adapter of TUS_ADAPTERS) {
      for (const row of rows) {
        if (kind === 's3' && !row.storage) continue;
        it.concurrent(`${adapter}: ${row.name}`, async ({ expect }) => {
          const subject = await factory()();
          const tus = createTusHandler({ store: subject.store, path: '/tus', limits: { fileSize: TUS_MAX_FILE_SIZE }, idleTimeoutMs: TUS_IDLE_MS, progressBytes: 1, key: subject.key, ...row.options });
          const probe = attachProbe(tus);
          const server = await startTusServer(adapter, tus);
          const context: TusRowContext = { expect, adapter, client: new TusClient(server.port), subject, probe, tus };
          try {
            await row.run(context);
            await expectAlive(context);
            await expectNothingLeftAfterDelete(context);
          } finally {
            await server.close();
            await tus.close();
            await subject.dispose();
          }
        });
      }
    }
  });
}
