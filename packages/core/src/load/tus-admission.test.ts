import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStorage } from '../storage/memory-storage.js';
import { memoryResumable } from '../storage/memory-resumable.js';
import { createTusHandler } from '../tus/create-tus-handler.js';
import { createLoadGovernor } from './load-governor.js';

const TUS = { 'Tus-Resumable': '1.0.0' };

/** A PATCH whose body ends only when `finish` is called. */
function openPatch(url: URL, length: number): { finish(): void; answer: Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> } {
  const req = http.request(url, { method: 'PATCH', headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0', 'Content-Length': String(length) } });
  const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
  req.write(Buffer.alloc(length / 2, 'x'));
  return { finish: () => req.end(Buffer.alloc(length / 2, 'y')), answer };
}

describe('tus handler with a load governor', () => {
  const load = createLoadGovernor({ maxUploads: 1, retryAfterSeconds: 3 });
  const tus = createTusHandler({ store: memoryResumable({ storage: memoryStorage() }), path: '/tus', load });
  const server = http.createServer((req, res) => void tus.handleNode(req, res));
  let base = '';
  const create = async (): Promise<URL> => {
    const created = await fetch(`${base}/tus`, { method: 'POST', headers: { ...TUS, 'Upload-Length': '1024' } });
    return new URL(created.headers.get('location')!, base);
  };
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await tus.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('refuses a second PATCH with 503 and Retry-After while the instance is full, answers HEAD meanwhile, and admits again once the first ends', async () => {
    const [first, second] = [await create(), await create()];
    const running = openPatch(first, 1024);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(load.gauges().uploadsInFlight).toBe(1);
    const refused = await fetch(second, { method: 'PATCH', headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' }, body: Buffer.alloc(1024) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('3');
    expect((await fetch(second, { method: 'HEAD', headers: TUS })).headers.get('upload-offset')).toBe('0');
    running.finish();
    expect((await running.answer).status).toBe(204);
    expect(load.gauges()).toMatchObject({ uploadsInFlight: 0, refusedTotal: 1, admittedTotal: 1 });
    const admitted = await fetch(second, { method: 'PATCH', headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' }, body: Buffer.alloc(1024) });
    expect(admitted.status).toBe(204);
  });
});
