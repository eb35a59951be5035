import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { ResumableInfo } from '../../tus/store-types.js';
import { s3ErrorName } from './map-s3-error.js';
import { MIN_PART_SIZE } from './options.js';

/** One uploaded part of the multipart upload, as recorded in the info object. */
export interface RecordedPart {
  n: number;
  size: number;
  etag: string;
}

/**
 * The S3 side of an upload's state, inside its info object. The offset is
 * `sum(parts.size) + tail.size`: the info object is the single source of
 * truth, written only after the bytes it counts are durable in the bucket.
 */
export interface S3UploadState {
  /** Bytes per part for this upload (every part but the last has exactly this size). */
  partSize: number;
  /** The multipart upload, created with the first full part. */
  uploadId?: string;
  parts: RecordedPart[];
  /**
   * Bytes that do not fill a part yet, kept as their own object
   * `<prefix><id>.partial.<n>`, where `n` is the part number they will start.
   */
  tail?: { n: number; size: number };
}

/** The info object's JSON: the public state plus the S3 facts. */
export type S3ResumableInfo = ResumableInfo & { s3: S3UploadState };

/** Options of `s3Resumable`. */
export interface S3ResumableOptions {
  bucket: string;
  /** An S3 client to use as-is; takes precedence over `clientConfig`. */
  client?: S3Client;
  /** Settings for a client built by the store (checksums default to `WHEN_REQUIRED`, which radosgw needs). */
  clientConfig?: S3ClientConfig;
  /** Where info and partial objects live. Default `.tus/`. Final objects go to their own keys. */
  statePrefix?: string;
  /** Bytes per part, at least 5 MiB. Default 8 MiB. A known length above 10 000 parts raises it for that upload. */
  partSize?: number;
}

/** The most parts one multipart upload may have. */
export const MAX_PARTS = 10_000;

/** The resolved settings and the object names of one store. */
export interface S3ResumableContext {
  client: S3Client;
  bucket: string;
  prefix: string;
  partSize: number;
  infoKey(id: string): string;
  tailKey(id: string, n: number): string;
  /** The info objects this store last wrote or read, by upload id: their ETag and body ({@link readInfo}). */
  known: Map<string, { etag: string; body: string }>;
}

/** How many info objects a store remembers (about a kilobyte each). */
const KNOWN_INFOS = 1_000;

/** Validates options and builds the client. */
export function resolveResumableContext(options: S3ResumableOptions): S3ResumableContext {
  if (!options || typeof options.bucket !== 'string' || options.bucket === '') throw new TypeError('s3Resumable: bucket is required');
  const partSize = options.partSize ?? 8 * 1024 * 1024;
  if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE) throw new TypeError(`s3Resumable: partSize must be a whole number >= ${MIN_PART_SIZE}`);
  const prefix = options.statePrefix ?? '.tus/';
  const client = options.client ?? new S3Client({ requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED', ...options.clientConfig });
  return {
    client,
    bucket: options.bucket,
    prefix,
    partSize,
    infoKey: (id) => `${prefix}${id}.info`,
    tailKey: (id, n) => `${prefix}${id}.partial.${n}`,
    known: new Map(),
  };
}

/** The part size of a new upload: the store's, raised so that a known length fits in 10 000 parts (whole MiB). */
export function partSizeFor(base: number, length: number | undefined): number {
  if (length === undefined || length <= base * MAX_PARTS) return base;
  const MiB = 1024 * 1024;
  return Math.ceil(length / MAX_PARTS / MiB) * MiB;
}

function remember(ctx: S3ResumableContext, id: string, etag: string | undefined, body: string): void {
  ctx.known.delete(id);
  if (!etag) return;
  ctx.known.set(id, { etag, body });
  if (ctx.known.size > KNOWN_INFOS) ctx.known.delete(ctx.known.keys().next().value!);
}

const isMissing = (error: unknown): boolean => s3ErrorName(error) === 'NoSuchKey' || s3ErrorName(error) === 'NotFound';

/**
 * Reads the info object, or `undefined` when there is none. When this store
 * last wrote or read it, a HEAD whose ETag matches stands in for the GET: an
 * ETag names the bytes, so a change by any other instance shows, and the HEAD
 * avoids the GET's body round trip (about 40 ms per read on radosgw, whose
 * body segment waits for a delayed ACK).
 */
export async function readInfo(ctx: S3ResumableContext, id: string): Promise<S3ResumableInfo | undefined> {
  const Key = ctx.infoKey(id);
  try {
    const known = ctx.known.get(id);
    if (known && (await ctx.client.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key }))).ETag === known.etag) return JSON.parse(known.body) as S3ResumableInfo;
    const out = await ctx.client.send(new GetObjectCommand({ Bucket: ctx.bucket, Key }));
    const body = await out.Body!.transformToString('utf8');
    remember(ctx, id, out.ETag, body);
    return JSON.parse(body) as S3ResumableInfo;
  } catch (error) {
    if (!isMissing(error)) throw error;
    ctx.known.delete(id);
    return undefined;
  }
}

/** Writes the info object (one PutObject: readers see the old or the new state, never a mix). */
export async function writeInfo(ctx: S3ResumableContext, info: S3ResumableInfo): Promise<S3ResumableInfo> {
  delete (info as ResumableInfo).storeState;
  info.offset = info.s3.parts.reduce((sum, part) => sum + part.size, 0) + (info.s3.tail?.size ?? 0);
  const body = JSON.stringify(info);
  // Forgotten first: if the write fails, what S3 holds is unknown.
  ctx.known.delete(info.id);
  const out = await ctx.client.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: ctx.infoKey(info.id), Body: body, ContentType: 'application/json' }));
  remember(ctx, info.id, out.ETag, body);
  return info;
}

/** Deletes one object; a missing one is fine. */
export async function deleteQuietly(ctx: S3ResumableContext, key: string): Promise<void> {
  try {
    await ctx.client.send(new DeleteObjectCommand({ Bucket: ctx.bucket, Key: key }));
  } catch (error) {
    if (s3ErrorName(error) !== 'NoSuchKey') throw error;
  }
}

/** The public view of the state (the S3 facts stay inside the store). */
export function publicInfo(info: S3ResumableInfo): ResumableInfo {
  const { s3, ...rest } = info;
  return structuredClone({ ...rest, storeState: s3 });
}

/** The full state back from a public copy that still carries its store state, or undefined. */
export function fromPublicInfo(info: ResumableInfo | undefined): S3ResumableInfo | undefined {
  const s3 = info?.storeState as S3ResumableInfo['s3'] | undefined;
  if (!info || !s3 || !Array.isArray(s3.parts) || typeof s3.partSize !== 'number') return undefined;
  const { storeState: _state, ...rest } = structuredClone(info);
  return { ...rest, s3: structuredClone(s3) };
}
