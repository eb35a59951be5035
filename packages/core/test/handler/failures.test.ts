import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createUploadHandler } from '../../src/session/create-upload-handler.js';
import { buildMultipart } from '../../src/testing/multipart-body.js';
import { memoryStorage } from '../../src/storage/memory-storage.js';
import type { StorageDriver } from '../../src/storage/types.js';
import type { UploadError } from '../../src/errors/upload-error.js';
import type { AnyUploadEvent } from '../../src/events/types.js';
import { eventually, memoryHandler, send, sendRaw } from '../support.js';

/** A body that sends `head` and then stalls until destroyed. */
function stallingBody(head: Buffer): Readable {
  const body = new Readable({ read() {} });
  body.push(head);
  return body;
}

describe('client abort mid-file', () => {
  it('stops, aborts the storage write, emits abort, and leaves nothing stored', async () => {
    const storage = memoryStorage();
    const handler = createUploadHandler({ storage });
    const { body, contentType } = buildMultipart([
      { name: 'a', filename: 'done.bin', content: randomBytes(1000) },
      { name: 'b', filename: 'half.bin', content: randomBytes(500_000) },
    ]);
    const stream = stallingBody(body.subarray(0, 200_000));
    const controller = new AbortController();
    const events: AnyUploadEvent[] = [];
    // Abort once the first file is stored and the second is streaming into storage
    // (not after a fixed delay: the first request of a process loads type detection).
    const onEvent = (e: AnyUploadEvent): void => {
      events.push(e);
      if (e.type === 'load' && e.kind === 'file') setTimeout(() => controller.abort(), 30);
    };
    const pending = handler.handle({ headers: { 'content-type': contentType }, body: stream, signal: controller.signal, onEvent });
    const error = (await pending.catch((e: unknown) => e)) as UploadError;
    expect(error).toMatchObject({ code: 'CLIENT_ABORTED' });
    expect(events.map((e) => e.type)).toContain('abort');
    expect(events.filter((e) => e.type === 'loadend')).toHaveLength(1);
    expect(storage.keys()).toEqual([]);
    const removed = events.filter((e) => e.type === 'message' && e.kind === 'fileremoved');
    expect(removed.length).toBe(2);
    expect(error.result!.incomplete).toMatchObject([{ name: 'half.bin', reason: 'CLIENT_ABORTED', kept: false }]);
    expect(error.result!.stats.filesRemoved).toBe(2);
  });

  it('treats a body stream that errors (connection reset) as an abort', async () => {
    const { handler, storage } = memoryHandler();
    const { body, contentType } = buildMultipart([{ name: 'b', filename: 'x.bin', content: randomBytes(300_000) }]);
    const stream = stallingBody(body.subarray(0, 100_000));
    setTimeout(() => stream.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })), 20);
    const error = (await handler.handle({ headers: { 'content-type': contentType }, body: stream }).catch((e: unknown) => e)) as UploadError;
    expect(error.code).toBe('CLIENT_ABORTED');
    expect(storage.keys()).toEqual([]);
  });
});

describe('timeouts (408)', () => {
  it('idle timeout fires when the client stops sending', async () => {
    const { handler, storage } = memoryHandler({ idleTimeoutMs: 100 });
    const { body, contentType } = buildMultipart([{ name: 'b', filename: 'x.bin', content: randomBytes(300_000) }]);
    const events: AnyUploadEvent[] = [];
    const error = (await handler
      .handle({ headers: { 'content-type': contentType }, body: stallingBody(body.subarray(0, 100_000)), onEvent: (e) => events.push(e) })
      .catch((e: unknown) => e)) as UploadError;
    expect(error).toMatchObject({ code: 'IDLE_TIMEOUT', status: 408 });
    expect(events.find((e) => e.type === 'timeout')).toMatchObject({ kind: 'idle', afterMs: 100 });
    expect(storage.keys()).toEqual([]);
  });

  it('request timeout fires even while bytes trickle in', async () => {
    const { handler, storage } = memoryHandler({ requestTimeoutMs: 200, idleTimeoutMs: 1000 });
    const { body, contentType } = buildMultipart([{ name: 'b', filename: 'x.bin', content: randomBytes(10_000) }]);
    let offset = 0;
    const trickle = new Readable({
      read() {
        setTimeout(() => this.push(offset < body.length ? body.subarray(offset, (offset += 10)) : null), 20);
      },
    });
    const error = (await handler.handle({ headers: { 'content-type': contentType }, body: trickle }).catch((e: unknown) => e)) as UploadError;
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', status: 408 });
    expect(storage.keys()).toEqual([]);
    trickle.destroy();
  });

  it('does not blame the client when storage is the slow party', async () => {
    // Storage takes 400 ms per chunk; the idle timeout is 150 ms. Backpressure
    // pauses the body, and a paused body must not count as an idle client.
    const slow: StorageDriver = {
      name: 'slow',
      async put(_key, body) {
        let size = 0;
        for await (const chunk of body) {
          size += (chunk as Buffer).length;
          await new Promise((resolve) => setTimeout(resolve, 400));
        }
        return { size };
      },
      async remove() {},
    };
    const handler = createUploadHandler({ storage: slow, idleTimeoutMs: 150 });
    const { body, contentType } = buildMultipart([{ name: 'b', filename: 'x.bin', content: randomBytes(200_000) }]);
    const result = await handler.handle({ headers: { 'content-type': contentType }, body: Readable.from([body], { highWaterMark: 16 }) });
    expect(result.files.b![0]!.size).toBe(200_000);
  });
});

