import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildMultipart } from '../../src/testing/multipart-body.js';
import { memoryHandler, send } from '../support.js';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

describe('a successful upload', () => {
  it('stores each file byte-exact under a dated random key and reports it', async () => {
    const { handler, storage } = memoryHandler({ checksums: ['sha256', 'md5', 'sha1', 'crc32c'] });
    const a = randomBytes(200_000);
    const b = Buffer.from('hello world');
    const { result, error, bodyLength } = await send(handler, [
      { name: 'title', value: 'holiday' },
      { name: 'photos', filename: 'a.bin', content: a },
      { name: 'photos', filename: 'b.txt', content: b, contentType: 'text/plain' },
      { name: 'tag', value: 'x' },
      { name: 'tag', value: 'y' },
    ]);
    expect(error).toBeUndefined();
    const photos = result!.files.photos!;
    expect(photos.map((file) => file.name)).toEqual(['a.bin', 'b.txt']);
    expect(storage.read(photos[0]!.key)!.equals(a)).toBe(true);
    expect(storage.read(photos[1]!.key)!.toString()).toBe('hello world');
    const now = new Date();
    expect(photos[0]!.key).toMatch(new RegExp(`^${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/[0-9a-f]{32}-a\\.bin$`));
    expect(photos[1]!).toMatchObject({ field: 'photos', size: 11, type: 'text/plain', declaredType: 'text/plain', detectedType: undefined });
    expect(photos[1]!.checksums).toEqual({
      sha256: sha256(b),
      md5: createHash('md5').update(b).digest('hex'),
      sha1: createHash('sha1').update(b).digest('hex'),
      crc32c: 'c99465aa',
    });
    expect(photos[0]!.checksums.sha256).toBe(sha256(a));
    expect(result!.fields.title).toBe('holiday');
    expect(result!.fields.tag).toEqual(['x', 'y']);
    expect(result!.incomplete).toEqual([]);
    expect(result!.stats).toMatchObject({ filesCompleted: 2, filesRemoved: 0, bytesWritten: a.length + b.length });
    expect(result!.stats.bytesReceived).toBe(bodyLength);
    expect(result!.stats.endTime).toBeGreaterThanOrEqual(result!.stats.startTime);
  });

  it('keeps UTF-8 file names intact', async () => {
    const { handler } = memoryHandler();
    const { result } = await send(handler, [{ name: 'f', filename: 'naïve 日本語 ✓.txt', content: 'x', contentType: 'text/plain' }]);
    const file = result!.files.f![0]!;
    expect(file.name).toBe('naïve 日本語 ✓.txt');
    expect(file.key.endsWith('-naïve 日本語 ✓.txt')).toBe(true);
  });

  it('stores a 0-byte file', async () => {
    const { handler, storage } = memoryHandler({ checksums: ['sha256'] });
    const { result } = await send(handler, [{ name: 'f', filename: 'empty.txt', content: '' }]);
    const file = result!.files.f![0]!;
    expect(file.size).toBe(0);
    expect(storage.read(file.key)!.length).toBe(0);
    expect(file.checksums.sha256).toBe(sha256(''));
  });

  it('groups fields in objects that cannot be prototype-polluted', async () => {
    const { handler } = memoryHandler();
    const { result } = await send(handler, [
      { name: '__proto__', value: 'polluted' },
      { name: 'constructor[prototype]', value: 'x' },
      { name: 'toString', value: 'y' },
      { name: '__proto__', filename: 'p.txt', content: 'z' },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result!.fields)).toBeNull();
    // biome-ignore lint/suspicious/noProto: a field named __proto__ is plain data here, which is what the test checks
    expect(result!.fields.__proto__).toBe('polluted');
    expect(result!.fields.toString).toBe('y');
    // biome-ignore lint/suspicious/noProto: a field named __proto__ is plain data here, which is what the test checks
    expect(result!.files.__proto__![0]!.size).toBe(1);
    expect(Object.hasOwn(Object.prototype, 'polluted')).toBe(false);
  });

  it('accepts a Web ReadableStream body', async () => {
    const { handler, storage } = memoryHandler();
    const data = randomBytes(100_000);
    const { body, contentType } = buildMultipart([{ name: 'f', filename: 'w.bin', content: data }]);
    const web = Readable.toWeb(Readable.from([body.subarray(0, 5000), body.subarray(5000)])) as ReadableStream<Uint8Array>;
    const result = await handler.handle({ headers: new Headers({ 'content-type': contentType }), body: web });
    expect(storage.read(result.files.f![0]!.key)!.equals(data)).toBe(true);
  });

  it('emits loadstart, progress, load per field and file, then loadend exactly once, in that order', async () => {
    const { handler } = memoryHandler({ progress: { chunks: 1 } });
    const global: string[] = [];
    handler.on('loadend', () => global.push('loadend'));
    const { events, result } = await send(
      handler,
      [
        { name: 'a', value: '1' },
        { name: 'f', filename: 'x.bin', content: randomBytes(10_000) },
      ],
      { chunkSize: 1000 },
    );
    const names = events.map((event) => event.type);
    expect(names[0]).toBe('loadstart');
    expect(names.at(-1)).toBe('loadend');
    expect(names.filter((name) => name === 'loadend')).toHaveLength(1);
    expect(global).toEqual(['loadend']);
    expect(names.filter((name) => name === 'load')).toHaveLength(2);
    const progress = events.filter((event) => event.type === 'progress');
    expect(progress.length).toBeGreaterThan(10);
    const last = progress.at(-1)!;
    expect(last.type === 'progress' && last.ratio).toBe(1);
    expect(last.type === 'progress' && last.bytesReceived).toBe(result!.stats.bytesReceived);
    const end = events.at(-1)!;
    expect(end.type === 'loadend' && end.result).toBe(result);
    for (const event of events) expect(event.requestId).toBe(result!.requestId);
    // Loads come in part order, and every progress event before the end.
    const loads = events.filter((event) => event.type === 'load');
    expect(loads.map((event) => (event.type === 'load' ? event.kind : ''))).toEqual(['field', 'file']);
    expect(names.lastIndexOf('progress')).toBeLessThan(names.indexOf('loadend'));
    const received = progress.map((event) => (event.type === 'progress' ? event.bytesReceived : 0));
    expect(received).toEqual([...received].sort((a, b) => a - b));
  });

  it('emits progress every N bytes: each step is at least N and less than N plus one chunk', async () => {
    const { handler } = memoryHandler({ progress: { bytes: 4096 } });
    const { events, result } = await send(handler, [{ name: 'f', filename: 'x.bin', content: randomBytes(40_000) }], { chunkSize: 1000 });
    const received = events.flatMap((event) => (event.type === 'progress' ? [event.bytesReceived] : []));
    expect(received.at(-1)).toBe(result!.stats.bytesReceived);
    const steps = received.slice(1, -1).map((bytes, i) => bytes - received[i]!);
    expect(received[0]).toBeGreaterThanOrEqual(4096);
    expect(steps.length).toBeGreaterThan(5);
    for (const step of steps) {
      expect(step).toBeGreaterThanOrEqual(4096);
      expect(step).toBeLessThan(4096 + 1000);
    }
  });

  it('isolates a listener that throws from the upload', async () => {
    const { handler } = memoryHandler();
    handler.on('load', () => {
      throw new Error('listener bug');
    });
    const { result, error } = await send(handler, [{ name: 'f', filename: 'x.txt', content: 'ok' }]);
    expect(error).toBeUndefined();
    expect(result!.files.f).toHaveLength(1);
  });
});
