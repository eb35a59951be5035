import { TOKEN } from './char-classes.js';
import { parseParameters } from './header-params.js';

/** What a part's Content-Type says about its body. */
export interface PartContentType {
  /** `type/subtype`, lowercased, without parameters. */
  mimeType: string;
  /** The `charset` parameter, lowercased, when there is one. */
  charset: string | undefined;
}

const SLASH = 0x2f;

/**
 * Parses a part's Content-Type value (latin1), or returns `undefined` when it
 * is not a valid `type/subtype *(; param)`. The caller then falls back to
 * `text/plain` (RFC 7578 §4.4's default), exactly as busboy 1.6 does: an
 * unreadable part type is not an error there either.
 */
export function parsePartContentType(value: string): PartContentType | undefined {
  const length = value.length;
  let i = 0;
  while (i < length && TOKEN[value.charCodeAt(i)] === 1) ++i;
  if (i === 0 || i === length || value.charCodeAt(i) !== SLASH) return undefined;
  const type = value.slice(0, i);
  const subtypeStart = ++i;
  while (i < length && TOKEN[value.charCodeAt(i)] === 1) ++i;
  if (i === subtypeStart) return undefined;
  const params = new Map<string, string>();
  if (i < length && !parseParameters(value, i, params, { disposition: false })) return undefined;
  return { mimeType: `${type}/${value.slice(subtypeStart, i)}`.toLowerCase(), charset: params.get('charset')?.toLowerCase() };
}