describe('malformed and refused requests', () => {
  const boundary = 'XyZ';
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
  const cases: Array<[string, string | Buffer, Record<string, string>, string, number]> = [
    ['a body that ends before the closing boundary', `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhalf a fi`, headers, 'MALFORMED_REQUEST', 400],
    ['a closing boundary cut short', `--${boundary}\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${boundary}-`, headers, 'MALFORMED_REQUEST', 400],
    ['an empty body', '', headers, 'MALFORMED_REQUEST', 400],
    ['a part header starting with a space (dicer CVE-2022-24434)', `--${boundary}\r\n Content-Disposition: form-data; name="a"\r\n\r\nv\r\n--${boundary}--\r\n`, headers, 'MALFORMED_REQUEST', 400],
    ['a body whose boundary differs from the header', `--Other\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--Other--\r\n`, headers, 'MALFORMED_REQUEST', 400],
    [
      'a file part with an empty field name (multer CVE-2025-48997)',
      `--${boundary}\r\nContent-Disposition: form-data; name=""; filename="a.txt"\r\n\r\nx\r\n--${boundary}--\r\n`,
      headers,
      'MALFORMED_REQUEST',
      400,
    ],
    ['a field part with no name parameter', `--${boundary}\r\nContent-Disposition: form-data\r\n\r\nx\r\n--${boundary}--\r\n`, headers, 'MALFORMED_REQUEST', 400],
    // busboy 1.6 skips these parts silently: the client would get a 2xx while its data vanished (RFC 7578 §4.2).
    ['a part with no Content-Disposition', `--${boundary}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${boundary}--\r\n`, headers, 'MALFORMED_REQUEST', 400],
    [
      'a file part whose Content-Disposition is folded onto a second line',
      `--${boundary}\r\nContent-Disposition: form-data; name="f"\r\n filename="a.txt"\r\n\r\nx\r\n--${boundary}--\r\n`,
      headers,
      'MALFORMED_REQUEST',
      400,
    ],
    [
      'a part with two Content-Disposition headers (a parser differential)',
      `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Disposition: form-data; name="f"; filename="a.php"\r\n\r\nx\r\n--${boundary}--\r\n`,
      headers,
      'MALFORMED_REQUEST',
      400,
    ],
    [
      'a part whose disposition is attachment, not form-data',
      `--${boundary}\r\nContent-Disposition: attachment; name="f"; filename="a.txt"\r\n\r\nx\r\n--${boundary}--\r\n`,
      headers,
      'MALFORMED_REQUEST',
      400,
    ],
    ['no boundary parameter', 'x', { 'content-type': 'multipart/form-data' }, 'MISSING_BOUNDARY', 400],
    ['an empty boundary', 'x', { 'content-type': 'multipart/form-data; boundary=' }, 'INVALID_BOUNDARY', 400],
    ['a 71-character boundary', 'x', { 'content-type': `multipart/form-data; boundary=${'b'.repeat(71)}` }, 'INVALID_BOUNDARY', 400],
    ['no content type', 'x', {}, 'UNSUPPORTED_MEDIA_TYPE', 415],
    ['application/json', '{}', { 'content-type': 'application/json' }, 'UNSUPPORTED_MEDIA_TYPE', 415],
    ['a gzip-encoded body', 'x', { ...headers, 'content-encoding': 'gzip' }, 'UNSUPPORTED_CONTENT_ENCODING', 415],
  ];
  it.each(cases)('%s → %s', async (_label, body, requestHeaders, code, status) => {
    const { handler, storage } = memoryHandler();
    const { error, events } = await sendRaw(handler, Buffer.from(body), requestHeaders, 7);
    expect(error).toMatchObject({ code, status });
    expect(error!.message).not.toMatch(/at |\//);
    expect(events.filter((e) => e.type === 'loadend')).toHaveLength(1);
    expect(storage.keys()).toEqual([]);
  });

  it('a closing boundary first, then parts whose own closing boundary is broken, is 400, not a hang (busboy 1.6 bug, found by fuzzing)', async () => {
    // The fuzz counterexample: `\r\n--B--` inserted before a valid body whose
    // final CRLF before the closing boundary was overwritten, all in one chunk.
    const { handler, storage } = memoryHandler({ requestTimeoutMs: 3000 });
    const valid = buildMultipart(
      [
        { name: 'title', value: 't' },
        { name: 'f', filename: 'a.bin', content: 'abc' },
        { name: 'g', filename: 'b.txt', content: 'second' },
      ],
      'FzB',
    ).body;
    valid[valid.length - '\r\n--FzB--\r\n'.length] = 0;
    const body = Buffer.concat([Buffer.from('\r\n--FzB--'), valid]);
    const { error } = await sendRaw(handler, body, { 'content-type': 'multipart/form-data; boundary=FzB' }, body.length);
    expect(error).toMatchObject({ code: 'MALFORMED_REQUEST', status: 400 });
    expect(storage.keys()).toEqual([]);
  });

  it('accepts a 70-character boundary', async () => {
    const b = 'b'.repeat(70);
    const { handler } = memoryHandler();
    const body = `--${b}\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${b}--\r\n`;
    const { result } = await sendRaw(handler, Buffer.from(body), { 'content-type': `multipart/form-data; boundary=${b}` });
    expect(result!.fields.a).toBe('v');
  });

  it('refuses a body that another reader already consumed', async () => {
    const { handler } = memoryHandler();
    const body = Readable.from([Buffer.from('x')]);
    for await (const _chunk of body) void _chunk;
    const error = (await handler.handle({ headers: { 'content-type': 'multipart/form-data; boundary=x' }, body }).catch((e: unknown) => e)) as UploadError;
    expect(error.code).toBe('BODY_ALREADY_CONSUMED');
    const web = new ReadableStream();
    web.getReader();
    const webError = (await handler.handle({ headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: web }).catch((e: unknown) => e)) as UploadError;
    expect(webError.code).toBe('BODY_ALREADY_CONSUMED');
  });
});

describe('failure policy', () => {
  const parts = [
    { name: 'a', filename: 'first.bin', content: randomBytes(5000) },
    { name: 'b', filename: 'second.bin', content: randomBytes(50_000) },
  ];

  it('all-or-nothing by default: a completed file is removed when a later one fails', async () => {
    const { handler, storage } = memoryHandler({ limits: { fileSize: 10_000 } });
    const { error, events } = await send(handler, parts, { chunkSize: 4096, paceMs: 5 });
    expect(error?.code).toBe('LIMIT_FILE_SIZE');
    expect(storage.keys()).toEqual([]);
    expect(
      events
        .filter((e) => e.type === 'message' && e.kind === 'fileremoved')
        .map((e) => e.type === 'message' && e.kind === 'fileremoved' && e.reason)
        .sort(),
    ).toEqual(['incomplete', 'rollback']);
    expect(error!.result!.files).toEqual({});
  });

  it('keepCompletedOnFailure keeps the completed file and reports it', async () => {
    const { handler, storage } = memoryHandler({ limits: { fileSize: 10_000 }, keepCompletedOnFailure: true });
    const { error } = await send(handler, parts, { chunkSize: 4096, paceMs: 5 });
    expect(error?.code).toBe('LIMIT_FILE_SIZE');
    const kept = error!.result!.files.a![0]!;
    expect(storage.keys()).toEqual([kept.key]);
    expect(storage.read(kept.key)!.equals(parts[0]!.content)).toBe(true);
  });

  it('removeIncompleteFiles: false keeps the partial file and lists it as incomplete', async () => {
    const { handler, storage } = memoryHandler({ limits: { fileSize: 10_000 }, removeIncompleteFiles: false, keepCompletedOnFailure: true });
    const { error } = await send(handler, parts, { chunkSize: 4096, paceMs: 5 });
    const partial = error!.result!.incomplete[0]!;
    expect(partial).toMatchObject({ name: 'second.bin', kept: true, reason: 'LIMIT_FILE_SIZE' });
    expect(storage.keys().sort()).toEqual([error!.result!.files.a![0]!.key, partial.key].sort());
    expect(storage.read(partial.key!)!.length).toBeLessThanOrEqual(10_000);
  });

  it('a storage failure becomes a 502 with the cause kept out of the message, and nothing stays', async () => {
    const inner = memoryStorage();
    const failing: StorageDriver = {
      name: 'failing',
      async put(key, body, options) {
        if (options.file.name === 'second.bin') {
          body.resume();
          throw new Error('EIO: disk on fire at /secret/path');
        }
        return inner.put(key, body, options);
      },
      remove: (key) => inner.remove(key),
    };
    const handler = createUploadHandler({ storage: failing });
    const { error } = await send(handler, parts, { chunkSize: 4096, paceMs: 5 });
    expect(error).toMatchObject({ code: 'STORAGE_FAILED', status: 502, message: 'Storage failed' });
    expect(String((error!.cause as Error).message)).toContain('disk on fire');
    expect(JSON.stringify(error!.toJSON())).not.toContain('secret');
    await eventually(() => expect(inner.keys()).toEqual([]));
  });

  it('a storage driver that throws synchronously-rejected UploadErrors keeps their code', async () => {
    const { UploadError } = await import('../../src/errors/upload-error.js');
    const handler = createUploadHandler({
      storage: {
        name: 'busy',
        async put(_key, body) {
          body.resume();
          throw new UploadError('STORAGE_UNAVAILABLE');
        },
        async remove() {},
      },
    });
    const { error } = await send(handler, [parts[0]!]);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE', status: 503 });
  });
});
