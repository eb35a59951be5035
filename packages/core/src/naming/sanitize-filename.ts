import sanitize from 'sanitize-filename';

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
 * such as fullwidth `．．／` count as the `../` they become), directories
 * stripped (both `/` and `\`), control, bidi and other invisible characters
 * removed, reserved characters and names removed (by `sanitize-filename`),
 * leading dots and spaces dropped, length capped while keeping the extension.
 * Never empty.
 */
export function sanitizeFilename(raw: string | undefined, fallback = 'file'): string {
  if (!raw) return fallback;
  // NFKC before looking for directories: fullwidth `．．／` (and `℀`, `﹨` ...)
  // become `../`, `a/c` and `\` for anything downstream that normalises, so
  // they must not survive in a key as harmless-looking look-alikes.
  const base = raw.normalize('NFKC').split(/[/\\]/).pop() ?? '';
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
