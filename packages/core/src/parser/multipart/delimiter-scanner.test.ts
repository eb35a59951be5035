import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DelimiterScanner, NOT_FOUND, partialMatchStart } from './delimiter-scanner.js';

const DELIMITER = Buffer.from('\r\n--AaB03x');

/**
 * Feeds `chunks` through a scanner and returns the data between delimiters.
 * A final delimiter is fed as its own chunk, so that bytes carried at the end
 * are resolved (a stream never ends inside a part's data without an error).
 */
function segments(chunks: readonly Buffer[], virtualCrlf = false, delimiter = DELIMITER): { data: string[]; virtualAt: number[] } {
  const scanner = new DelimiterScanner(delimiter);
  scanner.reset(virtualCrlf);
  const data: string[] = [''];
  const virtualAt: number[] = [];
  for (const chunk of [...chunks, delimiter]) {
    let pos = 0;
    while (pos < chunk.length) {
      const end = scanner.next(chunk, pos, (bytes) => (data[data.length - 1] += bytes.toString('latin1')));
      if (end === NOT_FOUND) break;
      if (scanner.matchedVirtual) virtualAt.push(data.length - 1);
      data.push('');
      pos = end;
    }
  }
  return { data, virtualAt };
}

/** The reference: split the whole stream (and the final delimiter) at every delimiter, leftmost first. */
function reference(whole: Buffer, delimiter = DELIMITER): string[] {
  return Buffer.concat([whole, delimiter]).toString('latin1').split(delimiter.toString('latin1'));
}

function splitAt(body: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let last = 0;
  for (const point of points) {
    out.push(body.subarray(last, point));
    last = point;
  }
  out.push(body.subarray(last));
  return out.filter((chunk) => chunk.length > 0);
}

