import { createHash, randomBytes } from 'node:crypto';
import { buildMultipart, type TestMultipartBody, type TestPart } from '@sluice/core/testing';

export { buildMultipart, type TestPart };

/** A fixed boundary for hand-written bodies. */
export const BOUNDARY = 'HostileBoundary7MA4YWxkTrZu0gW';
export const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;

/** Options of {@link requestHead}. */
export interface HeadOptions {
  contentType?: string | null;
  /** A number, or `null` for none (then usually with `Transfer-Encoding: chunked`). Default: none. */
  contentLength?: number | string | null;
  /** Extra header lines, sent as they are. */
  headers?: string[];
  path?: string;
}

/** An HTTP/1.1 request head for `POST /upload`, ending with the blank line. */
export function requestHead({ contentType = MULTIPART, contentLength = null, headers = [], path = '/upload' }: HeadOptions = {}): string {
  const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1'];
  if (contentType !== null) lines.push(`Content-Type: ${contentType}`);
  if (contentLength !== null) lines.push(`Content-Length: ${contentLength}`);
  lines.push(...headers);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A head with the right Content-Length for `body`, and its type. */
export function headFor(body: { body: Buffer; contentType: string }, headers: string[] = []): string {
  return requestHead({ contentType: body.contentType, contentLength: body.body.length, headers });
}

/** One hand-written part: raw header lines and content. */
export interface RawPart {
  headers: string[];
  content: Buffer | string;
}

/** Options of {@link rawMultipart}. */
export interface RawMultipartOptions {
  boundary?: string;
  /** Bytes before the first boundary. */
  preamble?: Buffer | string;
  /** Bytes after the closing boundary. */
  epilogue?: Buffer | string;
  /** The line break used everywhere (a bare `\n` is malformed). Default CRLF. */
  eol?: string;
  /** Write the closing boundary. Default true. */
  close?: boolean;
}

/** A multipart body written by hand, for shapes `buildMultipart` will not produce. */
export function rawMultipart(parts: readonly RawPart[], options: RawMultipartOptions = {}): TestMultipartBody {
  const { boundary = BOUNDARY, preamble = '', epilogue = '', eol = '\r\n', close = true } = options;
  const chunks: Buffer[] = [Buffer.from(preamble)];
  for (const [index, part] of parts.entries()) {
    chunks.push(Buffer.from(`${index === 0 ? '' : eol}--${boundary}${eol}${part.headers.map((line) => line + eol).join('')}${eol}`));
    chunks.push(Buffer.from(part.content));
  }
  if (close) chunks.push(Buffer.from(`${eol}--${boundary}--${eol}`), Buffer.from(epilogue));
  return { boundary, contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** A file part's usual header lines. */
export function fileHeaders(field: string, filename: string, type = 'application/octet-stream'): string[] {
  return [`Content-Disposition: form-data; name="${field}"; filename="${filename}"`, `Content-Type: ${type}`];
}

/** `body` framed with `Transfer-Encoding: chunked`, in chunks of `size` bytes. */
export function chunkedEncoding(body: Buffer, size = 64 * 1024): Buffer {
  const out: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size) {
    const chunk = body.subarray(offset, offset + size);
    out.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  out.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(out);
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

const builders: Array<() => unknown> = [];

/**
 * Builds a value once, on first use: big bodies are shared by every adapter
 * and storage. {@link buildSharedBodies} builds them all up front.
 */
export function lazy<T>(build: () => T): () => T {
  let value: { v: T } | undefined;
  const get = (): T => (value ??= { v: build() }).v;
  builders.push(get);
  return get;
}

/**
 * Builds every {@link lazy} body now. The servers under test share the event
 * loop with the client: megabytes of random bytes or a gzip built while
 * concurrent cases run would stall them past the 500 ms idle timeout.
 */
export function buildSharedBodies(): void {
  for (const build of builders) build();
}

export const KiB = 1024;
export const MiB = 1024 * 1024;

/** What random content starts with, so that no magic-byte check can mistake it for a known format. */
const NEUTRAL_START = Buffer.from('sluice test data\n');

/**
 * Random bytes (content that never contains a delimiter by accident is
 * overwhelmingly likely). They start with a fixed line of text: bare random
 * bytes begin with a short signature now and then (an MP3 frame sync is 11
 * bits), and the sniffed type then falls outside the suite's allowedTypes.
 */
export const random = (size: number): Buffer => {
  const bytes = randomBytes(size);
  NEUTRAL_START.copy(bytes, 0, 0, Math.min(size, NEUTRAL_START.length));
  return bytes;
};

/** A real 1x1 PNG. */
export const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');
