import { Readable } from 'node:stream';
import { buildMultipart, chunked, type TestPart } from '../src/testing/multipart-body.js';
import { createUploadHandler, type UploadHandler } from '../src/session/create-upload-handler.js';
import type { AnyUploadEvent } from '../src/events/types.js';
import type { UploadOptions } from '../src/session/upload-options.js';
import type { UploadResult } from '../src/result/types.js';
import { memoryStorage, type MemoryStorage } from '../src/storage/memory-storage.js';
import type { UploadError } from '../src/errors/upload-error.js';

/** A handler on a fresh memory driver, for tests. */
export function memoryHandler(options: Partial<UploadOptions> = {}): { handler: UploadHandler; storage: MemoryStorage } {
  const storage = memoryStorage();
  return { handler: createUploadHandler({ storage, ...options }), storage };
}

/** What {@link send} observed. */
export interface SendOutcome {
  result?: UploadResult;
  error?: UploadError;
  events: AnyUploadEvent[];
  /** Bytes of the whole body that was sent. */
  bodyLength: number;
}

/** Sends multipart `parts` through `handler` in chunks of `chunkSize` bytes. */
export async function send(
  handler: UploadHandler,
  parts: readonly TestPart[],
  { chunkSize = 64 * 1024, headers = {}, withLength = true, paceMs }: { chunkSize?: number; headers?: Record<string, string>; withLength?: boolean; paceMs?: number } = {},
): Promise<SendOutcome> {
  const { body, contentType } = buildMultipart(parts);
  return sendRaw(handler, body, { 'content-type': contentType, ...(withLength ? { 'content-length': String(body.length) } : {}), ...headers }, chunkSize, undefined, paceMs);
}

/** A body that yields `chunks` with a pause of `ms` before each, like a slow client. */
export function pacedBody(chunks: readonly Buffer[], ms: number): Readable {
  return Readable.from(
    (async function* () {
      for (const chunk of chunks) {
        await new Promise((resolve) => setTimeout(resolve, ms));
        yield chunk;
      }
    })(),
  );
}

/** Sends raw bytes with raw headers. */
export async function sendRaw(handler: UploadHandler, body: Buffer, headers: Record<string, string>, chunkSize = 64 * 1024, signal?: AbortSignal, paceMs?: number): Promise<SendOutcome> {
  const events: AnyUploadEvent[] = [];
  const chunks = chunked(body, chunkSize);
  try {
    const stream = paceMs === undefined ? Readable.from(chunks) : pacedBody(chunks, paceMs);
    const result = await handler.handle({ headers, body: stream, signal, onEvent: (event) => events.push(event) });
    return { result, events, bodyLength: body.length };
  } catch (error) {
    return { error: error as UploadError, events, bodyLength: body.length };
  }
}

/** Waits until `check` passes or `ms` elapse (storage cleanup can lag a tick). */
export async function eventually(check: () => void | Promise<void>, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}
