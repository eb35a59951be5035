import { parse as parseContentType } from 'content-type';
import { UploadError, toUploadError } from '../errors/upload-error.js';
import { bodyByteLimit, exceedsDeclaredLength, limitError, type BodyByteLimit } from '../limits/limits.js';
import type { ResolvedUploadOptions } from '../session/upload-options.js';
import { contentLengthOf, flattenHeaders, type FlatHeaders, type HeaderSource } from './headers.js';

/** What kind of body a request carries, decided from its headers alone. */
export type BodyKind = { kind: 'multipart'; contentType: string; boundary: string } | { kind: 'urlencoded'; contentType: string } | { kind: 'raw'; declaredType: string };

/** A request's headers, read once: its body kind, declared length and byte limit. */
export type RequestHead = BodyKind & {
  /** The declared Content-Length, when a plain number. */
  contentLength: number | undefined;
  /** The byte limit of the whole body. */
  bound: BodyByteLimit;
};

const RAW_UPLOAD_METHODS = new Set(['PUT', 'POST']);

// RFC 2046 section 5.1.1: 1 to 70 characters from this set, not ending in a space.
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

  // The one place the request's Content-Type is parsed.
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
    return { kind: 'multipart', contentType: header!, boundary };
  }
  if (type === 'application/x-www-form-urlencoded' && options.urlencoded) return { kind: 'urlencoded', contentType: header! };
  if (options.rawUpload) {
    // A raw upload is a body that *is* a file: only PUT and POST carry one by
    // intent. (Unknown when the caller does not say, e.g. a bare handle() call.)
    if (method !== undefined && !RAW_UPLOAD_METHODS.has(method.toUpperCase())) {
      throw new UploadError('METHOD_NOT_ALLOWED', { details: { method, allowed: [...RAW_UPLOAD_METHODS] } });
    }
    return { kind: 'raw', declaredType: type.includes('/') ? type : 'application/octet-stream' };
  }
  throw new UploadError('UNSUPPORTED_MEDIA_TYPE', { details: { accepted: ['multipart/form-data', ...(options.urlencoded ? ['application/x-www-form-urlencoded'] : [])] } });
}

/**
 * Reads a request's headers once: its kind, declared length and byte limit.
 * Throws the refusal (415, 400, 405, or 413 for a declared Content-Length over
 * the limit: formaline's checkContentLength) before a byte of the body is read.
 */
export function readRequestHead(headers: FlatHeaders, options: ResolvedUploadOptions<unknown>, method?: string): RequestHead {
  const kind = classifyRequest(headers, options, method);
  const contentLength = contentLengthOf(headers);
  const bound = bodyByteLimit(kind.kind, options.limits);
  const refusal = exceedsDeclaredLength(contentLength, bound);
  if (refusal) throw refusal;
  return { ...kind, contentLength, bound };
}

/**
 * What the handler would refuse a request with from its headers alone (media
 * type, Content-Encoding, boundary, a declared Content-Length over the body
 * limit), or `undefined` when the headers are acceptable. For deciding before
 * the body is read, e.g. whether to answer `Expect: 100-continue`.
 */
export function refusalFromHeaders(headers: HeaderSource, options: ResolvedUploadOptions<unknown>): UploadError | undefined {
  try {
    readRequestHead(flattenHeaders(headers), options);
    return undefined;
  } catch (error) {
    return toUploadError(error);
  }
}

/** The error for a body over its byte limit. */
export function bodyByteLimitError(bound: BodyByteLimit): UploadError {
  return limitError(bound.limit, bound.max);
}
