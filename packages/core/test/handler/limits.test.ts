import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { TestPart } from '../../src/testing/multipart-body.js';
import { memoryHandler, send, sendRaw } from '../support.js';

const file = (size: number, name = 'f.bin'): TestPart => ({ name: 'f', filename: name, content: randomBytes(size) });
const fields = (count: number): TestPart[] => Array.from({ length: count }, (_, i) => ({ name: `k${i}`, value: 'v' }));

describe('limits: exactly the limit is accepted, one more is refused with 413', () => {
  const cases: Array<{ limit: string; code: string; at: (n: number) => TestPart[]; n: number }> = [
    { limit: 'fileSize', code: 'LIMIT_FILE_SIZE', n: 100_000, at: (n) => [file(n)] },
    { limit: 'files', code: 'LIMIT_FILES', n: 3, at: (n) => Array.from({ length: n }, (_, i) => file(10, `${i}.bin`)) },
    { limit: 'fields', code: 'LIMIT_FIELDS', n: 5, at: fields },
    { limit: 'fieldSize', code: 'LIMIT_FIELD_SIZE', n: 1000, at: (n) => [{ name: 'big', value: 'x'.repeat(n) }] },
    { limit: 'fieldNameSize', code: 'LIMIT_FIELD_NAME_SIZE', n: 50, at: (n) => [{ name: 'n'.repeat(n), value: 'v' }] },
    { limit: 'parts', code: 'LIMIT_PARTS', n: 4, at: (n) => [...fields(n - 1), file(10)] },
    // Content-Disposition and Content-Type are two of a file part's header lines.
    { limit: 'headerPairs', code: 'LIMIT_HEADER_PAIRS', n: 10, at: (n) => [{ ...file(10), extraHeaders: Array.from({ length: n - 2 }, (_, i) => `X-Extra-${i}: v`) }] },
  ];

  for (const { limit, code, n, at } of cases) {
    it(`${limit}: ${n} passes`, async () => {
      const { handler } = memoryHandler({ limits: { [limit]: n } });
      const { error, result } = await send(handler, at(n));
      expect(error).toBeUndefined();
      expect(result).toBeDefined();
    });

    it(`${limit}: ${n + 1} fails with ${code} and stores nothing`, async () => {
      const { handler, storage } = memoryHandler({ limits: { [limit]: n } });
      const { error, result } = await send(handler, at(n + 1));
      expect(result).toBeUndefined();
      expect(error).toMatchObject({ name: 'UploadError', code, status: 413 });
      expect(error!.details).toMatchObject({ limit, max: n });
      expect(storage.keys()).toEqual([]);
    });
  }

  it('fieldSize counts UTF-8 bytes, not characters', async () => {
    const { handler } = memoryHandler({ limits: { fieldSize: 10 } });
    expect((await send(handler, [{ name: 'a', value: 'ééééé' }])).error).toBeUndefined();
    expect((await send(handler, [{ name: 'a', value: 'éééééx' }])).error?.code).toBe('LIMIT_FIELD_SIZE');
  });

  it('fileSize of a file split over many chunks is enforced while it streams', async () => {
    const { handler, storage } = memoryHandler({ limits: { fileSize: 50_000 } });
    const { error } = await send(handler, [file(200_000)], { chunkSize: 997 });
    expect(error?.code).toBe('LIMIT_FILE_SIZE');
    // The request stopped being read soon after the limit, not at the end.
    expect(error!.result!.stats.bytesReceived).toBeLessThan(200_000);
    expect(storage.keys()).toEqual([]);
  });
});

