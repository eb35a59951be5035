/**
 * A `Content-Disposition` value for S3's `ContentDisposition` parameter that
 * is safe for any file name (RFC 6266): an ASCII fallback in `filename` and
 * the exact name, percent-encoded, in `filename*`. S3 sends it back verbatim
 * on download, and an HTTP header cannot carry raw non-ASCII bytes.
 *
 * @example
 * s3Storage({ bucket, params: (file) => ({ ContentDisposition: contentDisposition(file.name) }) })
 */
export function contentDisposition(filename: string, type: 'attachment' | 'inline' = 'attachment'): string {
  // eslint-disable-next-line no-control-regex
  const fallback = filename.replace(/[^\x20-\x7E]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${type}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