describe('DelimiterScanner', () => {
  it('finds delimiters in one chunk and emits the bytes between them', () => {
    const body = Buffer.from('first\r\n--AaB03xsecond\r\n--AaB03x');
    expect(segments([body]).data).toEqual(['first', 'second', '', '']);
  });

  it('hands data on as slices of the input chunk (zero copy)', () => {
    const body = Buffer.from('some file bytes\r\n--AaB03x');
    const scanner = new DelimiterScanner(DELIMITER);
    const seen: Buffer[] = [];
    expect(scanner.next(body, 0, (data) => seen.push(data))).toBe(body.length);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.buffer).toBe(body.buffer);
    expect(seen[0]!.byteOffset).toBe(body.byteOffset);
  });

  it('carries only a possible partial match over a chunk end, and copies it', () => {
    const scanner = new DelimiterScanner(DELIMITER);
    const seen: Buffer[] = [];
    const first = Buffer.from('data\r\n--Aa');
    expect(scanner.next(first, 0, (data) => seen.push(data))).toBe(NOT_FOUND);
    expect(seen.map((b) => b.toString())).toEqual(['data']);
    // Not a delimiter after all: the carried bytes come out as a copy.
    const second = Buffer.from('Xmore');
    expect(scanner.next(second, 0, (data) => seen.push(data))).toBe(NOT_FOUND);
    expect(seen.map((b) => b.toString()).join('')).toBe('data\r\n--AaXmore');
    first.fill(0);
    expect(seen.map((b) => b.toString()).join('')).toContain('\r\n--Aa');
  });

  it('a virtual CRLF makes `--boundary` at the very start a delimiter, and is never data', () => {
    expect(segments([Buffer.from('--AaB03xrest')], true)).toEqual({ data: ['', 'rest', ''], virtualAt: [0] });
    expect(segments([Buffer.from('-'), Buffer.from('-Aa'), Buffer.from('B03x')], true)).toEqual({ data: ['', '', ''], virtualAt: [0] });
    expect(segments([Buffer.from('\r\n--AaB03x')], true)).toEqual({ data: ['', '', ''], virtualAt: [] });
    expect(segments([Buffer.from('-x')], true).data).toEqual(['-x', '']);
    expect(segments([Buffer.from('--AaB0'), Buffer.from('y')], true).data).toEqual(['--AaB0y', '']);
  });

  it('partialMatchStart finds the earliest suffix that begins the delimiter', () => {
    const buffer = Buffer.from('xx\r\n--Aa');
    expect(partialMatchStart(buffer, 0, buffer.length, DELIMITER)).toBe(2);
    expect(partialMatchStart(Buffer.from('xx\r'), 0, 3, DELIMITER)).toBe(2);
    expect(partialMatchStart(Buffer.from('xx\r\nz'), 0, 5, DELIMITER)).toBe(5);
  });

  // Bytes from the delimiter's own alphabet, so that partial and overlapping matches are common.
  const noisy = fc
    .array(fc.oneof(fc.constantFrom(...'\r\n-AaB03x'.split('')), fc.constant('\r\n--AaB03'), fc.constant('\r\n--AaB03x')), { maxLength: 40 })
    .map((parts) => Buffer.from(parts.join(''), 'latin1'));

  it('property: any split of the stream gives the same segments as the whole', () => {
    fc.assert(
      fc.property(noisy, fc.array(fc.nat(), { maxLength: 12 }), (body, cuts) => {
        expect(segments(splitAt(body, cuts)).data).toEqual(reference(body));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: with a virtual CRLF, the stream is read as if it followed a CRLF', () => {
    fc.assert(
      fc.property(noisy, fc.array(fc.nat(), { maxLength: 12 }), (body, cuts) => {
        const expected = reference(Buffer.concat([Buffer.from('\r\n'), body]));
        expected[0] = expected[0]!.slice(2); // the virtual bytes are not data
        const got = segments(splitAt(body, cuts), true);
        if (body.toString('latin1').startsWith('--AaB03x')) expect(got.virtualAt).toEqual([0]);
        expect(got.data).toEqual(body.toString('latin1').startsWith('--AaB03x') ? ['', ...reference(body.subarray(8))] : expected);
        if (!body.toString('latin1').startsWith('--AaB03x')) expect(got.virtualAt).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: a one-byte delimiter and a 74-byte one split the same way', () => {
    const long = Buffer.from(`\r\n--${'q'.repeat(70)}`);
    fc.assert(
      fc.property(fc.array(fc.constantFrom('q', '\r', '\n', '-', long.toString()), { maxLength: 30 }), fc.array(fc.nat(), { maxLength: 8 }), (parts, cuts) => {
        const body = Buffer.from(parts.join(''));
        expect(segments(splitAt(body, cuts), false, long).data).toEqual(reference(body, long));
        const one = Buffer.from('-');
        expect(segments(splitAt(body, cuts), false, one).data).toEqual(reference(body, one));
      }),
      { numRuns: 500 },
    );
  });

  it('is linear on hostile data: 8 MiB of CR, of the next-to-last byte, of near-delimiters', () => {
    const delimiter = Buffer.from(`\r\n--${'a'.repeat(70)}`);
    const near = Buffer.from(`\r\n--${'a'.repeat(69)}`);
    const bodies = [Buffer.alloc(8 << 20, '\r'), Buffer.alloc(8 << 20, 'a'), Buffer.alloc(8 << 20)];
    for (let offset = 0; offset < bodies[2]!.length; offset += near.length) near.copy(bodies[2]!, offset);
    for (const body of bodies) {
      const started = performance.now();
      const scanner = new DelimiterScanner(delimiter);
      let bytes = 0;
      for (let offset = 0; offset < body.length; offset += 65536) scanner.next(body.subarray(offset, offset + 65536), 0, (data) => (bytes += data.length));
      expect(bytes).toBeGreaterThan(body.length - delimiter.length);
      expect(performance.now() - started).toBeLessThan(2000);
    }
  });
});
