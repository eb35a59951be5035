import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildMultipart, type TestPart } from '../../testing/multipart-body.js';
import { MultipartFramer } from './multipart-parser.js';

type FrameEvent = ['start', string[], string | undefined, number] | ['data', string] | ['end'] | ['close'] | ['malformed', string];

/** Frames `chunks` and returns what the sink saw, adjacent data merged (so splits do not show). */
function frame(boundary: string, chunks: readonly Buffer[]): FrameEvent[] {
  const events: FrameEvent[] = [];
  const framer = new MultipartFramer(boundary, {
    onPartStart: (headers) => void events.push(['start', headers.dispositions, headers.contentType, headers.lines]),
    onPartData: (data) => {
      const last = events[events.length - 1];
      if (last?.[0] === 'data') last[1] += data.toString('latin1');
      else events.push(['data', data.toString('latin1')]);
    },
    onPartEnd: () => void events.push(['end']),
    onClose: () => void events.push(['close']),
    onMalformed: (reason) => void events.push(['malformed', reason]),
  });
  for (const chunk of chunks) framer.write(chunk);
  return events;
}

const B = 'AaB03x';
const raw = (text: string): Buffer => Buffer.from(text, 'latin1');
const part = (name: string, content: string): string => `--${B}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${content}\r\n`;

function splitAt(body: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const point of [...points, body.length]) {
    if (point > last) out.push(body.subarray(last, point));
    last = point;
  }
  return out;
}

