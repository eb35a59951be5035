/**
 * The charsets a part may declare for its text (`Content-Type: text/plain;
 * charset=...`) or for an RFC 5987 extended parameter (`filename*=UTF-8''...`).
 * The names are busboy 1.6's, so both engines decode the same bytes the same
 * way; the encodings themselves are Node's own (no iconv tables).
 */

/** Node's name for the bytes-to-text decoding of one charset. */
export type TextEncodingName = 'utf8' | 'latin1' | 'utf16le';

const ENCODINGS: Readonly<Record<string, TextEncodingName>> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  // busboy decodes all of these as latin1 (windows-1252 included: its 0x80-0x9F
  // differ from latin1, but a differing reading would be a parser differential).
  latin1: 'latin1',
  ascii: 'latin1',
  'us-ascii': 'latin1',
  'iso-8859-1': 'latin1',
  'iso8859-1': 'latin1',
  iso88591: 'latin1',
  'iso_8859-1': 'latin1',
  'windows-1252': 'latin1',
  'iso_8859-1:1987': 'latin1',
  cp1252: 'latin1',
  'x-cp1252': 'latin1',
  utf16le: 'utf16le',
  'utf-16le': 'utf16le',
  ucs2: 'utf16le',
  'ucs-2': 'utf16le',
};

/**
 * The encoding for a charset name (case-insensitive), or `undefined` for one
 * this parser does not decode. (busboy also "decodes" `base64`, by encoding
 * the bytes as base64 text; that is not carried over.)
 */
export function encodingOf(charset: string): TextEncodingName | undefined {
  return Object.hasOwn(ENCODINGS, charset) ? ENCODINGS[charset] : Object.hasOwn(ENCODINGS, charset.toLowerCase()) ? ENCODINGS[charset.toLowerCase()] : undefined;
}

/**
 * A text field's value. A charset this parser does not know is read as UTF-8,
 * the default of RFC 7578 §4.5 (busboy 1.6 would hand the engine `undefined`
 * instead of a string there).
 */
export function decodeFieldValue(bytes: Buffer, charset: string): string {
  return bytes.toString(encodingOf(charset) ?? 'utf8');
}

/**
 * Decodes a latin1 "binary" string (one char per byte, as header values and
 * percent-decoded bytes are held) in `charset`; `undefined` when the charset
 * is unknown, which makes the whole header malformed, as in busboy.
 */
export function decodeBinaryString(binary: string, charset: string): string | undefined {
  if (binary.length === 0) return '';
  const encoding = encodingOf(charset);
  if (encoding === undefined) return undefined;
  if (encoding === 'latin1') return binary;
  // Most names are plain ASCII, which reads the same in UTF-8: skip the round trip.
  if (encoding === 'utf8' && ASCII_ONLY.test(binary)) return binary;
  return Buffer.from(binary, 'latin1').toString(encoding);
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;
