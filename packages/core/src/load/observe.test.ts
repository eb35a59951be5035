import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStorage } from '../storage/memory-storage.js';
import { memoryResumable } from '../storage/memory-resumable.js';
import { createTusHandler } from '../tus/create-tus-handler.js';
import { createLoadGovernor } from './load-governor.js';

const TUS = { 'Tus-Resumable': '1.0.0' };

describe('createLoadGovernor().observe on a real tus handler', () => {
  const tus = createTusHandler({ store: memoryResumable({ storage: memoryStorage() }), path: '/tus', progressBytes: 1024 });
  const governor = createLoadGovernor();
  const stop = governor.observe(tus);
  const server = http.createServer((req, res) => void tus.handleNode(req, res));
  let base = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    stop();
    await tus.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('counts the bytes of a PATCH in flight and drops them when it ends', async () => {
    const created = await fetch(`${base}/tus`, { method: 'POST', headers: { ...TUS, 'Upload-Length': '65536' } });
    const location = new URL(created.headers.get('location')!, base);
    const piece = Buffer.alloc(16 * 1024, 'a');
    let during = -1;
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(location, { method: 'PATCH', headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0', 'Content-Length': '65536' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      });
      req.on('error', reject);
      req.write(piece);
      req.write(piece);
      // Two pieces are in; look at the gauge before the body ends.
      setTimeout(() => {
        during = governor.gauges().bytesInFlight;
        req.end(Buffer.concat([piece, piece]));
      }, 300);
    });
    expect(status).toBe(204);
    expect(during).toBeGreaterThanOrEqual(16 * 1024);
    expect(during).toBeLessThanOrEqual(32 * 1024);
    expect(governor.gauges().bytesInFlight).toBe(0);
  });
});
