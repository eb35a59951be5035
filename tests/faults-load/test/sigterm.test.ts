import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEMOS, type DemoName } from '../src/demos.js';
import { startDemoProcess, type DemoProcess } from '../src/demo-process.js';
import { connectionRefused, postBody, type PostResult } from '../src/http.js';
import { createBucket, diskLeftovers, emptyBucket, pendingUploads, s3Client, s3Env, s3Leftovers } from '../src/leftovers.js';
import { genBody } from '../src/multipart.js';
import { sharedS3 } from '../src/s3-target.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const SEED = 1515;
const UPLOADS = 4;
/** From SIGTERM to exit: well under Kubernetes' 30 s grace period and installShutdownHandler's 25 s. */
const EXIT_BOUND_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let client: S3Client;
const buckets: string[] = [];
let root: string;
beforeAll(async () => {
  client = s3Client(sharedS3());
  root = await mkdtemp(path.join(tmpdir(), 'sluice-sigterm-'));
});
afterAll(async () => {
  for (const bucket of buckets) await emptyBucket(client, bucket).catch(() => {});
  client?.destroy();
  await rm(root, { recursive: true, force: true });
});

const cases: Array<[storage: 'disk' | 's3', demo: DemoName]> = [...DEMOS.map((demo) => ['disk', demo] as ['disk', DemoName]), ...DEMOS.map((demo) => ['s3', demo] as ['s3', DemoName])];

describe('SIGTERM to a demo server (src/server.ts as a child process) during slow uploads', () => {
  it.each(cases)('STORAGE=%s, %s: in-flight uploads get 503 SHUTTING_DOWN and are cleaned up, new connections are refused, exit code 0 in bounded time', async (storage, name) => {
    const dir = path.join(root, `${storage}-${name}`);
    const bucket = storage === 's3' ? await createBucket(client, `sigterm-${name}`) : '';
    if (bucket) buckets.push(bucket);
    const env = storage === 'disk' ? { STORAGE: 'disk', UPLOAD_DIR: dir } : s3Env(sharedS3(), bucket);
    const proc: DemoProcess = await startDemoProcess(name, { ...env, MAX_FILE_SIZE: '64MiB' });
    try {
      // Each: a small file that completes, then 48 MiB at ~1.3 MiB/s after a fast first 6.5 MiB (it would need ~30 s).
      const uploads: Array<Promise<PostResult>> = [];
      for (let i = 0; i < UPLOADS; i++) {
        const body = genBody(SEED, [
          { id: `${name}-${i}-first`, size: 200 * KiB, filename: 'first.bin' },
          { id: `${name}-${i}-slow`, size: 48 * MiB, filename: 'slow.bin' },
        ]);
        uploads.push(postBody(proc.url, body, { pace: { fastBytes: 6.5 * MiB, delayMs: 50 }, timeoutMs: 60_000 }));
      }
      // Wait until every upload is visibly in flight: a .partial file each, or a pending multipart upload each.
      const inFlight = async (): Promise<number> =>
        storage === 'disk' ? (await diskLeftovers(dir)).filter((file) => file.endsWith('.partial')).length : (await pendingUploads(client, bucket)).length;
      const until = Date.now() + 20_000;
      while ((await inFlight()) < UPLOADS) {
        if (Date.now() > until) throw new Error(`only ${await inFlight()} of ${UPLOADS} uploads in flight after 20 s`);
        await sleep(50);
      }

      const signalledAt = Date.now();
      proc.child.kill('SIGTERM');
      // The listening socket closes at once: a new connection is refused (polled briefly; the signal is async).
      let refused = false;
      while (!refused && Date.now() - signalledAt < 2000) {
        refused = await connectionRefused(proc.url);
        if (!refused) await sleep(20);
      }
      expect(refused, 'a new connection was still accepted 2 s after SIGTERM').toBe(true);
      const refusedAfterMs = Date.now() - signalledAt;

      const exit = await Promise.race([proc.exited, sleep(EXIT_BOUND_MS + 5000).then(() => undefined)]);
      expect(exit, `no exit within ${EXIT_BOUND_MS + 5000} ms:\n${proc.stdout()}\n${proc.stderr()}`).toBeDefined();
      const exitMs = exit!.at - signalledAt;
      // Checked once, right after exit: the process waited for every clean-up before exiting.
      const left = storage === 'disk' ? await diskLeftovers(dir) : await s3Leftovers(client, bucket);
      const results = await Promise.all(uploads);
      console.log(
        `[faults-load] SIGTERM ${storage}/${name}: refused new connections after ${refusedAfterMs} ms, exit ${exit!.code ?? exit!.signal} after ${exitMs} ms; clients got ${results
          .map((result) => `${result.status}${result.json?.error?.code ? ` ${result.json.error.code}` : ''}${result.clientError ? ` ${result.clientError}` : ''}`)
          .join(', ')}`,
      );
      expect(exit!.code, proc.stderr()).toBe(0);
      expect(exitMs).toBeLessThan(EXIT_BOUND_MS);
      expect(proc.stdout()).toContain('SIGTERM: shutting down');
      expect(left).toEqual([]);
      for (const result of results) {
        expect(result.status, `${result.text} ${result.clientError ?? ''}`).toBe(503);
        expect(result.json.error.code).toBe('SHUTTING_DOWN');
      }
    } finally {
      await proc.kill();
    }
  });
});
