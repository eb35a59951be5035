import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStorage } from '../storage/memory-storage.js';
import { storeBody } from './store-body.js';

describe('storeBody', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sluice-store-'));
    file = path.join(dir, 'data.bin');
    await writeFile(file, Buffer.from('0123456789'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each([
    ['a utf8 string', 'héllo', undefined, 'héllo'],
    ['a base64 string', Buffer.from('hi there').toString('base64'), 'base64', 'hi there'],
    ['a Buffer', Buffer.from('buf'), undefined, 'buf'],
    ['a Uint8Array view', new Uint8Array(Buffer.from('xxviewxx')).subarray(2, 6), undefined, 'view'],
    ['a Node Readable', Readable.from([Buffer.from('no'), Buffer.from('de')]), undefined, 'node'],
    ['a Web ReadableStream', new Blob(['web']).stream(), undefined, 'web'],
  ] as const)('stores %s', async (_label, body, encoding, expected) => {
    const storage = memoryStorage();
    const put = await storeBody(storage, 'k.txt', body as never, { encoding: encoding as BufferEncoding | undefined });
    expect(storage.read('k.txt')!.toString()).toBe(expected);
    expect(put.size).toBe(Buffer.byteLength(expected));
  });

  it('stores a file path, whole or an inclusive byte range', async () => {
    const storage = memoryStorage();
    await storeBody(storage, 'all', { path: file });
    await storeBody(storage, 'range', { path: file, start: 2, end: 5 });
    await storeBody(storage, 'from', { path: file, start: 7 });
    expect(storage.read('all')!.toString()).toBe('0123456789');
    expect(storage.read('range')!.toString()).toBe('2345');
    expect(storage.read('from')!.toString()).toBe('789');
  });

  it.each([
    [42, TypeError],
    [{ nope: true }, TypeError],
    [null, TypeError],
  ])('refuses %j with a TypeError', async (body, type) => {
    await expect(storeBody(memoryStorage(), 'k', body as never)).rejects.toThrow(type);
  });

  it('refuses bad ranges and unsafe keys', async () => {
    await expect(storeBody(memoryStorage(), 'k', { path: file, start: 5, end: 2 })).rejects.toThrow(TypeError);
    await expect(storeBody(memoryStorage(), 'k', { path: file, start: -1 })).rejects.toThrow(TypeError);
    await expect(storeBody(memoryStorage(), 'k', { path: file, start: 99 })).rejects.toThrow(RangeError);
    await expect(storeBody(memoryStorage(), '../k', 'x')).rejects.toThrow(/unsafe key/);
    await expect(storeBody(memoryStorage(), 'k', { path: dir })).rejects.toThrow(/not a file/);
  });
});
