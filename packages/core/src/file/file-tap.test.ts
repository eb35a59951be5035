import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FileTap, type FileTapOptions } from './file-tap.js';

function tap(options: Partial<FileTapOptions> = {}): FileTap {
  return new FileTap({ maxBytes: Infinity, checksums: [], headBytes: 8, onHead: async () => {}, ...options });
}

async function readAll(stream: FileTap): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('FileTap', () => {
  it('passes every byte on, in order, with the digests of what went through', async () => {
    const t = tap({ checksums: ['sha256'] });
    const parts = ['abc', 'defghij', 'klmnop', 'q'].map((s) => Buffer.from(s));
    const out = readAll(t);
    for (const part of parts) t.feed(part);
    t.finish();
    expect((await out).toString()).toBe('abcdefghijklmnopq');
    expect(t.bytes).toBe(17);
    expect(t.allBytesIn).toBe(true);
    expect(t.checksums.sha256).toBe(createHash('sha256').update('abcdefghijklmnopq').digest('hex'));
  });

  it('holds the first bytes back until onHead resolves, queueing later chunks behind them', async () => {
    let decide!: () => void;
    const heads: string[] = [];
    const t = tap({ onHead: (head) => (heads.push(head.toString()), new Promise<void>((resolve) => (decide = resolve))) });
    const seen: string[] = [];
    t.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    expect(t.feed(Buffer.from('12345'))).toBe(true);
    expect(t.feed(Buffer.from('6789'))).toBe(false); // the head is complete: pause while deciding
    expect(t.feed(Buffer.from('late'))).toBe(false); // a chunk the source delivered before its pause took
    await new Promise((resolve) => setImmediate(resolve));
    expect(heads).toEqual(['123456789']);
    expect(seen).toEqual([]);
    let resumed = 0;
    t.onWantMore = () => (resumed += 1);
    decide();
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.join('')).toBe('123456789late');
    expect(resumed).toBe(1);
  });

  it('decides on a file shorter than the head when it ends', async () => {
    const heads: string[] = [];
    const t = tap({ headBytes: 100, onHead: async (head) => void heads.push(head.toString()) });
    const out = readAll(t);
    t.feed(Buffer.from('short'));
    t.finish();
    expect((await out).toString()).toBe('short');
    expect(heads).toEqual(['short']);
  });

  it('fails with the refusal from onHead and passes nothing on', async () => {
    const refusal = new Error('type not allowed');
    const t = tap({ onHead: async () => Promise.reject(refusal) });
    const seen: Buffer[] = [];
    t.on('data', (chunk: Buffer) => seen.push(chunk));
    const failed = new Promise((resolve) => t.on('error', resolve));
    t.feed(Buffer.from('0123456789'));
    expect(await failed).toBe(refusal);
    expect(seen).toEqual([]);
    expect(t.allBytesIn).toBe(false);
  });

  it('accepts exactly maxBytes and refuses one byte more with LIMIT_FILE_SIZE', async () => {
    const exact = tap({ maxBytes: 10 });
    const out = readAll(exact);
    exact.feed(Buffer.alloc(6));
    exact.feed(Buffer.alloc(4));
    exact.finish();
    expect((await out).length).toBe(10);

    const over = tap({ maxBytes: 10 });
    over.resume();
    const failed = new Promise<Error>((resolve) => over.on('error', resolve));
    over.feed(Buffer.alloc(6));
    expect(over.feed(Buffer.alloc(5))).toBe(false);
    expect(await failed).toMatchObject({ code: 'LIMIT_FILE_SIZE', status: 413 });
  });

  it('asks its source to pause when nobody reads, and to resume once storage reads again', async () => {
    const t = tap({ headBytes: 0 });
    let resumed = 0;
    t.onWantMore = () => (resumed += 1);
    t.feed(Buffer.alloc(1)); // decides the (empty) head
    await new Promise((resolve) => setImmediate(resolve));
    let accepted = 0;
    while (t.feed(Buffer.alloc(16 * 1024))) accepted += 1;
    expect(accepted).toBeLessThan(8); // bounded by the high-water mark, not by the file
    const before = resumed;
    t.read();
    t.read();
    expect(resumed).toBe(before + 1);
  });
});
