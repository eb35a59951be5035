import type { WriteStream } from 'node:fs';
import path from 'node:path';
import { loadNodeFs } from '../storage/node-fs.js';
import type { FlatHeaders } from '../request/headers.js';
import type { Logger } from './logger.js';

/** Writes one request's raw bytes to disk (formaline's `record`). */
export interface BodyRecorder {
  write(chunk: Buffer): void;
  close(): void;
}

/**
 * Starts a recording at `<dir>/<requestId>.http`: the headers as JSON on the
 * first line, then the body bytes exactly as received. Failures to record are
 * logged and never fail the upload.
 */
export function startRecording(dir: string, requestId: string, headers: FlatHeaders, logger: Logger): BodyRecorder {
  let out: WriteStream | undefined;
  const pending: Buffer[] = [Buffer.from(`${JSON.stringify(headers)}\n`)];
  const file = path.join(dir, `${requestId}.http`);
  let closed = false;
  loadNodeFs()
    .then(async ({ fs, fsp }) => {
      await fsp.mkdir(dir, { recursive: true });
      return fs;
    })
    .then(
      (fs) => {
        out = fs.createWriteStream(file, { flags: 'wx' });
        out.on('error', (error) => logger.warn('sluice: recording failed', { file, error: String(error) }));
        for (const chunk of pending.splice(0)) out.write(chunk);
        if (closed) out.end();
      },
      (error: unknown) => logger.warn('sluice: recording failed', { file, error: String(error) }),
    );
  return {
    write(chunk) {
      if (out) out.write(chunk);
      else pending.push(chunk);
    },
    close() {
      closed = true;
      out?.end();
    },
  };
}
