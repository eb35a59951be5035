import { TusError } from './tus-error.js';

/** The only protocol version served. */
export const TUS_VERSION = '1.0.0';

/** The extensions served, as announced in `Tus-Extension`. */
export const TUS_EXTENSIONS = ['creation', 'creation-with-upload', 'creation-defer-length', 'termination', 'expiration', 'checksum'] as const;

/** The body type of every PATCH (and of a creation-with-upload POST). */
export const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';

/** Upload ids: 32 lower-case hex digits from the CSPRNG. Anything else is unknown (404), never a path. */
const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** True when `id` has the exact shape of an upload id. */
export function isUploadId(id: string): boolean {
  return UPLOAD_ID.test(id);
}

/** Longest `Upload-Metadata` header accepted, in bytes. */
export const MAX_METADATA_BYTES = 8 * 1024;
const METADATA_KEY = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Parses `Upload-Metadata`: comma-separated `key base64value` pairs (the
 * value may be absent). Keys must be unique tokens; values are decoded as
 * UTF-8 and stay untrusted text. A malformed header is a 400.
 */
export function parseMetadata(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (header === undefined || header.trim() === '') return out;
  if (Buffer.byteLength(header) > MAX_METADATA_BYTES) throw new TusError(400, 'Upload-Metadata is too long');
  for (const pair of header.split(',')) {
    const [key, value, extra] = pair.trim().split(' ');
    if (key === undefined || !METADATA_KEY.test(key) || extra !== undefined || key in out) throw new TusError(400, 'Upload-Metadata is malformed');
    if (value !== undefined && (value.length % 4 !== 0 || !BASE64.test(value))) throw new TusError(400, 'Upload-Metadata is malformed');
    out[key] = value === undefined ? '' : Buffer.from(value, 'base64').toString('utf8');
  }
  return out;
}

/** A non-negative whole number header (`Upload-Offset`, `Upload-Length`), or a 400. */
export function parseSize(header: string | undefined, name: string): number | undefined {
  if (header === undefined) return undefined;
  if (!/^\d{1,16}$/.test(header.trim())) throw new TusError(400, `${name} must be a non-negative integer`);
  const value = Number(header.trim());
  if (!Number.isSafeInteger(value)) throw new TusError(400, `${name} is too large`);
  return value;
}

/** The checksum algorithms accepted in `Upload-Checksum`, as announced in `Tus-Checksum-Algorithm`. */
export const TUS_CHECKSUM_ALGORITHMS = ['sha1', 'md5', 'sha256', 'crc32c'] as const;

/** One of {@link TUS_CHECKSUM_ALGORITHMS}. */
export type TusChecksumAlgorithm = (typeof TUS_CHECKSUM_ALGORITHMS)[number];

/**
 * Parses `Upload-Checksum: <algorithm> <base64 digest>`. An algorithm not in
 * {@link TUS_CHECKSUM_ALGORITHMS} is a 400 (the checksum extension's rule).
 */
export function parseChecksum(header: string | undefined): { algorithm: TusChecksumAlgorithm; digest: Buffer } | undefined {
  if (header === undefined) return undefined;
  const [algorithm, value, extra] = header.trim().split(' ');
  if (!TUS_CHECKSUM_ALGORITHMS.includes(algorithm as TusChecksumAlgorithm)) throw new TusError(400, 'Checksum algorithm not supported');
  if (value === undefined || extra !== undefined || value.length % 4 !== 0 || !BASE64.test(value) || value === '') throw new TusError(400, 'Upload-Checksum is malformed');
  return { algorithm: algorithm as TusChecksumAlgorithm, digest: Buffer.from(value, 'base64') };
}

/** Formats `Upload-Metadata` back for a HEAD answer (keys and values as stored). */
export function formatMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => (value === '' ? key : `${key} ${Buffer.from(value, 'utf8').toString('base64')}`))
    .join(',');
}

/** The HTTP date of `ms`, as `Upload-Expires` wants it (RFC 9110 IMF-fixdate). */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
