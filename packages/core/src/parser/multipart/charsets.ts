import { isUtf8 } from 'node:buffer';

/**
 * The charsets a part may declare for its text (`Content-Type: text/plain;
 * charset=...`) or for an RFC 5987 extended parameter (`filename*=UTF-8''...`),
 * and the charset of a form's names and unlabelled text (HTML's `_charset_`
 * field, or the `defaultCharset` option).
 */

/** Node's name for the bytes-to-text decoding of one charset. */
export type TextEncodingName = 'utf8' | 'latin1' | 'utf16le';

const ENCODINGS: Readonly<Record<string, TextEncodingName>> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  // busboy 1.6's names, decoded as it decodes them (windows-1252 as latin1
  // too: in a declared part charset or a `filename*`, a reading that differs
  // from the busboy engine's would be a parser differential).
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
 * The charset names and unlabelled text of a form are read in: what the
 * form's `_charset_` field said, or else UTF-8 with a fallback. Browsers
 * encode names and values in the page's encoding, so a form on a
 * windows-1252 page sends `caf\xE9`, which is not UTF-8.
 */
export type FormCharset =
  /** No `_charset_`: UTF-8 when the bytes are valid UTF-8, else `fallback` (a WHATWG encoding label). */
  | { kind: 'utf8-else'; fallback: string }
  /** The form named its charset (a WHATWG encoding label other than UTF-8): bytes are read in it. */
  | { kind: 'declared'; charset: string };

/** The default fallback for bytes that are not UTF-8: windows-1252, what HTML means by "latin1" and what Western legacy pages use. */
export const DEFAULT_FALLBACK_CHARSET = 'windows-1252';

/** {@link FormCharset} for a form that sent no `_charset_`. */
export function utf8Else(fallback = DEFAULT_FALLBACK_CHARSET): FormCharset {
  return { kind: 'utf8-else', fallback };
}

/**
 * The canonical WHATWG encoding name for a label (`latin1` → `windows-1252`,
 * `Shift_JIS` → `shift_jis`), or `undefined` when this Node cannot decode it.
 */
export function canonicalCharset(label: string): string | undefined {
  try {
    return new TextDecoder(label.trim()).encoding;
  } catch {
    return undefined;
  }
}

// Encodings a form's header bytes cannot be in (not ASCII-compatible), or that decode nothing.
const NOT_FOR_NAMES = new Set(['utf-8', 'utf-16le', 'utf-16be', 'replacement']);

/**
 * What a `_charset_` field's value means for the parts after it: a known,
 * ASCII-compatible label other than UTF-8 becomes the form's charset; UTF-8,
 * UTF-16 or an unknown label keep `current` (a label must not make names
 * unreadable).
 */
export function formCharsetFromField(value: string, current: FormCharset): FormCharset {
  const charset = canonicalCharset(value);
  if (charset === undefined || NOT_FOR_NAMES.has(charset)) return current;
  return { kind: 'declared', charset };
}

const decoders = new Map<string, TextDecoder>();

// windows-1252's 0x80-0x9F, as in the WHATWG index (its five unassigned
// bytes stay the C1 controls). Node 20's TextDecoder reads windows-1252 as
// latin1, so `\x80` would come out as U+0080 instead of `€`.
const WINDOWS_1252_C1 = '€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ';

function decodeWindows1252(bytes: Uint8Array): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return text.replace(/[\x80-\x9f]/g, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!);
}

/** Decodes bytes in a WHATWG-labelled charset (unmappable bytes become U+FFFD). */
function decodeIn(bytes: Uint8Array, charset: string): string {
  if (charset === 'windows-1252') return decodeWindows1252(bytes);
  let decoder = decoders.get(charset);
  if (decoder === undefined) {
    decoder = new TextDecoder(charset);
    decoders.set(charset, decoder);
  }
  return decoder.decode(bytes);
}

/**
 * Decodes bytes of a name or of unlabelled text in the form's charset: under
 * `utf8-else`, valid UTF-8 as UTF-8 and anything else in the fallback, so a
 * latin1 `é` arrives as `é`, never as U+FFFD.
 */
export function decodeFormBytes(bytes: Uint8Array, charset: FormCharset): string {
  if (charset.kind === 'declared') return decodeIn(bytes, charset.charset);
  return isUtf8(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8') : decodeIn(bytes, charset.fallback);
}

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** {@link decodeFormBytes} for a latin1 "binary" string (one char per header byte); ASCII skips the round trip. */
export function decodeFormBinary(binary: string, charset: FormCharset): string {
  if (ASCII_ONLY.test(binary)) return binary;
  return decodeFormBytes(Buffer.from(binary, 'latin1'), charset);
}

const FORM_LABEL = /^\(form\) (utf8-else|declared) (.+)$/;

/**
 * The charset label a text field is decoded with ({@link decodeFieldValue}):
 * the part's declared `charset` when it has one, else a label standing for
 * the form's charset for values, else UTF-8 (RFC 7578 §4.5, as busboy).
 * (A plain string, so that it can travel where a declared charset name travels.)
 */
export function textCharsetLabel(declared: string | undefined, form: FormCharset | undefined): string {
  if (declared !== undefined) return declared;
  if (form === undefined) return 'utf8';
  return form.kind === 'declared' ? `(form) declared ${form.charset}` : `(form) utf8-else ${form.fallback}`;
}

/**
 * A text field's value, decoded as {@link textCharsetLabel} says. A declared
 * charset this parser does not know is read as UTF-8, the default of RFC 7578
 * §4.5; a part that declares none is read in the form's charset.
 */
export function decodeFieldValue(bytes: Buffer, label: string): string {
  const form = FORM_LABEL.exec(label);
  if (form === null) return bytes.toString(encodingOf(label) ?? 'utf8');
  return decodeFormBytes(bytes, form[1] === 'declared' ? { kind: 'declared', charset: form[2]! } : { kind: 'utf8-else', fallback: form[2]! });
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
