import { parse as parseContentType } from 'content-type';
import { UploadError } from '../errors/upload-error.js';
import type { ResolvedUploadOptions } from '../options/upload-options.js';
import type { FlatHeaders } from './request-headers.js';

/** What kind of body a request carries, decided from its headers alone. */
export type BodyKind =
  | { kind: 'multipart'; contentType: string }
  | { kind: 'urlencoded'; contentType: string }
  | { kind: 'raw'; declaredType: string };

// RFC 2046 §5.1.1: 1 to 70 characters from this set, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * Gates a request before a byte of its body is read: refuses compressed
 * bodies, unknown media types and bad boundaries with a typed error, so the
 * parser only ever sees what it was built for.
 */
export function classifyRequest(headers: FlatHeaders, options: ResolvedUploadOptions<unknown>): BodyKind {
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  // A compressed body would let a small request expand past every limit.
  if (encoding && encoding !== 'identity') throw new UploadError('UNSUPPORTED_CONTENT_ENCODING', { details: { encoding } });

  const header = headers['content-type'];
  let type = '';
  let parameters: Record<string, string> = {};
  if (header) {
    try {
      ({ type, parameters } = parseContentType(header));
    } catch {
      type = '';
    }
  }

  if (type === 'multipart/form-data') {
    const boundary = parameters['boundary'];
    if (boundary === undefined) throw new UploadError('MISSING_BOUNDARY');
    if (!BOUNDARY.test(boundary)) throw new UploadError('INVALID_BOUNDARY');
    return { kind: 'multipart', contentType: header! };
  }
  if (type === 'application/x-www-form-urlencoded' && options.urlencoded) return { kind: 'urlencoded', contentType: header! };
  if (options.rawUpload && type !== 'multipart/form-data') {
    return { kind: 'raw', declaredType: type.includes('/') ? type : 'application/octet-stream' };
  }
  throw new UploadError('UNSUPPORTED_MEDIA_TYPE', { details: { accepted: acceptedTypes(options) } });
}

function acceptedTypes(options: ResolvedUploadOptions<unknown>): string[] {
  return ['multipart/form-data', ...(options.urlencoded ? ['application/x-www-form-urlencoded'] : [])];
}
