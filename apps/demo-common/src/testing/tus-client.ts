import { randomBytes } from 'node:crypto';
import { pacedReader } from '@sluice/tus-test-client/paced-reader';
import { Upload } from 'tus-js-client';

export { settledTusOffset, tusOffset } from '@sluice/tus-test-client/offset';

/** `bytes` of content that starts with a neutral line, so random bytes are never sniffed as a known format. */
export function neutralContent(bytes: number): Buffer {
  const head = Buffer.from('resumable demo upload\n');
  return Buffer.concat([head, randomBytes(Math.max(0, bytes - head.length))]);
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
