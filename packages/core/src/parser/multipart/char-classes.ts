/**
 * Byte classes of the HTTP and MIME header grammars, as lookup tables indexed
 * by a byte (or a latin1 char code). Each set is exactly the one busboy 1.6
 * uses, so that a header this parser accepts is one busboy accepts and reads
 * the same way (the busboy engine is the reference at the seam).
 */

function table(ranges: ReadonlyArray<readonly [number, number]>, chars = ''): Uint8Array {
  const out = new Uint8Array(256);
  for (const [from, to] of ranges) out.fill(1, from, to + 1);
  for (let i = 0; i < chars.length; i++) out[chars.charCodeAt(i)] = 1;
  return out;
}

const DIGIT_ALPHA: ReadonlyArray<readonly [number, number]> = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
];

/** RFC 9110 `tchar`: header names, media types, parameter names and unquoted values. */
export const TOKEN = table(DIGIT_ALPHA, "!#$%&'*+-.^_`|~");

/** RFC 9110 `qdtext` (HTAB, SP, printable ASCII but `"` and `\`, and obs-text 0x80-0xFF): the inside of a quoted string. */
export const QDTEXT = table(
  [
    [0x20, 0x21],
    [0x23, 0x5b],
    [0x5d, 0x7e],
    [0x80, 0xff],
  ],
  '\t',
);

/** RFC 9110 field-vchar plus SP and HTAB: every byte allowed in a header value (no control bytes, no DEL). */
export const FIELD_VALUE = table(
  [
    [0x20, 0x7e],
    [0x80, 0xff],
  ],
  '\t',
);

/** RFC 5987 `attr-char`: the literal bytes of an extended (`name*=`) value, besides `%XX` escapes. */
export const ATTR_CHAR = table(DIGIT_ALPHA, '!#$&+-.^_`|~');

/** The bytes busboy accepts in the charset of an extended value (RFC 5987 `mime-charsetc`, as busboy has it). */
export const CHARSET_CHAR = table(DIGIT_ALPHA, '!#$%&+-^_`{}~');

/** The value of a hex digit, or -1. */
export function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  return -1;
}
