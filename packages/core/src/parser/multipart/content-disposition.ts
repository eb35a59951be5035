import { TOKEN } from './char-classes.js';
import { type FormCharset, decodeFormBinary, utf8Else } from './charsets.js';
import { clientFileName, decodeWhatwgEscapes } from './form-names.js';
import { type ParameterFailure, parseParameters } from './header-params.js';

/** A parsed Content-Disposition header value. */
export interface ContentDisposition {
  /** The disposition type, lowercased (`form-data` for every valid part). */
  type: string;
  /**
   * Parameters by lowercased name. Regular values are the latin1 text they
   * arrived as (one char per byte; see {@link fieldNameOf} for decoding);
   * `name*=` values (RFC 5987) are already decoded in their own charset.
   */
  params: Map<string, string>;
}

/**
 * Parses a part's Content-Disposition value (a latin1 string: one char per
 * header byte), or returns `undefined` when it is malformed. Strict first,
 * with busboy 1.6's grammar, so that every header busboy reads is read the
 * same way. (The `content-disposition` package was considered: it skips junk
 * instead of refusing, and unescapes quoted strings differently.)
 *
 * Then one lenient reading, for clients that put `"` and line breaks raw
 * into a quoted name (the npm `form-data` package, which axios and many Node
 * clients use; old Firefox and IE): when the strict reading fails inside or
 * right after a quoted value, that value is taken to run to the *last* quote
 * of the header, verbatim. It is accepted only when that is the one possible
 * reading: nothing but whitespace follows the last quote, and the value holds
 * nothing that would let it end earlier and another parameter begin (`";
 * name=`, `; name=`, `" name=`, `="`). A repeated parameter stays refused.
 */
export function parseContentDisposition(value: string): ContentDisposition | undefined {
  if (value.length === 0) return undefined;
  let i = 0;
  while (i < value.length && TOKEN[value.charCodeAt(i)] === 1) ++i;
  const type = value.slice(0, i).toLowerCase();
  if (i === value.length) return { type, params: new Map() };
  const params = new Map<string, string>();
  const failure: ParameterFailure = { repeated: false, quoted: undefined };
  if (parseParameters(value, i, params, { disposition: true }, failure)) return { type, params };
  const lenient = readLeniently(value, i, failure);
  return lenient && { type, params: lenient };
}

const WHITESPACE_ONLY = /^[ \t]*$/;
// What would let a raw-quoted value end early and another parameter begin:
// a quote or `;` before `name=`, or `="` (a parameter's opening).
const ANOTHER_PARAMETER = /[";][ \t]*;?[ \t]*[!#$%&'*+\-.^_`|~0-9A-Za-z]+[ \t]*=|=[ \t]*"/;
// Control bytes, but the line breaks of a header line that form-data broke (CRLF or LF).
const CONTROL = /[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f]|\r(?!\n)/;

function readLeniently(value: string, start: number, failure: ParameterFailure): Map<string, string> | undefined {
  const quoted = failure.quoted;
  if (failure.repeated || quoted === undefined) return undefined;
  const last = value.lastIndexOf('"');
  if (last <= quoted.quoteStart || !WHITESPACE_ONLY.test(value.slice(last + 1))) return undefined;
  const raw = value.slice(quoted.quoteStart + 1, last);
  if (ANOTHER_PARAMETER.test(raw) || CONTROL.test(raw)) return undefined;
  const params = new Map<string, string>();
  if (!parseParameters(value.slice(0, quoted.paramStart), start, params, { disposition: true })) return undefined;
  if (params.has(quoted.key)) return undefined;
  params.set(quoted.key, raw);
  return params;
}

/**
 * The part's file name as the client meant it, or `undefined` when the part
 * names no file. `filename*` (RFC 5987, decoded in its declared charset) wins
 * over `filename`, as RFC 6266 §4.3 says (an empty one counts as absent). A
 * regular `filename` is decoded in the form's charset and its WHATWG escapes
 * (`%22`, `%0D`, `%0A`) are undone. Then only the name is kept: see
 * {@link clientFileName}. `filename=""` gives '' (a file part with no name:
 * what a browser sends for a file input left empty, or a `File` with no name).
 */
export function fileNameOf(disposition: ContentDisposition, charset: FormCharset = utf8Else()): string | undefined {
  const extended = disposition.params.get('filename*');
  if (extended) return clientFileName(extended);
  const plain = disposition.params.get('filename');
  if (plain === undefined) return undefined;
  return clientFileName(decodeWhatwgEscapes(decodeFormBinary(plain, charset)));
}

/**
 * The field name, decoded in the form's charset with its WHATWG escapes
 * undone; '' when the part has none (the engine refuses that as malformed).
 * A `name*=` value is not read: RFC 7578 §4.2 does not allow it for names.
 */
export function fieldNameOf(disposition: ContentDisposition, charset: FormCharset = utf8Else()): string {
  const plain = disposition.params.get('name');
  return plain ? decodeWhatwgEscapes(decodeFormBinary(plain, charset)) : '';
}
