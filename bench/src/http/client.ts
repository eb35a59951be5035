import http from 'node:http';

/** One upload's multipart framing around a file of `fileBytes` bytes. */
export interface UploadBody {
  contentType: string;
  head: Buffer;
  tail: Buffer;
  fileBytes: number;
  /** Content-Length of the whole body. */
  length: number;
}

/** A browser-like single-file body around `fileBytes` bytes (the content is `block`, repeated). */
export function uploadBody(boundary: string, fileBytes: number): UploadBody {
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="upload.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { contentType: `multipart/form-data; boundary=${boundary}`, head, tail, fileBytes, length: head.length + fileBytes + tail.length };
}

/** What one upload returned. */
export interface UploadReply {
  status: number;
  /** Bytes the server found at the destination (or read, for the ceilings). */
  bytes: number;
  /** Milliseconds from the request's start to the end of the response. */
  ms: number;
  error?: string;
}

/**
 * POSTs one generated body to 127.0.0.1:`port` with node:http, writing the
 * file content in `block`-sized slices with backpressure, so the client holds
 * one block, never the whole body (2 GiB uploads included).
 */
export function sendUpload(port: number, body: UploadBody, block: Buffer): Promise<UploadReply> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/upload',
        agent: false,
        headers: { 'content-type': body.contentType, 'content-length': String(body.length) },
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () => {
          const ms = performance.now() - start;
          const text = Buffer.concat(parts).toString();
          try {
            const parsed = JSON.parse(text) as { bytes?: number; error?: string };
            resolve({ status: res.statusCode ?? 0, bytes: parsed.bytes ?? -1, ms, error: parsed.error });
          } catch {
            resolve({ status: res.statusCode ?? 0, bytes: -1, ms, error: text.slice(0, 500) });
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    let left = body.fileBytes;
    const writeMore = (): void => {
      while (left > 0) {
        const slice = left >= block.length ? block : block.subarray(0, left);
        left -= slice.length;
        if (!req.write(slice)) {
          req.once('drain', writeMore);
          return;
        }
      }
      req.end(body.tail);
    };
    req.write(body.head);
    writeMore();
  });
}
