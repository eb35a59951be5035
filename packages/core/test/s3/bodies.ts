import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { browserBoundary } from '../../src/testing/multipart-body.js';
import type { KeyFunction } from '../../src/naming/key-strategies.js';

/** One file of a {@link streamingMultipart} body. */
export interface GeneratedFile {
  field: string;
  filename: string;
  size: number;
  contentType?: string;
  /** The first bytes, e.g. a PNG signature for type sniffing; random bytes follow. */
  head?: Buffer;
}

/** A multipart body generated while it is read, with the sha256 of each file's content. */
export interface StreamingBody {
  contentType: string;
  contentLength: number;
  body: Readable;
  /** Hex sha256 of each file, in order; complete once `body` has ended. */
  sha256: string[];
}

const CHUNK = 256 * 1024;

/**
 * How generated content starts unless a file names its own head: bare random
 * bytes are sniffed as some known format (an MP3 frame, a cpio archive ...)
 * about once in 2,000 files, which would change the file's type.
 */
const NEUTRAL_START = Buffer.from('sluice test data\n');

/**
 * Generates a multipart/form-data body chunk by chunk (random content made
 * on the fly, hashed as it goes), so a 64 MiB file never exists as one buffer.
 * Framing is byte for byte what `buildMultipart` produces.
 */
export function streamingMultipart(files: readonly GeneratedFile[], { chunkSize = CHUNK, stopAfter, paceMs }: { chunkSize?: number; stopAfter?: number; paceMs?: number } = {}): StreamingBody {
  const boundary = browserBoundary();
  const heads = files.map((file) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`),
  );
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const contentLength = files.reduce((sum, file, i) => sum + heads[i]!.length + file.size + 2, 0) + tail.length;
  const sha256: string[] = [];
  let sent = 0;
  async function* generate(): AsyncGenerator<Buffer> {
    for (const [i, file] of files.entries()) {
      yield heads[i]!;
      const hash = createHash('sha256');
      for (let offset = 0; offset < file.size; ) {
        const size = Math.min(chunkSize, file.size - offset);
        const head = file.head ?? NEUTRAL_START;
        const chunk = offset === 0 ? Buffer.concat([head, randomBytes(Math.max(0, size - head.length))]).subarray(0, size) : randomBytes(size);
        hash.update(chunk);
        offset += size;
        sent += size;
        if (paceMs) await new Promise((resolve) => setTimeout(resolve, paceMs));
        yield chunk;
        // A client that goes away mid-file: the stream just stops (the test then aborts or times out).
        if (stopAfter !== undefined && sent >= stopAfter) await new Promise(() => {});
      }
      sha256[i] = hash.digest('hex');
      yield Buffer.from('\r\n');
    }
    yield tail;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, contentLength, body: Readable.from(generate(), { objectMode: false }), sha256 };
}

/** The headers a client would send with `body`. */
export function headersOf(body: StreamingBody): Record<string, string> {
  return { 'content-type': body.contentType, 'content-length': String(body.contentLength) };
}

/** Reads an object back and hashes it as it streams. */
export async function objectDigest(client: S3Client, bucket: string, key: string): Promise<{ sha256: string; size: number; contentType: string | undefined }> {
  const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of output.Body as Readable) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size, contentType: output.ContentType };
}

/** A key function that keeps a test's keys under its space's prefix. */
export function keyUnder(prefix: string): KeyFunction {
  return ({ safeName }) => `${prefix}${randomUUID()}/${safeName}`;
}

/** `size` random bytes as a stream of 256 KiB chunks made on the fly. */
export function randomStream(size: number): Readable {
  return Readable.from(
    (async function* () {
      for (let offset = 0; offset < size; offset += CHUNK) yield randomBytes(Math.min(CHUNK, size - offset));
    })(),
    { objectMode: false },
  );
}
