import sanitize from 'sanitize-filename';
import { isWindowsAbsolutePath } from '../parser/multipart/form-names.js';

/** Longest sanitized name, in UTF-8 bytes, kept in a key. */
export const MAX_SAFE_NAME_BYTES = 120;

// Bidirectional overrides/isolates and other invisible format characters let
// `evil\u202Egnp.exe` display as `evilexe.png`; they are never needed in a key.
const INVISIBLE_FORMAT_CHARS = /[\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001F\u007F-\u009F]/g;

function truncateUtf8(value: string, maxBytes: number): string {
  if (Buffer.byteLength(value) <= maxBytes) return value;
  let out = '';
  for (const char of value) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}

/**
 * Turns a client-supplied file name into one safe to put in a storage key or a
 * Content-Disposition header: NFKC normalised (so compatibility look-alikes
 * such as fullwidth `．．／` count as the `../` they become), the directory
 * of a `/` path or of a Windows absolute path (`C:\…`, `\\host\…`, `\…`)
 * stripped, control, bidi and other invisible characters removed, reserved
 * characters (`\` `"` `:` `*` …) replaced by `_` and reserved names removed
 * (by `sanitize-filename`), leading dots and spaces dropped, length capped
 * while keeping the extension. A backslash anywhere else is a character of
 * the name (legal on Linux and macOS): `back\slash.bin` → `back_slash.bin`.
 * Never empty: `fallback` when nothing is left.
 */
export function sanitizeFilename(raw: string | undefined, fallback = 'file'): string {
  if (!raw) return fallback;
  // NFKC before looking for directories: fullwidth `．．／` (and `℀`, `﹨` ...)
  // become `../`, `a/c` and `\` for anything downstream that normalises, so
  // they must not survive in a key as harmless-looking look-alikes.
  let path = raw.normalize('NFKC');
  if (isWindowsAbsolutePath(path)) path = path.slice(path.lastIndexOf('\\') + 1);
  const base = path.split('/').pop() ?? '';
  let name = base.replace(CONTROL_CHARS, '').replace(INVISIBLE_FORMAT_CHARS, '');
  // Cap first, keeping the extension: sanitize-filename would cut at 255 bytes
  // from the end, extension included.
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  name = truncateUtf8(ext ? name.slice(0, dot) : name, MAX_SAFE_NAME_BYTES - Buffer.byteLength(ext)) + ext;
  name = sanitize(name, { replacement: '_' })
    .replace(/^[.\s]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (name === '' || /^_+$/.test(name)) return fallback;
  return name;
}

/**
 * The extension of a sanitized name (with its dot, lower-cased), or '' when it
 * has none or it is not plain ASCII letters and digits.
 */
export function safeExtension(safeName: string): string {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(safeName);
  return match ? `.${match[1]!.toLowerCase()}` : '';
}

// The extension a file with no name gets from its media type: the types
// browsers and curl send for unnamed files and blobs. (A table, not
// mime-types: its whole database would load at the first unnamed file.)
const EXTENSIONS: Readonly<Record<string, string>> = {
  'application/octet-stream': '.bin',
  'text/plain': '.txt',
  'text/csv': '.csv',
  'text/html': '.html',
  'text/markdown': '.md',
  'application/json': '.json',
  'application/xml': '.xml',
  'text/xml': '.xml',
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'application/gzip': '.gz',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/avif': '.avif',
  'image/svg+xml': '.svg',
  'audio/mpeg': '.mp3',
  'audio/ogg': '.ogg',
  'audio/wav': '.wav',
  'video/mp4': '.mp4',
  'video/webm': '.webm',
};

/**
 * The safe name of a file whose client gave none (`filename=""` with
 * content, a raw-body upload without a name): `file` plus the extension of
 * its declared media type (`file.pdf`), or just `file` for a type not in the
 * table.
 */
export function generatedName(mimeType: string): string {
  const type = mimeType.split(';')[0]!.trim().toLowerCase();
  return `file${Object.hasOwn(EXTENSIONS, type) ? EXTENSIONS[type] : ''}`;
}

/** {@link sanitizeFilename} with a {@link generatedName} for a file that has no usable name. */
export function safeNameFor(raw: string | undefined, mimeType: string): string {
  return sanitizeFilename(raw, generatedName(mimeType));
}
