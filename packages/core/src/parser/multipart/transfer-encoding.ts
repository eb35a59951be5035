/**
 * `Content-Transfer-Encoding` of a part (RFC 2045 §6). RFC 7578 §4.7 says
 * senders should not use it, but old mail-derived clients do; storing the
 * encoded text as if it were the file would report success for wrong bytes.
 * So base64 and quoted-printable are decoded as the bytes stream through,
 * the identity encodings pass, and anything else is refused.
 */

/** Decodes one part's body, chunk by chunk. `undefined` from either call means the body is not valid in its encoding. */
export interface TransferDecoder {
  write(chunk: Buffer): Buffer | undefined;
  /** The part ended: the bytes still held, or `undefined` when the body stopped mid-unit. */
  end(): Buffer | undefined;
}

const IDENTITY = new Set(['7bit', '8bit', 'binary']);

/**
 * The decoder for a part's Content-Transfer-Encoding: `null` when the body is
 * taken as it is (no header, `7bit`, `8bit`, `binary`), `undefined` for an
 * encoding Sluice does not decode (the part is refused).
 */
export function transferDecoderFor(header: string | undefined): TransferDecoder | null | undefined {
  if (header === undefined) return null;
  const encoding = header.trim().toLowerCase();
  if (IDENTITY.has(encoding)) return null;
  if (encoding === 'base64') return new Base64Decoder();
  if (encoding === 'quoted-printable') return new QuotedPrintableDecoder();
  return undefined;
}

const EMPTY = Buffer.alloc(0);
const BASE64_CHAR = /^[A-Za-z0-9+/]*$/;
const LINE_SPACE = /[\r\n\t ]+/g;

/**
 * RFC 2045 §6.8 base64: line breaks and spaces between the characters are
 * ignored; any other character, or data after the `=` padding, is an error.
 * Characters are decoded four at a time; up to three wait for the next chunk.
 */
class Base64Decoder implements TransferDecoder {
  private carry = '';
  /** How many `=` were seen: after the first, only up to two in all may follow. */
  private padding = 0;

  write(chunk: Buffer): Buffer | undefined {
    let text = chunk.toString('latin1').replace(LINE_SPACE, '');
    if (text.length === 0) return EMPTY;
    const pad = this.padding > 0 ? 0 : text.indexOf('=');
    if (pad !== -1) {
      const equals = text.length - pad;
      if (!/^=+$/.test(text.slice(pad)) || this.padding + equals > 2) return undefined;
      text = text.slice(0, pad);
      this.padding += equals;
    }
    if (!BASE64_CHAR.test(text)) return undefined;
    text = this.carry + text;
    const whole = this.padding > 0 ? text.length : text.length - (text.length % 4);
    this.carry = text.slice(whole);
    if (this.padding > 0 && whole % 4 === 1) return undefined;
    return Buffer.from(text.slice(0, whole), 'base64');
  }

  end(): Buffer | undefined {
    // Unpadded input is tolerated (2 or 3 characters left make 1 or 2 bytes); 1 left cannot be a byte.
    if (this.carry.length === 1) return undefined;
    const rest = Buffer.from(this.carry, 'base64');
    this.carry = '';
    return rest;
  }
}

const EQUALS = 0x3d;
const CR = 0x0d;
const LF = 0x0a;

function hex(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}

/**
 * RFC 2045 §6.7 quoted-printable: `=XX` is a byte (lowercase hex tolerated),
 * `=` at the end of a line (CRLF or LF) is a soft line break, every other
 * byte is itself. An `=` followed by anything else is an error. An `=` and
 * what follows it may straddle two chunks: up to two bytes wait.
 */
class QuotedPrintableDecoder implements TransferDecoder {
  private carry: Buffer = EMPTY;

  write(chunk: Buffer): Buffer | undefined {
    const input = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = EMPTY;
    const out = Buffer.allocUnsafe(input.length);
    let length = 0;
    let i = 0;
    while (i < input.length) {
      const equals = input.indexOf(EQUALS, i);
      const plainEnd = equals === -1 ? input.length : equals;
      length += input.copy(out, length, i, plainEnd);
      if (equals === -1) break;
      if (input.length - equals < 3) {
        // `=`, `=X`, `=\r` at the end: decided by the next chunk (or refused at the end).
        if (input.length - equals === 2 && input[equals + 1] === LF) {
          i = input.length;
          break;
        }
        this.carry = Buffer.from(input.subarray(equals));
        break;
      }
      const a = input[equals + 1]!;
      const b = input[equals + 2]!;
      if (a === CR && b === LF) i = equals + 3;
      else if (a === LF) i = equals + 2;
      else {
        const high = hex(a);
        const low = hex(b);
        if (high === -1 || low === -1) return undefined;
        out[length++] = (high << 4) | low;
        i = equals + 3;
      }
    }
    return out.subarray(0, length);
  }

  end(): Buffer | undefined {
    return this.carry.length === 0 ? EMPTY : undefined;
  }
}
