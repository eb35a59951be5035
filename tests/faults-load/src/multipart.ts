import { createHash } from 'node:crypto';
import { boundary as newBoundary, fileChunks } from './content.js';

/** One file of a generated upload. */
export interface GenFile {
  /** Content identity: the same seed and id always give the same bytes. */
  id: string | number;
  size: number;
  filename: string;
  field?: string;
  type?: string;
}

/** A multipart/form-data body produced while it is sent. */
export interface GenBody {
  contentType: string;
  contentLength: number;
  /** The body, chunk by chunk. Each file's sha256 is in `sha256` once its bytes have been produced. */
  chunks(): Generator<Buffer>;
  /** Hex sha256 per file, filled in while `chunks()` runs. */
  readonly sha256: string[];
}

function partHead(boundary: string, file: GenFile): Buffer {
  return Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`,
  );
}

function fieldPart(boundary: string, name: string, value: string): Buffer {
  return Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
}

/** A multipart body of text fields, then files (seeded content), with an exact Content-Length. */
export function genBody(seed: number, files: readonly GenFile[], fields: Record<string, string> = {}): GenBody {
  const boundary = newBoundary();
  const fieldBytes = Object.entries(fields).map(([name, value]) => fieldPart(boundary, name, value));
  const heads = files.map((file) => partHead(boundary, file));
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const contentLength = fieldBytes.reduce((sum, part) => sum + part.length, 0) + files.reduce((sum, file, i) => sum + heads[i]!.length + file.size + 2, 0) + tail.length;
  const sha256: string[] = [];
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength,
    sha256,
    *chunks() {
      yield* fieldBytes;
      for (const [i, file] of files.entries()) {
        yield heads[i]!;
        const hash = createHash('sha256');
        for (const chunk of fileChunks(seed, file.id, file.size)) {
          hash.update(chunk);
          yield chunk;
        }
        sha256[i] = hash.digest('hex');
        yield Buffer.from('\r\n');
      }
      yield tail;
    },
  };
}

/** The whole body as one buffer (for small bodies, e.g. to cut at an exact byte). */
export function bodyBuffer(body: GenBody): Buffer {
  return Buffer.concat([...body.chunks()], body.contentLength);
}
