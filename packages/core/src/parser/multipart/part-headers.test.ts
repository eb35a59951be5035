import { describe, expect, it } from 'vitest';
import { MALFORMED, MAX_HEADER_BLOCK_BYTES, NEED_MORE, PartHeaderReader } from './part-headers.js';

const DASH_BOUNDARY = Buffer.from('--B');

/** Reads `block` in chunks of `size` bytes: the headers, or the reason it was refused. */
function read(block: string | Buffer, size = Infinity): { headers?: PartHeaderReader['headers']; rest?: string; reason?: string } {
  const bytes = typeof block === 'string' ? Buffer.from(block, 'latin1') : block;
  const reader = new PartHeaderReader(DASH_BOUNDARY);
  reader.reset();
  for (let offset = 0; offset < bytes.length; offset += Math.min(size, bytes.length)) {
    const chunk = bytes.subarray(offset, offset + size);
    const end = reader.push(chunk, 0);
    if (end === MALFORMED) return { reason: reader.reason };
    if (end !== NEED_MORE) return { headers: reader.headers, rest: Buffer.concat([chunk.subarray(end), bytes.subarray(offset + chunk.length)]).toString('latin1') };
  }
  return {};
}

describe('PartHeaderReader', () => {
  const valid = 'Content-Disposition: form-data; name="f"; filename="a.txt"\r\ncontent-TYPE:text/plain\r\nX-Other:  v\r\n\r\nbody';

  it('reads the disposition, the first Content-Type and the line count, in one chunk or byte by byte', () => {
    for (const size of [Infinity, 1, 7]) {
      expect(read(valid, size)).toEqual({
        headers: { dispositions: ['form-data; name="f"; filename="a.txt"'], contentType: 'text/plain', transferEncoding: undefined, lines: 3 },
        rest: 'body',
      });
    }
  });

  it('keeps every Content-Disposition (two are refused by the caller) and the first Content-Type', () => {
    expect(read('content-disposition: a\r\nContent-Type: x/y\r\nCONTENT-DISPOSITION: b\r\nContent-Type: z/w\r\n\r\n').headers).toEqual({
      dispositions: ['a', 'b'],
      contentType: 'x/y',
      transferEncoding: undefined,
      lines: 4,
    });
  });

  it('keeps header bytes as latin1 text (non-ASCII file names are decoded later)', () => {
    const block = Buffer.concat([Buffer.from('Content-Disposition: form-data; filename="'), Buffer.from('日本.txt'), Buffer.from('"\r\n\r\n')]);
    expect(read(block).headers!.dispositions[0]).toBe(Buffer.from('form-data; filename="日本.txt"').toString('latin1'));
  });

  const refused: Array<[string, string]> = [
    ['a bare LF', 'Content-Disposition: form-data; name="a"\n\r\n'],
    ['a bare LF ending the block', 'Content-Disposition: form-data; name="a"\r\n\n'],
    ['a folded first line (nothing to continue)', '\tContent-Disposition: form-data; name="a"\r\n\r\n'],
    ['a bare LF after a closed quote', 'Content-Disposition: form-data; name="a"; filename="b"\nContent-Type: x/y\r\n\r\n'],
    ['a continued line that closes the quote but ends with a bare LF', 'Content-Disposition: form-data; name="a"; filename="b\nc"\nX: y\r\n\r\n'],
    ['a junk line after a complete disposition', 'Content-Disposition: form-data; name="a"\r\njunk"\r\n\r\n'],
    ['a control byte in a continued line', 'Content-Disposition: form-data; name="a"; filename="b\r\nc\x01"\r\n\r\n'],
    ['a first line starting with a space (dicer CVE-2022-24434)', ' Content-Disposition: form-data; name="a"\r\n\r\n'],
    ['a NUL byte in a value', 'Content-Disposition: form-data; filename="evil.php\0.png"\r\n\r\n'],
    ['a DEL byte in a value', 'Content-Disposition: form-data; name="a\x7f"\r\n\r\n'],
    ['a CR inside a line', 'Content-Disposition: form-data;\r name="a"\r\n\r\n'],
    ['a line without a colon', 'Content-Disposition form-data\r\n\r\n'],
    ['an empty header name', ': value\r\n\r\n'],
    ['a space before the colon', 'Content-Disposition : form-data\r\n\r\n'],
    ['a line starting with the dash-boundary', 'Content-Disposition: form-data; name="a"\r\n--B: x\r\n\r\n'],
    ['a first line that is the close delimiter (fastify/busboy#121 shape)', '--B--\r\n'],
  ];
  for (const [what, block] of refused) {
    it(`refuses ${what}`, () => {
      for (const size of [Infinity, 1, 3]) expect(read(block, size).reason).toBeTruthy();
    });
  }

  // RFC 5322 §2.2.3: a line starting with WSP continues the field; unfolding removes only the CRLF.
  it('unfolds folded lines into the field they continue (space or tab), and counts one field', () => {
    for (const size of [Infinity, 1, 5]) {
      expect(read('Content-Disposition: form-data;\r\n name="a";\r\n\tfilename="x.txt"\r\nContent-Type: text/\r\n plain\r\nX-Other: 1\r\n 2\r\n\r\n', size).headers).toEqual({
        dispositions: ['form-data; name="a";\tfilename="x.txt"'],
        contentType: 'text/ plain',
        transferEncoding: undefined,
        lines: 3,
      });
    }
  });

  it('records the first Content-Transfer-Encoding', () => {
    expect(read('Content-Disposition: form-data; name="a"\r\nContent-Transfer-Encoding: base64\r\ncontent-transfer-encoding: 8bit\r\n\r\n').headers?.transferEncoding).toBe('base64');
  });

  // The npm form-data package writes a name's CR LF or LF raw inside the quoted value.
  it('continues a disposition whose quote is open with the next line that is not a header, line break kept (CRLF or bare LF)', () => {
    for (const size of [Infinity, 1, 4]) {
      expect(read('Content-Disposition: form-data; name="f"; filename="line\r\nbreak\nand more.bin"\r\nContent-Type: text/plain\r\n\r\n', size).headers).toEqual({
        dispositions: ['form-data; name="f"; filename="line\r\nbreak\nand more.bin"'],
        contentType: 'text/plain',
        transferEncoding: undefined,
        lines: 2,
      });
    }
  });

  it('does not continue an open quote with a line that reads as a header, nor across the blank line (left to the disposition parser)', () => {
    expect(read('Content-Disposition: form-data; name="f"; filename="a\r\nX-Evil: b.bin"\r\n\r\n').headers).toEqual({
      dispositions: ['form-data; name="f"; filename="a'],
      contentType: undefined,
      transferEncoding: undefined,
      lines: 2,
    });
    expect(read('Content-Disposition: form-data; name="f"; filename="a\r\n\r\nb"\r\n').headers?.dispositions).toEqual(['form-data; name="f"; filename="a']);
  });

  it('accepts a block of exactly 16 KiB and refuses one byte more (busboy 1.6 counts the same bytes)', () => {
    const fill = (total: number): string => {
      const head = 'Content-Disposition: form-data; name="a"\r\nX-Big: ';
      return `${head + 'b'.repeat(total - head.length - 4)}\r\n\r\n`;
    };
    expect(Buffer.byteLength(fill(MAX_HEADER_BLOCK_BYTES))).toBe(MAX_HEADER_BLOCK_BYTES);
    expect(read(fill(MAX_HEADER_BLOCK_BYTES), 1000).headers?.lines).toBe(2);
    expect(read(fill(MAX_HEADER_BLOCK_BYTES + 1), 1000).reason).toMatch(/16 KiB/);
  });

  it('refuses 1 MiB without a line break as soon as 16 KiB are in (no unbounded buffering)', () => {
    const reader = new PartHeaderReader(DASH_BOUNDARY);
    reader.reset();
    expect(reader.push(Buffer.alloc(10_000, 'h'), 0)).toBe(NEED_MORE);
    expect(reader.push(Buffer.alloc(10_000, 'h'), 0)).toBe(MALFORMED);
  });

  it('an empty block (no header lines) completes with no headers; the caller refuses it', () => {
    expect(read('\r\nrest').headers).toEqual({ dispositions: [], contentType: undefined, transferEncoding: undefined, lines: 0 });
  });

  it('is reusable: reset() starts a fresh block', () => {
    const reader = new PartHeaderReader(DASH_BOUNDARY);
    reader.reset();
    reader.push(Buffer.from('Content-Type: a/b\r\n\r\n'), 0);
    reader.reset();
    expect(reader.push(Buffer.from('Content-Disposition: form-data\r\n\r\n'), 0)).toBeGreaterThan(0);
    expect(reader.headers).toEqual({ dispositions: ['form-data'], contentType: undefined, transferEncoding: undefined, lines: 1 });
  });
});
