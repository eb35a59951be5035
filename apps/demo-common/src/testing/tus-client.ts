import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Upload } from 'tus-js-client';

/** `bytes` of content that starts with a neutral line, so random bytes are never sniffed as a known format. */
export function neutralContent(bytes: number): Buffer {
  const head = Buffer.from('resumable demo upload\n');
  return Buffer.concat([head, randomBytes(Math.max(0, bytes - head.length))]);
}

/** The offset a tus server reports for `url` (the HEAD a resuming client sends). */
export async function tusOffset(url: string): Promise<number> {
  const response = await fetch(url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
  if (response.status !== 200 && response.status !== 204) throw new Error(`HEAD ${url}: HTTP ${response.status}`);
  return Number(response.headers.get('upload-offset'));
}

/**
 * Waits for the offset an interrupted PATCH left: above 0 and unchanged over
 * three looks 200 ms apart. A HEAD during the PATCH still reports the offset
 * before it (the server may still be storing bytes that were in flight), so a
 * single look, or a 0, proves nothing yet.
 */
export async function settledTusOffset(url: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const seen: number[] = [];
  while (Date.now() < deadline) {
    seen.push(await tusOffset(url));
    const last = seen.slice(-3);
    if (last.length === 3 && last[0]! > 0 && last.every((offset) => offset === last[0])) return last[0]!;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the offset of ${url} did not settle above 0 within ${timeoutMs} ms: ${seen.join(', ')}`);
}

/**
 * A tus-js-client file reader that hands the file to the request in 64 KiB
 * pieces, one per turn of the event loop, and once `cutAt` (a fraction) of
 * the file went out calls `cut` (which aborts the upload, destroying the
 * request mid-body) instead of sending more: a cut-off point that does not
 * depend on how fast the machine is. Without `cutAt` it sends everything.
 */
export function pacedReader(content: Buffer, cutAt?: number, cut?: () => Promise<void>) {
  return {
    async openFile() {
      return {
        size: content.length,
        async slice(start: number, end: number) {
          const part = content.subarray(start, end);
          async function* pieces(): AsyncGenerator<Buffer> {
            for (let at = 0; at < part.length; at += 64 * 1024) {
              if (cutAt !== undefined && start + at >= content.length * cutAt) {
                await cut?.();
                return;
              }
              yield part.subarray(at, at + 64 * 1024);
              await new Promise((resolve) => setImmediate(resolve));
            }
          }
          return { value: Object.assign(Readable.from(pieces()), { size: part.length }), done: start + part.length >= content.length };
        },
        close() {},
      };
    },
  };
}

/** What a tus-js-client upload ended with. */
export interface TusOutcome {
  url: string;
  /** The `Upload-Offset` of every PATCH sent. */
  patches: number[];
  /** The HTTP status of a refusal, when it failed. */
  status?: number;
  error?: Error;
}

/**
 * Runs one tus-js-client upload (no retries). `abortAt`: cut it off (abort,
 * without terminating) once that fraction of the file went out; otherwise run
 * it to the end or to the server's refusal. `uploadUrl` resumes an existing
 * upload.
 */
export function tusClientUpload(endpoint: string, content: Buffer, options: { name: string; type?: string; abortAt?: number; uploadUrl?: string }): Promise<TusOutcome> {
  return new Promise((resolve) => {
    const patches: number[] = [];
    const upload: Upload = new Upload(content, {
      endpoint,
      uploadUrl: options.uploadUrl,
      retryDelays: null,
      metadata: { filename: options.name, filetype: options.type ?? 'application/octet-stream' },
      fileReader: pacedReader(content, options.abortAt, () => upload.abort().then(() => resolve({ url: upload.url!, patches }))),
      onBeforeRequest(req) {
        if (req.getMethod() === 'PATCH') patches.push(Number(req.getHeader('Upload-Offset')));
      },
      onError(error) {
        const status = (error as { originalResponse?: { getStatus(): number } | null }).originalResponse?.getStatus();
        resolve({ url: upload.url ?? '', patches, status, error });
      },
      onSuccess: () => resolve({ url: upload.url!, patches }),
    });
    upload.start();
  });
}
