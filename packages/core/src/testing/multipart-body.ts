import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** One part of a generated multipart body. */
export type TestPart = { name: string; value: string; contentType?: string } | { name: string; filename: string; content: Buffer | string; contentType?: string; extraHeaders?: string[] };

/** A generated multipart/form-data body and its Content-Type header. */
export interface TestMultipartBody {
  boundary: string;
  contentType: string;
  body: Buffer;
}

/** A boundary shaped like the ones browsers send. */
export function browserBoundary(): string {
  return `----WebKitFormBoundary${randomBytes(8).toString('base64url').slice(0, 16)}`;
}

function quote(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * Builds a multipart/form-data body in memory, byte for byte what a browser
 * would send, for tests and benchmarks.
 */
export function buildMultipart(parts: readonly TestPart[], boundary = browserBoundary()): TestMultipartBody {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const lines = [`--${boundary}`];
    if ('filename' in part) {
      lines.push(`Content-Disposition: form-data; name="${quote(part.name)}"; filename="${quote(part.filename)}"`);
      lines.push(`Content-Type: ${part.contentType ?? 'application/octet-stream'}`);
      lines.push(...(part.extraHeaders ?? []));
    } else {
      lines.push(`Content-Disposition: form-data; name="${quote(part.name)}"`);
      if (part.contentType) lines.push(`Content-Type: ${part.contentType}`);
    }
    chunks.push(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`));
    chunks.push(Buffer.isBuffer((part as { content?: Buffer }).content) ? (part as { content: Buffer }).content : Buffer.from('filename' in part ? part.content : part.value));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { boundary, contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
}

/** Splits `body` into chunks of `size` bytes (the last may be shorter). */
export function chunked(body: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size) out.push(body.subarray(offset, offset + size));
  return out;
}

/** A Node Readable that yields `chunks` one at a time, like a socket would. */
export function streamOf(chunks: readonly Buffer[]): Readable {
  return Readable.from(chunks, { objectMode: false });
}
