import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type UploadLimits } from '../options/limits.js';
import { buildMultipart, chunked, type TestPart } from '../testing/multipart-body.js';
import { createBusboyParser } from './busboy-parser.js';
import { createFastifyBusboyParser } from './fastify-busboy-parser.js';
import { BOUNDARY, CHUNKINGS, SHARED_BODIES, againstBusboy, parse, type CreateParser, type Outcome } from '../../test/parser-harness.js';

const ENGINES: Array<[string, CreateParser]> = [
  ['busboy', createBusboyParser],
  ['@fastify/busboy', createFastifyBusboyParser],
];

/** Runs `chunks` through both engines and returns [busboy, @fastify/busboy]. */
const both = (contentType: string, chunks: readonly Buffer[], limits: Partial<UploadLimits> = {}, fileDelayMs = 0): Promise<[Outcome, Outcome]> =>
  againstBusboy(createFastifyBusboyParser, contentType, chunks, limits, fileDelayMs);

const BODIES = SHARED_BODIES;

describe('@fastify/busboy engine gives the same parts as the busboy engine', () => {
  for (const [title, parts] of BODIES) {
    for (const [how, split] of CHUNKINGS) {
      it(`${title} (${how})`, async () => {
        const { body, contentType } = buildMultipart(parts, BOUNDARY);
        const [a, b] = await both(contentType, split(body));
        expect(a.end).toBe('finish');
        expect(b).toEqual({ ...a, pausedWrites: b.pausedWrites });
      });
    }
  }

  it('an application/octet-stream part without a filename is a file in both', async () => {
    const { body, contentType } = buildMultipart([{ name: 'blob', value: 'raw', contentType: 'application/octet-stream' }], BOUNDARY);
    const [a, b] = await both(contentType, [body]);
    expect(a.seen).toEqual([{ type: 'file', field: 'blob', filename: undefined, mimeType: 'application/octet-stream', content: 'raw' }]);
    expect(b.seen).toEqual(a.seen);
  });

  const header = (lines: string): Buffer => Buffer.from(`--${BOUNDARY}\r\n${lines}\r\n\r\nx\r\n--${BOUNDARY}--\r\n`);
  const REFUSED_PARTS: Array<[string, Buffer]> = [
    ['no Content-Disposition', header('Content-Type: text/plain')],
    ['a Content-Disposition folded onto a second line', header('Content-Disposition: form-data; name="f"\r\n filename="a.txt"')],
    ['two Content-Disposition headers', header('Content-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Disposition: form-data; name="f"; filename="a.php"')],
    ['a disposition that is attachment, not form-data', header('Content-Disposition: attachment; name="f"; filename="a.txt"')],
  ];
  for (const [title, body] of REFUSED_PARTS) {
    it(`a part with ${title} is refused by both, never skipped silently`, async () => {
      for (const [, split] of CHUNKINGS) {
        const [a, b] = await both(`multipart/form-data; boundary=${BOUNDARY}`, split(body));
        expect(a.end).toBe('error');
        expect(b.end).toBe('error');
        expect(b.seen.filter((part) => part.type === 'file')).toEqual([]);
      }
    });
  }

  it('headerPairs: exactly the limit of header lines is accepted, one more is refused, as with busboy', async () => {
    const exact = header('Content-Disposition: form-data; name="a"\r\nX-One: 1\r\nX-Two: 2');
    const over = header('Content-Disposition: form-data; name="a"\r\nX-One: 1\r\nX-Two: 2\r\nX-Three: 3');
    const [a, b] = await both(`multipart/form-data; boundary=${BOUNDARY}`, [exact], { headerPairs: 3 });
    expect(a.end).toBe('finish');
    expect(b).toEqual({ ...a, pausedWrites: b.pausedWrites });
    const [c, d] = await both(`multipart/form-data; boundary=${BOUNDARY}`, [over], { headerPairs: 3 });
    expect(c.end).toBe('limit:headerPairs');
    expect(d.end).toBe('limit:headerPairs');
  });

  it('a body cut off mid-file is an error in both, never a hang', async () => {
    const { body, contentType } = buildMultipart([{ name: 'f', filename: 'a.bin', content: randomBytes(5000) }], BOUNDARY);
    const [a, b] = await both(contentType, chunked(body.subarray(0, 3000), 512));
    expect(a.end).toBe('error');
    expect(b.end).toBe('error');
  });

  it('a plain-text epilogue is ignored, in the same chunk or a later one', async () => {
    const { body, contentType } = buildMultipart([{ name: 'a', value: 'v' }], BOUNDARY);
    for (const chunks of [[Buffer.concat([body, Buffer.from('a note for MIME readers')])], [body, Buffer.from('a note for MIME readers')]]) {
      const outcome = await parse(createFastifyBusboyParser, contentType, chunks);
      expect(outcome).toMatchObject({ end: 'finish', seen: [{ name: 'a', value: 'v' }] });
    }
  });

  it('fastify/busboy#228: an epilogue in a later write still finishes', async () => {
    const { body, contentType } = buildMultipart([{ name: 'a', value: 'v' }], BOUNDARY);
    const [a, b] = await both(contentType, [body, Buffer.from('epilogue')]);
    expect(a.end).toBe('finish');
    expect(b).toMatchObject({ end: 'finish', seen: a.seen });
  });

  it('fastify/busboy#121: a header block that never completes ends (finish or error), never a hang', async () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="b"\r\n--${BOUNDARY}--\r\n`);
    for (const [, split] of CHUNKINGS) {
      const [a, b] = await both(`multipart/form-data; boundary=${BOUNDARY}`, split(body));
      expect(a.end).not.toBe('hang');
      expect(b.end).not.toBe('hang');
    }
  });

  it('backpressure: a slow file consumer pauses the writer, and every byte arrives', async () => {
    const content = randomBytes(256 * 1024);
    const { body, contentType } = buildMultipart([{ name: 'f', filename: 'big.bin', content }], BOUNDARY);
    const [a, b] = await both(contentType, chunked(body, 64 * 1024), {}, 2);
    for (const outcome of [a, b]) {
      expect(outcome.end).toBe('finish');
      expect(outcome.pausedWrites).toBeGreaterThan(0);
      expect(outcome.seen[0]).toMatchObject({ type: 'file', content: content.toString('latin1') });
    }
  });

  it('destroy mid-file ends the file stream in both (no stream left open)', async () => {
    for (const [, create] of ENGINES) {
      const { body, contentType } = buildMultipart([{ name: 'f', filename: 'a.bin', content: randomBytes(100_000) }], BOUNDARY);
      const closed = await new Promise<boolean>((resolve) => {
        const parser = create(contentType, DEFAULT_LIMITS, {
          onFile(stream) {
            stream.once('data', () => parser.destroy());
            stream.on('close', () => resolve(true));
            stream.resume();
          },
          onField: () => {},
          onLimit: () => {},
          onError: () => {},
          onFinish: () => resolve(false),
        });
        parser.write(body.subarray(0, 40_000));
        setTimeout(() => resolve(false), 2000);
      });
      expect(closed).toBe(true);
    }
  });
});

describe('@fastify/busboy engine on malformed bodies: an error where busboy has one, never a hang', () => {
  const B = 'FzB';
  const type = `multipart/form-data; boundary=${B}`;
  const fuzz = (): Buffer => {
    // The core's fuzz counterexample for busboy 1.6 (see busboy-parser.ts).
    const valid = buildMultipart(
      [
        { name: 'title', value: 't' },
        { name: 'f', filename: 'a.bin', content: 'abc' },
        { name: 'g', filename: 'b.txt', content: 'second' },
      ],
      B,
    ).body;
    valid[valid.length - `\r\n--${B}--\r\n`.length] = 0;
    return Buffer.concat([Buffer.from(`\r\n--${B}--`), valid]);
  };
  const cases: Array<[string, () => Buffer, Outcome['end'] | undefined]> = [
    ['a body that ends mid-file', () => Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhalf a fi`), undefined],
    ['a closing boundary cut short', () => Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${B}-`), undefined],
    ['an empty body', () => Buffer.alloc(0), undefined],
    ['a body whose boundary differs from the header', () => Buffer.from(`--Other\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--Other--\r\n`), undefined],
    ['a part header starting with a space (dicer CVE-2022-24434)', () => Buffer.from(`--${B}\r\n Content-Disposition: form-data; name="a"\r\n\r\nv\r\n--${B}--\r\n`), undefined],
    // Parts after the closing delimiter: refused in every chunking here (busboy
    // with the core's guard refuses it in one chunk and finishes when split).
    ['a closing boundary first, then a broken body (busboy 1.6 hang found by fuzzing)', fuzz, 'error'],
  ];
  for (const [title, make, fastifyEnd] of cases) {
    for (const [how, split] of CHUNKINGS) {
      it(`${title} (${how})`, async () => {
        const body = make();
        const [a, b] = await both(type, body.length ? split(body) : []);
        expect(a.end).not.toBe('hang');
        if (make !== fuzz) expect(a.end).toBe('error');
        expect(b.end).toBe(fastifyEnd ?? a.end);
        if (b.end === 'finish') expect(b.seen.filter((part) => part.type === 'file')).toEqual([]);
      });
    }
  }
});

describe('@fastify/busboy engine: exactly the limit is accepted, one more is refused', () => {
  const file = (i: number): TestPart => ({ name: 'f', filename: `${i}.bin`, content: 'x' });
  const field = (i: number): TestPart => ({ name: `k${i}`, value: 'v' });
  const cases: Array<{ limit: keyof UploadLimits; n: number; at: (n: number) => TestPart[]; refusedAs: Outcome['end'] | 'refused-field' }> = [
    { limit: 'files', n: 3, at: (n) => Array.from({ length: n }, (_, i) => file(i)), refusedAs: 'limit:files' },
    { limit: 'fields', n: 5, at: (n) => Array.from({ length: n }, (_, i) => field(i)), refusedAs: 'limit:fields' },
    { limit: 'parts', n: 4, at: (n) => [...Array.from({ length: n - 1 }, (_, i) => field(i)), file(0)], refusedAs: 'limit:parts' },
    // UTF-8 bytes count: 50 × 'é' is exactly 100 bytes, one 'x' more is 101.
    { limit: 'fieldSize', n: 100, at: (n) => [{ name: 'big', value: 'é'.repeat(n / 2) }], refusedAs: 'refused-field' },
  ];

  for (const { limit, n, at, refusedAs } of cases) {
    for (const [how, split] of CHUNKINGS) {
      it(`${limit} = ${n}: ${n} accepted, ${n + 1} refused, as with busboy (${how})`, async () => {
        const exact = buildMultipart(at(n), BOUNDARY);
        const over = buildMultipart(limit === 'fieldSize' ? [{ name: 'big', value: `${'é'.repeat(n / 2)}x` }] : at(n + 1), BOUNDARY);
        const [a, b] = await both(exact.contentType, split(exact.body), { [limit]: n });
        expect(a.end).toBe('finish');
        expect(b).toEqual({ ...a, pausedWrites: b.pausedWrites });
        expect(b.seen.some((part) => part.type === 'field' && part.refused)).toBe(false);

        const [c, d] = await both(over.contentType, split(over.body), { [limit]: n });
        if (refusedAs === 'refused-field') {
          expect(c.seen).toEqual([{ type: 'field', name: 'big', value: '', refused: true }]);
          expect(d.seen).toEqual(c.seen);
        } else {
          expect(c.end).toBe(refusedAs);
          expect(d.end).toBe(refusedAs);
        }
      });
    }
  }

  it('urlencoded: exactly `fields` fields are accepted even with a trailing "&"; one more is refused', async () => {
    const type = 'application/x-www-form-urlencoded';
    for (const [, split] of CHUNKINGS) {
      const exact = await parse(createFastifyBusboyParser, type, split(Buffer.from('a=1&b=2&')), { fields: 2 });
      expect(exact).toMatchObject({
        end: 'finish',
        seen: [
          { name: 'a', value: '1' },
          { name: 'b', value: '2' },
        ],
      });
      const over = await parse(createFastifyBusboyParser, type, split(Buffer.from('a=1&b=2&c=3')), { fields: 2 });
      expect(over.end).toBe('limit:fields');
    }
  });

  it('urlencoded: the same fields as busboy for an ordinary form', async () => {
    const body = Buffer.from('name=J%C3%BCrgen+M&empty=&flag&x=1%262');
    for (const [, split] of CHUNKINGS) {
      const [a, b] = await both('application/x-www-form-urlencoded', split(body));
      expect(a.end).toBe('finish');
      expect(b).toEqual({ ...a, pausedWrites: b.pausedWrites });
    }
  });
});
