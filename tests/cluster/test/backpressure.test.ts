import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { content } from '../src/content.js';
import { metrics } from '../src/metrics.js';
import { type Instance, startInstance } from '../src/instance.js';
import { createUpload, patch, slowPatch } from '../src/tus-http.js';

describe('back-pressure on a demo instance (MAX_UPLOADS=1)', () => {
  let instance: Instance;
  beforeAll(async () => {
    instance = await startInstance('express', { STORAGE: 'memory', MAX_UPLOADS: '1', MAX_FILE_SIZE: '8MiB' });
  });
  afterAll(async () => {
    await instance?.stop('SIGKILL');
  });

  it('answers a second upload (tus PATCH or multipart POST) with 503 and Retry-After while the first runs, shows it at GET /metrics, and admits again afterwards', async () => {
    const [first, second] = [content(2 * 1024 * 1024), content(64 * 1024)];
    const running = await createUpload(instance.url, first.length, 'first.bin');
    const waiting = await createUpload(instance.url, second.length, 'second.bin');
    let during: Map<string, number> | undefined;
    let refused: Awaited<ReturnType<typeof patch>> | undefined;
    let multipart: { status: number; retryAfter: string | null; body: unknown } | undefined;
    const firstDone = slowPatch(instance.url, running, 0, first, 20, 150, (piece) => {
      // Past 1 MiB: the tus handler reports progress (and so bytes in flight) every MiB.
      if (piece !== 12) return;
      void (async () => {
        refused = await patch(instance.url, waiting, 0, second);
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(second)]), 'multipart.bin');
        const answer = await fetch(`${instance.url}/upload`, { method: 'POST', body: form });
        multipart = { status: answer.status, retryAfter: answer.headers.get('retry-after'), body: await answer.json() };
        during = await metrics(instance.url);
      })();
    });
    expect((await firstDone).status).toBe(204);
    await expect.poll(() => refused?.status).toBe(503);
    expect(refused!.headers['retry-after']).toBe('5');
    // One budget for the instance: a multipart POST is refused the same way, as JSON.
    await expect.poll(() => multipart?.status).toBe(503);
    expect(multipart).toMatchObject({ retryAfter: '5', body: { error: { code: 'SERVER_BUSY', retryAfter: 5 } } });
    expect(during!.get('sluice_uploads_in_flight')).toBe(1);
    expect(during!.get('sluice_upload_bytes_in_flight')).toBeGreaterThan(0);
    expect(during!.get('sluice_uploads_refused_total')).toBe(2);
    const after = await metrics(instance.url);
    expect(after.get('sluice_uploads_in_flight')).toBe(0);
    expect(after.get('sluice_upload_bytes_in_flight')).toBe(0);
    expect((await patch(instance.url, waiting, 0, second)).status).toBe(204);
  });
});
