import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type UploadLimits } from '../limits/limits.js';
import { buildMultipart, chunked, type TestPart } from '../testing/multipart-body.js';
import { createSluiceParser } from './sluice-parser.js';
import { BOUNDARY, CHUNKINGS, SHARED_BODIES, againstBusboy, parse, type Outcome } from '../../test/parser-harness.js';

/** Runs `chunks` through both engines and returns [busboy, sluice]. */
const both = (contentType: string, chunks: readonly Buffer[], limits: Partial<UploadLimits> = {}, fileDelayMs = 0): Promise<[Outcome, Outcome]> =>
  againstBusboy(createSluiceParser, contentType, chunks, limits, fileDelayMs);

const TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

const BODIES: Array<[string, TestPart[]]> = [
  // filename="" is read differently on purpose (a file, or skipped when empty): multipart/form-reader.test.ts.
  ...SHARED_BODIES.filter(([title]) => !title.includes('filename=""')),
  ['a latin1 field (charset parameter)', [{ name: 'l', value: 'caf\u00e9', contentType: 'text/plain; charset=ISO-8859-1' }]],
  ['a field whose value looks like a header block', [{ name: 'h', value: 'Content-Disposition: form-data; name="x"\r\n\r\nnot a part' }]],
  // Valid content may hold `--boundary` when no CRLF precedes it, and any proper prefix of the delimiter.
  [
    'boundary prefixes and a dash-boundary not after CRLF inside a file',
    [{ name: 'f', filename: 'p.bin', content: `\r\n--${BOUNDARY.slice(0, -1)}\r\n\r\n--${BOUNDARY.slice(0, -1)}x--${BOUNDARY}--\r` }],
  ],
];

const header = (lines: string, body = 'x'): Buffer => Buffer.from(`--${BOUNDARY}\r\n${lines}\r\n\r\n${body}\r\n--${BOUNDARY}--\r\n`);

