import { TOKEN } from './char-classes.js';
import { parseParameters } from './header-params.js';

/** A parsed Content-Disposition header value. */
export interface ContentDisposition {
  /** The disposition type, lowercased (`form-data` for every valid part). */
  type: string;
  /** Parameters by lowercased name, values decoded (UTF-8, or the charset of a `name*=` value). */
  params: Map<string, string>;
}

/**
 * Parses a part's Content-Disposition value (a latin1 string: one char per
 * header byte), or returns `undefined` when it is malformed. Strict on
 * purpose, and with busboy 1.6's exact grammar: a value the busboy engine
 * refuses is refused here, and one it accepts gives the same name and file
 * name. (The `content-disposition` package was considered: it is lenient,
 * skipping junk instead of refusing, and unescapes quoted strings
 * differently, so it would read hostile headers differently from busboy.)
 */
export function parseContentDisposition(value: string): ContentDisposition | undefined {
  if (value.length === 0) return undefined;
  const params = new Map<string, string>();
  let i = 0;
  while (i < value.length && TOKEN[value.charCodeAt(i)] === 1) ++i;
  if (i < value.length && !parseParameters(value, i, params, { disposition: true })) return undefined;
  return { type: value.slice(0, i).toLowerCase(), params };
}

/**
 * The part's file name: `filename*` (RFC 5987, already decoded) wins over
 * `filename`, as RFC 6266 §4.3 says; an empty one counts as absent. Only the
 * last path segment is kept (both `/` and `\` separate), and `.` or `..`
 * become '' (busboy's `basename`, so a part with `filename="../.."` is still a
 * file, with an empty name). `undefined` when the part names no file.
 */
export function fileNameOf(disposition: ContentDisposition): string | undefined {
  const raw = disposition.params.get('filename*') || disposition.params.get('filename');
  return raw ? basename(raw) : undefined;
}

/** The field name, '' when the part has none (the engine refuses that as malformed). */
export function fieldNameOf(disposition: ContentDisposition): string {
  return disposition.params.get('name') || '';
}

function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const last = cut === -1 ? path : path.slice(cut + 1);
  return last === '.' || last === '..' ? '' : last;
}
