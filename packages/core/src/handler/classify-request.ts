import { parse as parseContentType } from 'content-type';
import { UploadError, toUploadError } from '../errors/upload-error.js';
import type { UploadLimits } from '../options/limits.js';
import type { ResolvedUploadOptions } from '../options/upload-options.js';
import { contentLengthOf, flattenHeaders, type FlatHeaders, type HeaderSource } from './request-headers.js';

/** What kind of body a request carries, decided from its headers alone. */
export type BodyKind = { kind: 'multipart'; contentType: string } | { kind: 'urlencoded'; contentType: string } | { kind: 'raw'; declaredType: string };

const RAW_UPLOAD_METHODS = new Set(['PUT', 'POST']);

// RFC 2046 §5.1.1: 1 to 70 characters from this set, not ending in a space.
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/**
 * Gates a request before a byte of its body is read: refuses compressed
 * bodies, unknown media types and bad boundaries with a typed error, so the
 * parser only ever sees what it was built for.
 */
export function classifyRequest(headers: FlatHeaders, options: ResolvedUploadOptions<unknown>, method?: string): BodyKind {
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
    const boundary = parameters.boundary;
    if (boundary === undefined) throw new UploadError('MISSING_BOUNDARY');
    if (!BOUNDARY.test(boundary)) throw new UploadError('INVALID_BOUNDARY');
    return { kind: 'multipart', contentType: header! };
  }
  if (type === 'application/x-www-form-urlencoded' && options.urlencoded) return { kind: 'urlencoded', contentType: header! };
  if (options.rawUpload && type !== 'multipart/form-data') {
    // A raw upload is a body that *is* a file: only PUT and POST carry one by
    // intent. (Unknown when the caller does not say, e.g. a bare handle() call.)
    if (method !== undefined && !RAW_UPLOAD_METHODS.has(method.toUpperCase())) {
      throw new UploadError('METHOD_NOT_ALLOWED', { details: { method, allowed: [...RAW_UPLOAD_METHODS] } });
    }
    return { kind: 'raw', declaredType: type.includes('/') ? type : 'application/octet-stream' };
  }
  throw new UploadError('UNSUPPORTED_MEDIA_TYPE', { details: { accepted: acceptedTypes(options) } });
}

function acceptedTypes(options: ResolvedUploadOptions<unknown>): string[] {
  return ['multipart/form-data', ...(options.urlencoded ? ['application/x-www-form-urlencoded'] : [])];
}

/** The byte limit of a whole body of this kind, and how going over it is reported. */
export interface BodyByteLimit {
  max: number;
  code: 'LIMIT_TOTAL_SIZE' | 'LIMIT_URLENCODED_SIZE';
  limit: 'totalSize' | 'urlencodedSize';
}

/** Which byte limit holds for a whole body: `totalSize`, or `urlencodedSize` for a smaller urlencoded one. */
export function bodyByteLimit(kind: BodyKind, limits: UploadLimits): BodyByteLimit {
  if (kind.kind === 'urlencoded' && limits.urlencodedSize < limits.totalSize) {
    return { max: limits.urlencodedSize, code: 'LIMIT_URLENCODED_SIZE', limit: 'urlencodedSize' };
  }
  return { max: limits.totalSize, code: 'LIMIT_TOTAL_SIZE', limit: 'totalSize' };
}

/** The error for a body over {@link bodyByteLimit}. */
export function bodyByteLimitError({ max, code, limit }: BodyByteLimit): UploadError {
  return new UploadError(code, { details: { limit, max } });
}

/**
 * What the handler would refuse a request with from its headers alone (media
 * type, Content-Encoding, boundary, a declared Content-Length over the body
 * limit), or `undefined` when the headers are acceptable. For deciding before
 * the body is read, e.g. whether to answer `Expect: 100-continue`.
 */
export function refusalFromHeaders(headers: HeaderSource, options: ResolvedUploadOptions<unknown>): UploadError | undefined {
  try {
    const flat = flattenHeaders(headers);
    const bound = bodyByteLimit(classifyRequest(flat, options), options.limits);
    const length = contentLengthOf(flat);
    return length !== undefined && length > bound.max ? bodyByteLimitError(bound) : undefined;
  } catch (error) {
    return toUploadError(error);
  }
}
