import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMultipart } from '../testing/multipart-body.js';
import { memoryStorage } from '../storage/memory-storage.js';
import { createUploadHandler } from '../session/create-upload-handler.js';
import { Readable } from 'node:stream';
import { createConsoleLogger, silentLogger } from './logger.js';

describe('logging', () => {
  it('writes JSON lines at or above the level only', () => {
    const lines: string[] = [];
    const logger = createConsoleLogger('warn', (line) => lines.push(line));
    logger.debug('no');
    logger.info('no');
    logger.warn('yes', { a: 1 });
    logger.error('also');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['yes', 'also']);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', a: 1 });
  });

  it('is silent and records nothing unless asked', async () => {
    const handler = createUploadHandler({ storage: memoryStorage() });
    expect(handler.options.logger).toBe(silentLogger);
    expect(handler.options.recordDir).toBeUndefined();
    const writes: unknown[] = [];
    const original = process.stdout.write;
    const originalErr = process.stderr.write;
    process.stdout.write = ((chunk: unknown) => (writes.push(chunk), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: unknown) => (writes.push(chunk), true)) as typeof process.stderr.write;
    try {
      const { body, contentType } = buildMultipart([{ name: 'f', filename: 'a.txt', content: 'quiet' }]);
      await handler.handle({ headers: { 'content-type': contentType }, body: Readable.from([body]) });
      await handler.handle({ headers: { 'content-type': 'text/plain' }, body: Readable.from([body]) }).catch(() => {});
    } finally {
      process.stdout.write = original;
      process.stderr.write = originalErr;
    }
    expect(writes).toEqual([]);
  });

  it('records the raw request (headers line, then the exact body) when asked', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'sluice-rec-'));
    const { body, contentType } = buildMultipart([{ name: 'f', filename: 'a.txt', content: 'recorded' }]);
    const handler = createUploadHandler({ storage: memoryStorage(), record: { dir } });
    const result = await handler.handle({ headers: { 'content-type': contentType }, body: Readable.from([body]) });
    const file = path.join(dir, `${result.requestId}.http`);
    let saved = Buffer.alloc(0);
    for (let i = 0; i < 100 && saved.length < body.length; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      if ((await readdir(dir)).length) saved = await readFile(file);
    }
    const newline = saved.indexOf(0x0a);
    expect(JSON.parse(saved.subarray(0, newline).toString())).toMatchObject({ 'content-type': contentType });
    expect(saved.subarray(newline + 1).equals(body)).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});