describe('totalSize', () => {
  it('refuses from Content-Length alone, before reading the body', async () => {
    const { handler } = memoryHandler({ limits: { totalSize: 1000 } });
    const { error, events } = await sendRaw(handler, Buffer.alloc(0), { 'content-type': 'multipart/form-data; boundary=x', 'content-length': '10737418240' });
    expect(error).toMatchObject({ code: 'LIMIT_TOTAL_SIZE', status: 413 });
    expect(error!.result!.stats.bytesReceived).toBe(0);
    expect(events.map((event) => event.type)).toEqual(['loadstart', 'error', 'loadend']);
  });

  it('holds a chunked body with no Content-Length to the limit', async () => {
    const { handler, storage } = memoryHandler({ limits: { totalSize: 10_000, fileSize: 1_000_000 } });
    const { error } = await send(handler, [file(50_000)], { withLength: false, chunkSize: 1024 });
    expect(error).toMatchObject({ code: 'LIMIT_TOTAL_SIZE', status: 413 });
    expect(error!.result!.stats.bytesReceived).toBeLessThanOrEqual(10_000 + 1024);
    expect(storage.keys()).toEqual([]);
  });

  it('holds a body that lies about its Content-Length to the limit', async () => {
    const { handler } = memoryHandler({ limits: { totalSize: 10_000, fileSize: 1_000_000 } });
    const { error } = await send(handler, [file(50_000)], { headers: { 'content-length': '100' } });
    expect(error?.code).toBe('LIMIT_TOTAL_SIZE');
  });

  it('accepts a body of exactly totalSize bytes', async () => {
    const { handler: probe } = memoryHandler();
    const parts = [file(5000)];
    const { bodyLength } = await send(probe, parts);
    const { handler } = memoryHandler({ limits: { totalSize: bodyLength } });
    expect((await send(handler, parts)).error).toBeUndefined();
    const { handler: tight } = memoryHandler({ limits: { totalSize: bodyLength - 1 } });
    expect((await send(tight, parts, { withLength: false })).error?.code).toBe('LIMIT_TOTAL_SIZE');
  });
});

describe('urlencoded bodies', () => {
  const form = (body: string) => ({ body: Buffer.from(body), headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  it('parses fields into the same grouped, pollution-safe result', async () => {
    const { handler } = memoryHandler();
    const { body, headers } = form('a=1&b=two%20words&a=3&__proto__=x');
    const { result } = await sendRaw(handler, body, headers);
    expect(result!.fields).toMatchObject({ a: ['1', '3'], b: 'two words' });
    // biome-ignore lint/suspicious/noProto: a field named __proto__ is plain data here, which is what the test checks
    expect(result!.fields.__proto__).toBe('x');
    expect(result!.files).toEqual({});
  });

  it('has its own size limit (formaline serialized-field threshold)', async () => {
    const { handler } = memoryHandler({ limits: { urlencodedSize: 100 } });
    const { body, headers } = form(`a=${'x'.repeat(200)}`);
    expect((await sendRaw(handler, body, headers)).error).toMatchObject({ code: 'LIMIT_URLENCODED_SIZE', status: 413 });
    expect((await sendRaw(handler, body, { ...headers, 'content-length': String(body.length) })).error?.code).toBe('LIMIT_URLENCODED_SIZE');
  });

  it('enforces fields and fieldSize', async () => {
    const { handler } = memoryHandler({ limits: { fields: 2, fieldSize: 5 } });
    expect((await sendRaw(handler, Buffer.from('a=1&b=2&c=3'), form('').headers)).error?.code).toBe('LIMIT_FIELDS');
    expect((await sendRaw(handler, Buffer.from('a=1&b=2'), form('').headers)).error).toBeUndefined();
    expect((await sendRaw(handler, Buffer.from('a=1&b=2&'), form('').headers)).error).toBeUndefined();
    expect((await sendRaw(handler, Buffer.from('a=12345'), form('').headers)).error).toBeUndefined();
    expect((await sendRaw(handler, Buffer.from('a=123456'), form('').headers)).error?.code).toBe('LIMIT_FIELD_SIZE');
  });

  it('is refused with 415 when turned off', async () => {
    const { handler } = memoryHandler({ urlencoded: false });
    expect((await sendRaw(handler, Buffer.from('a=1'), form('').headers)).error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });
  });
});

describe('option validation', () => {
  it.each([{ fileSize: -1 }, { files: 1.5 }, { parts: Number.NaN }, { nope: 1 }])('refuses limits %j at creation', (limits) => {
    expect(() => memoryHandler({ limits: limits as never })).toThrow(TypeError);
  });
  it('refuses an unknown checksum and a missing storage', () => {
    expect(() => memoryHandler({ checksums: ['crc64' as never] })).toThrow(/unknown checksum/);
    expect(() => memoryHandler({ storage: undefined as never })).toThrow(/storage/);
  });
});
