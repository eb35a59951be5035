import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type TransferDecoder, transferDecoderFor } from './transfer-encoding.js';

/** Feeds `text` to a fresh decoder in pieces cut at `cuts`; the decoded bytes, or undefined when refused. */
function decode(encoding: string, text: string, cuts: number[] = []): Buffer | undefined {
  const decoder = transferDecoderFor(encoding) as TransferDecoder;
  const input = Buffer.from(text, 'latin1');
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...new Set(cuts)]
    .filter((c) => c > 0 && c < input.length)
    .sort((a, b) => a - b)
    .concat(input.length)) {
    const piece = decoder.write(input.subarray(from, cut));
    if (piece === undefined) return undefined;
    out.push(piece);
    from = cut;
  }
  const rest = decoder.end();
  return rest === undefined ? undefined : Buffer.concat([...out, rest]);
}

describe('transferDecoderFor', () => {
  it('passes the identity encodings (RFC 2045 §6.2) and refuses unknown ones', () => {
    for (const value of [undefined, '7bit', '8BIT', ' binary ']) expect(transferDecoderFor(value)).toBeNull();
    for (const value of ['x-uuencode', 'gzip', '']) expect(transferDecoderFor(value)).toBeUndefined();
  });

  it('base64 (RFC 2045 §6.8): the alphabet, line breaks ignored, padding only at the end', () => {
    expect(decode('base64', 'SGVsbG8s\r\nIHdv cmxkIQ==')?.toString()).toBe('Hello, world!');
    expect(decode('base64', 'YQ')?.toString()).toBe('a'); // unpadded is tolerated
    expect(decode('base64', 'Y')).toBeUndefined();
    expect(decode('base64', 'YQ==YQ==')).toBeUndefined();
    expect(decode('base64', 'YQ===')).toBeUndefined();
    expect(decode('base64', 'Y-Q=')).toBeUndefined();
  });

  it('quoted-printable (RFC 2045 §6.7): =XX, soft line breaks (CRLF or LF), everything else literal', () => {
    expect(decode('quoted-printable', 'a=3Db=\r\nc=\nd=e9')?.toString('latin1')).toBe('a=bcd\xe9');
    expect(decode('quoted-printable', 'a=Gb')).toBeUndefined();
    expect(decode('quoted-printable', 'ends=')).toBeUndefined();
  });

  it('property: any cut of the encoded text decodes to the same bytes as the whole', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat({ max: 500 }), { maxLength: 8 }), (bytes, cuts) => {
        const data = Buffer.from(bytes);
        const base64 = data.toString('base64').replace(/.{76}/g, '$&\r\n');
        expect(decode('base64', base64, cuts)).toEqual(data);
        const qp = [...data].map((b) => (b === 0x3d || b < 0x20 || b > 0x7e ? `=${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b))).join('');
        const wrapped = qp.replace(/.{70}(?<!=.?)/g, '$&=\r\n');
        expect(decode('quoted-printable', wrapped, cuts)).toEqual(data);
      }),
      { numRuns: 500 },
    );
  });
});