describe('MultipartFramer', () => {
  it('frames parts: headers, body, end, then the close delimiter', () => {
    expect(frame(B, [raw(`${part('a', 'one')}${part('b', '')}--${B}--\r\n`)])).toEqual([
      ['start', ['form-data; name="a"'], undefined, 1],
      ['data', 'one'],
      ['end'],
      ['start', ['form-data; name="b"'], undefined, 1],
      ['end'],
      ['close'],
    ]);
  });

  it('an empty form (`--boundary--`) closes with no parts', () => {
    expect(frame(B, [raw(`--${B}--\r\n`)])).toEqual([['close']]);
  });

  it('ignores the preamble, and finds the first delimiter after a CRLF or at the very start only', () => {
    expect(frame(B, [raw(`preamble text\r\n${part('a', 'v')}--${B}--`)])).toEqual(frame(B, [raw(`${part('a', 'v')}--${B}--`)]));
    // `--boundary` inside a preamble line is not a delimiter: the first one is the close delimiter.
    expect(frame(B, [raw(`junk--${B}\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${B}--`)])).toEqual([['close']]);
  });

  it('3 MiB of CRLF before the first boundary cost one linear pass', () => {
    const body = Buffer.concat([Buffer.from('\r\n'.repeat(1.5 * 1024 * 1024)), raw(`${part('a', 'v')}--${B}--`)]);
    const started = performance.now();
    const events = frame(
      B,
      splitAt(
        body,
        Array.from({ length: 48 }, (_, i) => i * 65536),
      ),
    );
    expect(performance.now() - started).toBeLessThan(1000);
    expect(events).toEqual([['start', ['form-data; name="a"'], undefined, 1], ['data', 'v'], ['end'], ['close']]);
  });

  it('accepts transport padding after a delimiter (RFC 2046), before the CRLF', () => {
    expect(frame(B, [raw(`--${B} \t \r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--${B}--`)])).toEqual([
      ['start', ['form-data; name="a"'], undefined, 1],
      ['data', 'v'],
      ['end'],
      ['close'],
    ]);
  });

  const malformed: Array<[string, string]> = [
    ['a delimiter followed by other bytes (busboy skips up to the next delimiter)', `${part('a', 'v')}--${B}zz\r\n${part('b', 'w')}--${B}--`],
    ['a delimiter followed by one dash and something else', `${part('a', 'v')}--${B}-x`],
    ['padding not ended by CRLF', `--${B}  x\r\n`],
    ['a delimiter line ended by a bare CR', `--${B}\rContent-Disposition: form-data; name="a"\r\n\r\n`],
    [
      'a part body that starts with the delimiter right after its blank line',
      `--${B}\r\nContent-Disposition: form-data; name="a"\r\n\r\n--${B}\r\nContent-Disposition: form-data; name="b"\r\n\r\nv\r\n--${B}--`,
    ],
    ['a bare LF in a header block', `--${B}\r\nContent-Disposition: form-data; name="a"\n\r\nv\r\n--${B}--`],
    ['a header block that meets a delimiter (fastify/busboy#121)', `--${B}\r\nContent-Disposition: form-data; name="b"\r\n--${B}--\r\n`],
    ['parts after the closing boundary', `${part('a', 'v')}--${B}--\r\n${part('b', 'w')}--${B}--`],
    ['the delimiter in the epilogue, whatever around it', `${part('a', 'v')}--${B}--\r\nepilogue --${B} more`],
  ];
  for (const [what, body] of malformed) {
    it(`malformed: ${what}, in one chunk and byte by byte`, () => {
      const whole = frame(B, [raw(body)]);
      expect(whole[whole.length - 1]?.[0]).toBe('malformed');
      expect(
        frame(
          B,
          splitAt(
            raw(body),
            Array.from({ length: body.length }, (_, i) => i),
          ),
        ),
      ).toEqual(whole);
    });
  }

  it('a plain epilogue is ignored, in the same chunk or later ones', () => {
    const body = raw(`${part('a', 'v')}--${B}--\r\nThis is the epilogue. --${B.slice(0, 5)} is not the boundary.`);
    expect(frame(B, [body])).toEqual([['start', ['form-data; name="a"'], undefined, 1], ['data', 'v'], ['end'], ['close']]);
    expect(frame(B, splitAt(body, [40, 70, 71, 90]))).toEqual(frame(B, [body]));
  });

  it('nothing after malformed or stop()', () => {
    const framer = new MultipartFramer(B, {
      onPartStart: () => framer.stop(),
      onPartData: () => expect.unreachable(),
      onPartEnd: () => expect.unreachable(),
      onClose: () => expect.unreachable(),
      onMalformed: () => expect.unreachable(),
    });
    framer.write(raw(`${part('a', 'v')}--${B}--`));
    framer.write(raw('more'));
  });

  it('a body of the boundary’s next-to-last byte (busboy’s slow case) parses byte-exact and fast', () => {
    for (const boundary of [B, 'x'.repeat(70), '----WebKitFormBoundaryAbCdEf0123456789']) {
      const content = Buffer.alloc(16 * 1024 * 1024, boundary.charCodeAt(boundary.length - 2));
      const { body } = buildMultipart([{ name: 'f', filename: 'a.bin', content }], boundary);
      const started = performance.now();
      let bytes = 0;
      let ok = true;
      const framer = new MultipartFramer(boundary, {
        onPartStart: () => {},
        onPartData: (data) => {
          ok &&= data.every((byte) => byte === content[0]);
          bytes += data.length;
        },
        onPartEnd: () => {},
        onClose: () => {},
        onMalformed: () => expect.unreachable(),
      });
      for (let offset = 0; offset < body.length; offset += 65536) framer.write(body.subarray(offset, offset + 65536));
      expect(framer.closed).toBe(true);
      expect(bytes).toBe(content.length);
      expect(ok).toBe(true);
      expect(performance.now() - started).toBeLessThan(3000);
    }
  });

  const boundaryArb = fc.constantFrom(B, 'a', 'a b', "'()+_,-./:=?", '-', 'x'.repeat(70), '----WebKitFormBoundaryAbCdEf0123456789');
  const content = (boundary: string) =>
    fc
      .array(fc.oneof(fc.constantFrom('\r', '\n', '-', '\r\n', '\r\n-', `\r\n--${boundary.slice(0, -1)}`, `--${boundary}`, boundary), fc.string({ maxLength: 6 })), { maxLength: 12 })
      .map((parts) => parts.join(''));
  const partsArb = (boundary: string): fc.Arbitrary<TestPart[]> =>
    fc.array(
      fc.oneof(
        fc.record({ name: fc.string({ minLength: 1, maxLength: 6 }), value: content(boundary) }),
        fc.record({ name: fc.string({ minLength: 1, maxLength: 6 }), filename: fc.string({ maxLength: 6 }), content: content(boundary) }),
      ),
      { maxLength: 5 },
    );

  it('property: any split of a valid body frames exactly like the unsplit body, with every byte of content', () => {
    fc.assert(
      fc.property(
        boundaryArb.chain((boundary) => fc.tuple(fc.constant(boundary), partsArb(boundary))),
        fc.array(fc.nat(), { maxLength: 16 }),
        ([boundary, parts], cuts) => {
          // Content that would contain the delimiter is not valid multipart: the property is about valid bodies.
          fc.pre(parts.every((p) => !`\r\n${'value' in p ? p.value : p.content}\r\n`.includes(`\r\n--${boundary}`)));
          const { body } = buildMultipart(parts, boundary);
          const whole = frame(boundary, [body]);
          expect(whole.filter((event) => event[0] === 'data').map((event) => event[1])).toEqual(
            parts.map((p) => Buffer.from('value' in p ? p.value : (p.content as string)).toString('latin1')).filter((text) => text !== ''),
          );
          expect(whole[whole.length - 1]).toEqual(['close']);
          expect(frame(boundary, splitAt(body, cuts))).toEqual(whole);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('property: any split of any body (valid or not) frames like the unsplit body', () => {
    const valid = buildMultipart(
      [
        { name: 'title', value: 't' },
        { name: 'f', filename: 'a.bin', content: randomBytes(200) },
      ],
      B,
    ).body;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.nat({ max: valid.length }),
            insert: fc.constantFrom('', '\r', '\n', '\r\n', '-', ' ', `\r\n--${B}`, `--${B}--`, `--${B}\r\n`, 'x', 'Content-Type: a/b\r\n'),
            cut: fc.boolean(),
          }),
          { maxLength: 4 },
        ),
        fc.array(fc.nat(), { maxLength: 16 }),
        (mutations, cuts) => {
          let body = valid;
          for (const { at, insert, cut } of mutations)
            body = Buffer.concat([body.subarray(0, Math.min(at, body.length)), raw(insert), cut ? Buffer.alloc(0) : body.subarray(Math.min(at, body.length))]);
          expect(frame(B, splitAt(body, cuts))).toEqual(frame(B, [body]));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
