import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleNodeUpload } from '../node/handle-node-upload.js';
import { sendUploadError } from '../node/send-upload-error.js';
import { createUploadHandler } from '../session/create-upload-handler.js';
import { memoryStorage } from '../storage/memory-storage.js';
import { buildMultipart } from '../testing/multipart-body.js';
import { createLoadGovernor } from './load-governor.js';

describe('multipart upload handler with a load governor', () => {
  const load = createLoadGovernor({ maxUploads: 1, retryAfterSeconds: 2 });
  const storage = memoryStorage();
  const handler = createUploadHandler({ storage, load });
  load.observe(handler);
  const server = http.createServer(async (req, res) => {
    try {
      const result = await handleNodeUpload(handler, req, res);
      res.end(JSON.stringify({ files: Object.keys(result.files) }));
    } catch (error) {
      sendUploadError(res, error);
    }
  });
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await handler.shutdown();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a second POST with 503 SERVER_BUSY and Retry-After while the first streams, then admits again', async () => {
    const form = buildMultipart([{ name: 'file', filename: 'a.txt', content: `first upload\n${'x'.repeat(2 * 1024 * 1024)}`, contentType: 'text/plain' }]);
    let answer = '';
    let during: ReturnType<typeof load.gauges> | undefined;
    let refused: { status: number; retryAfter: string | null; body: unknown } | undefined;
    const first = new Promise<number>((resolve, reject) => {
      const req = http.request(`${base}/`, { method: 'POST', headers: { 'Content-Type': form.contentType, 'Content-Length': String(form.body.length) } }, (res) => {
        res.on('data', (chunk: Buffer) => (answer += chunk));
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      // Half the body now (past the 1 MiB progress step), the rest once the second request was refused.
      req.write(form.body.subarray(0, form.body.length / 2));
      setTimeout(async () => {
        try {
          during = load.gauges();
          const second = buildMultipart([{ name: 'file', filename: 'b.txt', content: 'second upload\n', contentType: 'text/plain' }]);
          const answer = await fetch(`${base}/`, { method: 'POST', headers: { 'Content-Type': second.contentType }, body: new Uint8Array(second.body) });
          refused = { status: answer.status, retryAfter: answer.headers.get('retry-after'), body: await answer.json() };
        } finally {
          req.end(form.body.subarray(form.body.length / 2));
        }
      }, 400);
    });
    expect(await first, answer).toBe(200);
    expect(refused).toMatchObject({ status: 503, retryAfter: '2', body: { error: { code: 'SERVER_BUSY', retryAfter: 2 } } });
    expect(during?.uploadsInFlight).toBe(1);
    expect(during?.bytesInFlight).toBeGreaterThan(1024 * 1024);
    expect(load.gauges()).toMatchObject({ uploadsInFlight: 0, bytesInFlight: 0, refusedTotal: 1, admittedTotal: 1 });
    const again = buildMultipart([{ name: 'file', filename: 'c.txt', content: 'third upload\n', contentType: 'text/plain' }]);
    expect((await fetch(`${base}/`, { method: 'POST', headers: { 'Content-Type': again.contentType }, body: new Uint8Array(again.body) })).status).toBe(200);
  });
});
