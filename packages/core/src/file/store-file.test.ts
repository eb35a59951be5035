import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { keys } from '../naming/key-strategies.js';
import { memoryStorage } from '../storage/memory-storage.js';
import type { FilePolicy } from './file-upload.js';
import { judgeType } from './judge-type.js';
import { planKey } from './plan-key.js';
import { storeFile } from './store-file.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

function policy(overrides: Partial<FilePolicy> = {}): FilePolicy & { storage: ReturnType<typeof memoryStorage> } {
  return { storage: memoryStorage(), maxBytes: Infinity, checksums: [], allowedTypes: undefined, key: keys.random(), keepPartial: false, ...overrides } as FilePolicy & {
    storage: ReturnType<typeof memoryStorage>;
  };
}

function chunks(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) parts.push(data.subarray(offset, offset + size));
  return Readable.from(parts);
}

describe('storeFile', () => {
  it('stores every byte under a planned key with the digests of what was stored', async () => {
    const p = policy({ checksums: ['sha256', 'crc32c'] });
    const data = Buffer.concat([Buffer.from('plain text first\n'), randomBytes(300_000)]);
    const stored = await storeFile(chunks(data, 7000), { field: 'file', name: '../a.txt', declaredType: 'text/plain' }, p);
    expect(stored).toMatchObject({ field: 'file', name: '../a.txt', safeName: 'a.txt', size: data.length, type: 'text/plain' });
    expect(stored.key).toMatch(/^[0-9a-f]{32}\.txt$/);
    expect(stored.checksums.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect(stored.checksums.crc32c).toMatch(/^[0-9a-f]{8}$/);
    expect(p.storage.keys()).toEqual([stored.key]);
  });

  it('takes a Web stream as well', async () => {
    const p = policy();
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(PNG));
        controller.close();
      },
    });
    const stored = await storeFile(web, { field: 'f', name: 'x.png', declaredType: 'image/png' }, p);
    expect(stored).toMatchObject({ type: 'image/png', detectedType: 'image/png', size: PNG.length });
  });

  it('refuses one byte over maxBytes with LIMIT_FILE_SIZE and leaves nothing stored', async () => {
    const p = policy({ maxBytes: 100_000 });
    const error = await storeFile(chunks(Buffer.alloc(100_001, 0x61), 8192), { field: 'f', name: 'a.txt', declaredType: 'text/plain' }, p).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'LIMIT_FILE_SIZE', status: 413 });
    expect(p.storage.keys()).toEqual([]);
    const exact = await storeFile(chunks(Buffer.alloc(100_000, 0x61), 8192), { field: 'f', name: 'a.txt', declaredType: 'text/plain' }, p);
    expect(exact.size).toBe(100_000);
  });

  it('refuses a type outside allowedTypes before a byte reaches storage', async () => {
    const p = policy({ allowedTypes: ['image/*'] });
    const error = await storeFile(chunks(Buffer.from('<html><script>x</script>'), 4), { field: 'f', name: 'a.png', declaredType: 'image/png' }, p).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TYPE_NOT_ALLOWED', status: 415 });
    expect(p.storage.keys()).toEqual([]);
  });

  it('stops on an aborted signal with CLIENT_ABORTED and removes the partial object', async () => {
    const p = policy();
    const controller = new AbortController();
    const source = new Readable({ read() {} });
    source.push(Buffer.concat([Buffer.from('text\n'), Buffer.alloc(10_000, 0x62)]));
    const pending = storeFile(source, { field: 'f', name: 'a.txt', declaredType: 'text/plain' }, p, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'CLIENT_ABORTED' });
    expect(p.storage.keys()).toEqual([]);
  });
});

describe('judgeType and planKey', () => {
  it('believes a signature type only when the bytes carry it', async () => {
    expect(await judgeType(PNG, 'image/png', 'x.png')).toMatchObject({ type: 'image/png', mismatch: false });
    expect(await judgeType(Buffer.from('not a png'), 'image/png', 'x.png')).toMatchObject({ type: 'application/octet-stream', mismatch: true });
    await expect(judgeType(Buffer.from('hello'), 'text/plain', 'a.txt', { allowedTypes: ['image/*'] })).rejects.toMatchObject({ code: 'TYPE_NOT_ALLOWED' });
  });

  it('refuses an unsafe key with INVALID_KEY', async () => {
    const context = { field: 'f', name: 'a', safeName: 'a', type: 'text/plain', requestId: 'r', request: undefined, now: new Date() };
    expect(await planKey(() => 'ok/a.txt', context)).toBe('ok/a.txt');
    for (const bad of ['../x', '/abs', 'a//b', 'a\\b', '']) await expect(planKey(() => bad, context)).rejects.toMatchObject({ code: 'INVALID_KEY', status: 500 });
  });
});
