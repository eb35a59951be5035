import { Upload } from 'tus-js-client';

/** Options of {@link resumableUpload}. */
export interface ResumableUploadOptions {
  /** The creation endpoint, e.g. `<balancer>/tus`. */
  endpoint: string;
  name: string;
  data: Buffer;
  /** Bytes per PATCH: each may land on another instance. */
  chunkSize: number;
  /** Fractions of the file at which the client pauses (abort) and resumes (start) after `pauseMs`. */
  pauses?: number[];
  pauseMs?: number;
}

/** What one upload went through. */
export interface ResumableOutcome {
  url: string;
  retries: number;
  pauses: number;
}

/**
 * One upload with the real tus-js-client: retries network errors, 5xx, 409
 * and 423 (its defaults, with a longer schedule so a crashed holder's lease
 * can expire), pauses and resumes at the given points (a resume starts with
 * HEAD), and resolves once the server confirmed the last byte.
 */
export function resumableUpload(options: ResumableUploadOptions): Promise<ResumableOutcome> {
  const pauses = [...(options.pauses ?? [])].sort((a, b) => a - b);
  let retries = 0;
  let paused = 0;
  return new Promise((resolve, reject) => {
    const upload: Upload = new Upload(options.data, {
      endpoint: options.endpoint,
      chunkSize: options.chunkSize,
      retryDelays: [0, 200, 500, 1_000, 2_000, 3_000, 3_000, 3_000, 3_000, 3_000, 3_000, 3_000],
      metadata: { filename: options.name, filetype: 'application/octet-stream' },
      onShouldRetry() {
        retries++;
        return true;
      },
      onProgress(sent, total) {
        if (pauses.length === 0 || sent < total * pauses[0]!) return;
        pauses.shift();
        paused++;
        void upload.abort().then(() => setTimeout(() => upload.start(), options.pauseMs ?? 200));
      },
      onSuccess() {
        resolve({ url: upload.url!, retries, pauses: paused });
      },
      onError(error) {
        reject(error);
      },
    });
    upload.start();
  });
}
