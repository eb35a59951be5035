import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { loadMimeTypes } from '../file/detect-type.js';
import { isSafeKey } from '../naming/safe-key.js';
import { loadNodeFs } from '../storage/node-fs.js';
import type { PutResult, StorageDriver } from '../storage/types.js';

/** A file on disk, optionally only the inclusive byte range `start`..`end`. */
export interface FileSource {
  path: string;
  start?: number;
  end?: number;
}

/** Everything {@link storeBody} can store. */
export type BodyInput = string | Buffer | Uint8Array | Readable | ReadableStream<Uint8Array> | FileSource;

/** Options of {@link storeBody}. */
export interface StoreBodyOptions {
  /** How to turn a string body into bytes. Default `utf8`. */
  encoding?: BufferEncoding;
  /** Media type recorded with the object. Default: by the key's extension, else octet-stream. */
  type?: string;
  /** Aborts the write. */
  signal?: AbortSignal;
}

function isFileSource(value: unknown): value is FileSource {
  return typeof value === 'object' && value !== null && typeof (value as FileSource).path === 'string' && !(value instanceof Readable);
}

function checkRange(start: number | undefined, end: number | undefined): void {
  for (const [name, value] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw new TypeError(`storeBody: range ${name} must be a whole number >= 0`);
  }
  if (start !== undefined && end !== undefined && end < start) throw new TypeError('storeBody: range end must be >= start');
}

async function toReadable(body: BodyInput, encoding: BufferEncoding): Promise<Readable> {
  if (typeof body === 'string') return Readable.from([Buffer.from(body, encoding)]);
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) return Readable.from([Buffer.from(body.buffer, body.byteOffset, body.byteLength)]);
  if (body instanceof Readable) return body;
  if (typeof (body as ReadableStream).getReader === 'function') return Readable.fromWeb(body as NodeWebReadableStream<Uint8Array>);
  if (isFileSource(body)) {
    checkRange(body.start, body.end);
    const { fs, fsp } = await loadNodeFs();
    const info = await fsp.stat(body.path);
    if (!info.isFile()) throw new TypeError(`storeBody: ${body.path} is not a file`);
    if (body.start !== undefined && body.start >= info.size && info.size > 0) throw new RangeError(`storeBody: range start ${body.start} is past the end of ${body.path} (${info.size} bytes)`);
    return fs.createReadStream(body.path, { start: body.start, end: body.end });
  }
  throw new TypeError('storeBody: body must be a string, Buffer, Uint8Array, Node Readable, Web ReadableStream or { path, start?, end? }');
}

/**
 * Stores a body that did not come from an HTTP upload (the old S3 client's
 * body handlers): a string (utf8 or `encoding`), bytes, a Node or Web stream,
 * or a file path with an optional inclusive byte range. Goes through the same
 * driver contract as uploads, so partial writes are never left behind.
 *
 * @example
 * await storeBody(storage, 'reports/2026.csv', { path: '/tmp/big.csv', start: 0, end: 1023 });
 */
export async function storeBody(storage: StorageDriver, key: string, body: BodyInput, options: StoreBodyOptions = {}): Promise<PutResult> {
  if (!isSafeKey(key)) throw new TypeError(`storeBody: unsafe key ${JSON.stringify(key)}`);
  const stream = await toReadable(body, options.encoding ?? 'utf8');
  const type = options.type ?? ((await loadMimeTypes()).lookup(key) || 'application/octet-stream');
  const name = key.split('/').pop() ?? key;
  return storage.put(key, stream, { signal: options.signal ?? new AbortController().signal, file: { field: '', name, type } });
}
