import { decodeBinaryString } from './charsets.js';
import { ATTR_CHAR, CHARSET_CHAR, QDTEXT, TOKEN, hexValue } from './char-classes.js';

const SP = 0x20;
const HTAB = 0x09;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const APOSTROPHE = 0x27;
const PERCENT = 0x25;
const ASTERISK = 0x2a;

/** How {@link parseParameters} reads values. */
export interface ParameterSyntax {
  /**
   * Content-Disposition rules: `name*=charset'lang'%XX` values (RFC 5987) are
   * percent-decoded in their charset, and a repeated parameter is an error.
   * Regular values are kept as the latin1 text they arrived as (one char per
   * byte) either way: a name's charset is decided later, by the form.
   */
  disposition: boolean;
}

/** Where {@link parseParameters} gave up, so that a caller can try a lenient reading. */
export interface ParameterFailure {
  /** A parameter was repeated: refused whatever the reading. */
  repeated: boolean;
  /** The last parameter whose value began with a quote before the failure: its lowercased name, where its `;` is, where its quote is. */
  quoted: { key: string; paramStart: number; quoteStart: number } | undefined;
}

/**
 * Reads the `; name=value` list of a header value from index `start` into
 * `params` (names lowercased). Returns false on any syntax error, and then
 * the whole header is malformed; so is a Content-Disposition that repeats a
 * parameter (in a Content-Type the first of a repeated name wins).
 *
 * This is busboy 1.6's parameter grammar, ported rule for rule (its
 * parseDispositionParams / parseContentTypeParams), because a header that
 * the two engines read differently is a parser differential. That includes
 * its quoted-string rule: `\"` and `\\` are escapes, but a backslash before
 * any other byte is kept, so that `C:\path\name.txt` (as old browsers send
 * it, unescaped) still reduces to its basename.
 *
 * `value` is a latin1 string: one char per header byte.
 */
export function parseParameters(value: string, start: number, params: Map<string, string>, syntax: ParameterSyntax, failure?: ParameterFailure): boolean {
  const length = value.length;
  let i = start;
  while (i < length) {
    i = skipWhitespace(value, i);
    if (i === length) break;
    const paramStart = i;
    if (value.charCodeAt(i++) !== SEMICOLON) return false;
    i = skipWhitespace(value, i);
    if (i === length) return false;

    const nameStart = i;
    for (; i < length; ++i) {
      const code = value.charCodeAt(i);
      if (TOKEN[code] !== 1) {
        if (code !== EQUALS) return false;
        break;
      }
    }
    if (i === length) return false;
    const name = value.slice(nameStart, i);

    let parsed: string | undefined;
    if (syntax.disposition && name.charCodeAt(name.length - 1) === ASTERISK) {
      const extended = readExtendedValue(value, i + 1);
      if (extended === undefined) return false;
      [parsed, i] = extended;
    } else {
      ++i; // '='
      if (i === length) return false;
      const quoted = value.charCodeAt(i) === DQUOTE;
      if (quoted && failure) failure.quoted = { key: name.toLowerCase(), paramStart, quoteStart: i };
      const plain = quoted ? readQuotedString(value, i) : readToken(value, i);
      if (plain === undefined) return false;
      [parsed, i] = plain;
    }

    const key = name.toLowerCase();
    if (params.has(key)) {
      // RFC 6266 §4.1: a repeated parameter makes the disposition invalid. A
      // part with `filename="a.txt"; filename="a.php"` is read differently by
      // first-wins and last-wins parsers (a proxy, a scanner), so refuse it.
      if (syntax.disposition) {
        if (failure) failure.repeated = true;
        return false;
      }
      continue;
    }
    params.set(key, parsed);
  }
  return true;
}

function skipWhitespace(value: string, i: number): number {
  while (i < value.length) {
    const code = value.charCodeAt(i);
    if (code !== SP && code !== HTAB) break;
    ++i;
  }
  return i;
}

/** A token value from `i` (at least one byte) and the index after it. */
function readToken(value: string, i: number): [string, number] | undefined {
  const start = i;
  while (i < value.length && TOKEN[value.charCodeAt(i)] === 1) ++i;
  return i === start ? undefined : [value.slice(start, i), i];
}

/** A quoted string whose opening quote is at `i`, unescaped as busboy does, and the index after the closing quote. */
function readQuotedString(value: string, i: number): [string, number] | undefined {
  const length = value.length;
  let out = '';
  let start = ++i;
  let escaping = false;
  for (; i < length; ++i) {
    const code = value.charCodeAt(i);
    if (code === BACKSLASH) {
      if (escaping) {
        start = i;
        escaping = false;
      } else {
        out += value.slice(start, i);
        escaping = true;
      }
      continue;
    }
    if (code === DQUOTE) {
      if (escaping) {
        start = i;
        escaping = false;
        continue;
      }
      return [out + value.slice(start, i), i + 1];
    }
    if (escaping) {
      // Not an escape after all: keep the backslash.
      start = i - 1;
      escaping = false;
    }
    if (QDTEXT[code] !== 1) return undefined;
  }
  return undefined; // no closing quote
}

/** An RFC 5987 `charset'language'value` from `i` (just past the `=`), decoded, and the index after it. */
function readExtendedValue(value: string, i: number): [string, number] | undefined {
  const length = value.length;
  const charsetStart = i;
  for (; i < length; ++i) {
    const code = value.charCodeAt(i);
    if (CHARSET_CHAR[code] !== 1) {
      if (code !== APOSTROPHE) return undefined;
      break;
    }
  }
  if (i === length) return undefined;
  const charset = value.slice(charsetStart, i);
  ++i;
  // The language tag is skipped, whatever it holds, up to the second apostrophe.
  while (i < length && value.charCodeAt(i) !== APOSTROPHE) ++i;
  if (i === length) return undefined;
  ++i;
  if (i === length) return undefined;

  let binary = '';
  let start = i;
  for (; i < length; ++i) {
    const code = value.charCodeAt(i);
    if (ATTR_CHAR[code] === 1) continue;
    if (code !== PERCENT) break;
    const high = i + 2 < length ? hexValue(value.charCodeAt(i + 1)) : -1;
    const low = high === -1 ? -1 : hexValue(value.charCodeAt(i + 2));
    if (low === -1) return undefined; // a '%' that starts no escape
    binary += value.slice(start, i) + String.fromCharCode((high << 4) + low);
    i += 2;
    start = i + 1;
  }
  const decoded = decodeBinaryString(binary + value.slice(start, i), charset);
  return decoded === undefined ? undefined : [decoded, i];
}
