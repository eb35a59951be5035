import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createUploadHandler } from '../../src/session/create-upload-handler.js';
import type { StorageDriver } from '../../src/storage/types.js';

const MiB = 1024 * 1024;

/** Yields a multipart body of one `size`-byte file, generated as it is read. */
function generatedUpload(size: number, boundary: string): Readable {
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const block = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  let stage = 0;
  return new Readable({
    read() {
      if (stage === 0) {
        stage = 1;
        this.push(head);
      } else if (sent < size) {
        const n = Math.min(block.length, size - sent);
        sent += n;
        // A fresh buffer each time, like a socket: memory only stays flat if nothing holds on to them.
        this.push(Buffer.from(block.subarray(0, n)));
      } else if (stage === 1) {
        stage = 2;
        this.push(tail);
      } else this.push(null);
    },
  });
}

describe('backpressure', () => {
  it('streams 256 MiB through a deliberately slow driver with RSS growth under 64 MiB', async () => {
    let pulled = 0;
    let peakRss = 0;
    const slow: StorageDriver = {
      name: 'slow',
      async put(_key, body) {
        let size = 0;
        let n = 0;
        for await (const chunk of body) {
          size += (chunk as Buffer).length;
          // Slower than the "client": every 16th chunk waits a tick of the timer queue.
          if (++n % 16 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
        }
        return { size };
      },
      async remove() {},
    };
    const handler = createUploadHandler({ storage: slow, limits: { fileSize: Infinity, totalSize: Infinity } });
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    const size = 256 * MiB;
    const body = generatedUpload(size, 'bp');
    // Sampled on the data path: a timer could be starved while chunks flow.
    body.on('data', (chunk: Buffer) => {
      pulled += chunk.length;
      if (pulled % (16 * 64 * 1024) < chunk.length) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    });
    let pauses = 0;
    body.on('pause', () => pauses++);
    const result = await handler.handle({ headers: { 'content-type': 'multipart/form-data; boundary=bp' }, body });
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    expect(result.files.f![0]!.size).toBe(size);
    expect(pulled).toBeGreaterThan(size);
    // The driver really was the slow party: the engine paused the body many times.
    expect(pauses).toBeGreaterThan(100);
    const growthMiB = (peakRss - baseline) / MiB;
    expect(growthMiB).toBeLessThan(64);
  }, 120_000);
});
