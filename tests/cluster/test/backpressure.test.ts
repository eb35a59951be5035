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

  it('answers a second upload with 503 and Retry-After while the first runs, shows it at GET /metrics, and admits again afterwards', async () => {
    const [first, second] = [content(2 * 1024 * 1024), content(64 * 1024)];
    const running = await createUpload(instance.url, first.length, 'first.bin');
    const waiting = await createUpload(instance.url, second.length, 'second.bin');
    let during: Map<string, number> | undefined;
    let refused: Awaited<ReturnType<typeof patch>> | undefined;
    const firstDone = slowPatch(instance.url, running, 0, first, 20, 50, (piece) => {
      // Past 1 MiB: the tus handler reports progress (and so bytes in flight) every MiB.
      if (piece !== 12) return;
      void (async () => {
        refused = await patch(instance.url, waiting, 0, second);
        during = await metrics(instance.url);
      })();
    });
    expect((await firstDone).status).toBe(204);
    await expect.poll(() => refused?.status).toBe(503);
    expect(refused!.headers['retry-after']).toBe('5');
    expect(during!.get('sluice_uploads_in_flight')).toBe(1);
    expect(during!.get('sluice_upload_bytes_in_flight')).toBeGreaterThan(0);
    expect(during!.get('sluice_uploads_refused_total')).toBeGreaterThanOrEqual(1);
    const after = await metrics(instance.url);
    expect(after.get('sluice_uploads_in_flight')).toBe(0);
    expect(after.get('sluice_upload_bytes_in_flight')).toBe(0);
    expect((await patch(instance.url, waiting, 0, second)).status).toBe(204);
  });
});
