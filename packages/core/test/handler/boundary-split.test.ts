import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildMultipart } from '../../src/testing/multipart-body.js';
import { memoryHandler } from '../support.js';

describe('a body split at every byte position', () => {
  // Content that contains boundary-like bytes, so the parser's partial-match
  // state is exercised at every split.
  const tricky = Buffer.concat([randomBytes(300), Buffer.from('\r\n--Xy\r\n--'), randomBytes(200)]);
  const { body, contentType, boundary } = buildMultipart(
    [
      { name: 'title', value: 'splits' },
      { name: 'f', filename: 'tricky.bin', content: tricky },
      { name: 'g', filename: 'tiny.txt', content: 'ok', contentType: 'text/plain' },
    ],
    'Xy-boundary-Xy',
  );

  it('parses identically wherever the chunks break (two chunks, every split point)', async () => {
    expect(boundary).toBe('Xy-boundary-Xy');
    const { handler, storage } = memoryHandler({ checksums: ['sha256'] });
    for (let split = 1; split < body.length; split++) {
      const result = await handler.handle({
        headers: { 'content-type': contentType },
        body: Readable.from([body.subarray(0, split), body.subarray(split)]),
      });
      const stored = storage.read(result.files.f![0]!.key)!;
      if (!stored.equals(tricky) || result.fields.title !== 'splits' || storage.read(result.files.g![0]!.key)!.toString() !== 'ok') {
        throw new Error(`wrong parse when split at byte ${split}`);
      }
      storage.clear();
    }
  });

  it('parses identically when every byte is its own chunk', async () => {
    const { handler, storage } = memoryHandler();
    const result = await handler.handle({ headers: { 'content-type': contentType }, body: Readable.from([...body].map((byte) => Buffer.from([byte]))) });
    expect(storage.read(result.files.f![0]!.key)!.equals(tricky)).toBe(true);
  });
});