describe('sluice engine gives the same parts as the busboy engine', () => {
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

  it('an application/octet-stream part without a filename is a file; a file without Content-Type is text/plain (busboy 1.6)', async () => {
    const { body, contentType } = buildMultipart([{ name: 'blob', value: 'raw', contentType: 'application/octet-stream' }], BOUNDARY);
    const [a, b] = await both(contentType, [body]);
    expect(a.seen).toEqual([{ type: 'file', field: 'blob', filename: undefined, mimeType: 'application/octet-stream', content: 'raw' }]);
    expect(b.seen).toEqual(a.seen);
    const [c, d] = await both(TYPE, [header('Content-Disposition: form-data; name="f"; filename="a.bin"')]);
    expect(c.seen).toEqual([{ type: 'file', field: 'f', filename: 'a.bin', mimeType: 'text/plain', content: 'x' }]);
    expect(d.seen).toEqual(c.seen);
  });

  it('filename* wins over filename, and the parsing details agree (unparseable Content-Type, nameless part)', async () => {
    const headers = [
      `Content-Disposition: form-data; name="f"; filename="safe.txt"; filename*=UTF-8''..%2F..%2Fevil.php\r\nContent-Type: text/plain`,
      'Content-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: not a type',
      'Content-Disposition: form-data; filename="nameless.txt"',
      'Content-Disposition: FORM-DATA; NAME=bare; FILENAME=tok.en\r\ncontent-type: Image/PNG; q=1',
    ];
    for (const lines of headers) {
      const [a, b] = await both(TYPE, [header(lines)]);
      expect(a.end).toBe('finish');
      expect(b).toEqual({ ...a, pausedWrites: b.pausedWrites });
    }
  });

  const REFUSED_PARTS: Array<[string, Buffer]> = [
    ['no Content-Disposition', header('Content-Type: text/plain')],
    ['a Content-Disposition folded onto a second line', header('Content-Disposition: form-data; name="f"\r\n filename="a.txt"')],
    ['two Content-Disposition headers', header('Content-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Disposition: form-data; name="f"; filename="a.php"')],
    ['a disposition that is attachment, not form-data', header('Content-Disposition: attachment; name="f"; filename="a.txt"')],
    ['an unparseable disposition', header('Content-Disposition: form-data; name="f" filename="a.txt"')],
    ['a NUL byte in the header', header('Content-Disposition: form-data; name="f"; filename="evil.php\0.png"')],
    ['a header block over 16 KiB', header(`Content-Disposition: form-data; name="f"\r\nX-Big: ${'b'.repeat(17 * 1024)}`)],
    ['bare LF line endings', Buffer.from(`--${BOUNDARY}\nContent-Disposition: form-data; name="a"\n\nv\n--${BOUNDARY}--\n`)],
    ['an empty header block', header('')],
  ];
  it('a repeated disposition parameter is refused (RFC 6266 §4.1), where busboy takes the first', async () => {
    for (const lines of ['Content-Disposition: form-data; name="first"; name="second"', 'Content-Disposition: form-data; name="f"; filename="safe.txt"; filename="evil.php"']) {
      const [busboyEngine, ours] = await both(TYPE, [header(lines)]);
      expect(busboyEngine.end).toBe('finish');
      expect(ours.end).toBe('error');
      expect(ours.seen).toEqual([]);
    }
  });

  for (const [title, body] of REFUSED_PARTS) {
    it(`a part with ${title} is refused by both, never skipped silently`, async () => {
      for (const [, split] of CHUNKINGS) {
        const [a, b] = await both(TYPE, split(body));
        expect(a.end).toBe('error');
        expect(b.end).toBe('error');
        expect(b.seen).toEqual([]);
      }
    });
  }

  it('headerPairs: exactly the limit of header lines is accepted, one more is refused', async () => {
    const exact = header('Content-Disposition: form-data; name="a"\r\nX-One: 1\r\nX-Two: 2');
    const over = header('Content-Disposition: form-data; name="a"\r\nX-One: 1\r\nX-Two: 2\r\nX-Three: 3');
    const [a, b] = await both(TYPE, [exact], { headerPairs: 3 });
    expect(a.end).toBe('finish');
    expect(b).toEqual({ ...a, pausedWrites: b.pausedWrites });
    const [c, d] = await both(TYPE, [over], { headerPairs: 3 });
    expect(c.end).toBe('limit:headerPairs');
    expect(d.end).toBe('limit:headerPairs');
  });

  it('a plain-text epilogue is ignored, in the same chunk or a later one; the delimiter in it is refused', async () => {
    const { body, contentType } = buildMultipart([{ name: 'a', value: 'v' }], BOUNDARY);
    for (const chunks of [[Buffer.concat([body, Buffer.from('a note for MIME readers')])], [body, Buffer.from('a note for MIME readers')]]) {
      expect(await parse(createSluiceParser, contentType, chunks)).toMatchObject({ end: 'finish', seen: [{ name: 'a', value: 'v' }] });
    }
    for (const chunks of [[Buffer.concat([body, body])], [body, body], chunked(Buffer.concat([body, body]), 5)]) {
      expect((await parse(createSluiceParser, contentType, chunks)).end).toBe('error');
    }
  });

  it('fastify/busboy#121: a header block that never completes is an error, never a hang', async () => {
    const body = Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="b"\r\n--${BOUNDARY}--\r\n`);
    for (const [, split] of CHUNKINGS) expect((await parse(createSluiceParser, TYPE, split(body))).end).toBe('error');
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

  it('backpressure: a file that ends in the same write that filled it still drains the writer', async () => {
    // Many small files in one chunk, each read slowly: every one refuses a push and ends at once.
    const parts = Array.from({ length: 8 }, (_, i) => ({ name: 'f', filename: `${i}.bin`, content: randomBytes(40_000) }));
    const { body, contentType } = buildMultipart(parts, BOUNDARY);
    const outcome = await parse(createSluiceParser, contentType, [body, Buffer.from('epilogue')], {}, 2);
    expect(outcome.end).toBe('finish');
    expect(outcome.seen.map((seen) => (seen.type === 'file' ? seen.content.length : 0))).toEqual(parts.map(() => 40_000));
  });
});

describe('sluice engine on malformed bodies: an error wherever busboy has one', () => {
  const B = 'FzB';
  const type = `multipart/form-data; boundary=${B}`;
  const fuzz = (): Buffer => {
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
  const cases: Array<[string, () => Buffer]> = [
    ['a body that ends mid-file', () => Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhalf a fi`)],
    ['a closing boundary cut short', () => Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${B}-`)],
    ['an empty body', () => Buffer.alloc(0)],
    ['a body whose boundary differs from the header', () => Buffer.from(`--Other\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--Other--\r\n`)],
    ['a body using a prefix of the boundary', () => Buffer.from(`--F\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--F--\r\n`)],
    ['a part header starting with a space (dicer CVE-2022-24434)', () => Buffer.from(`--${B}\r\n Content-Disposition: form-data; name="a"\r\n\r\nv\r\n--${B}--\r\n`)],
    ['a closing boundary first, then a broken body (busboy 1.6 hang found by fuzzing)', fuzz],
  ];
  for (const [title, make] of cases) {
    for (const [how, split] of CHUNKINGS) {
      it(`${title} (${how})`, async () => {
        const body = make();
        const outcome = await parse(createSluiceParser, type, body.length ? split(body) : []);
        expect(outcome.end).toBe('error');
        expect(outcome.seen.filter((part) => part.type === 'file' && part.content !== '')).toEqual([]);
      });
    }
  }

  it('at the end of a body cut mid-file: onError first, then the open file stream is destroyed with that error', async () => {
    const order: string[] = [];
    const parser = createSluiceParser(type, DEFAULT_LIMITS, {
      onFile(stream) {
        stream.on('error', (error) => order.push(`stream error: ${error.message}`));
        stream.resume();
      },
      onField: () => {},
      onLimit: () => order.push('limit'),
      onError: (error) => order.push(`onError: ${error.message}`),
      onFinish: () => order.push('finish'),
    });
    parser.write(Buffer.from(`--${B}\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\n\r\nhalf a fi`));
    parser.end();
    await new Promise((resolve) => setImmediate(resolve));
    // The stream's own listener reports it a second time (the engine ignores it).
    expect(order).toEqual(['onError: Unexpected end of form', 'onError: Unexpected end of form', 'stream error: Unexpected end of form']);
  });
});
