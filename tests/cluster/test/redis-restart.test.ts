import { setTimeout as sleep } from 'node:timers/promises';
import { type LocalRedis, startLocalRedis, stopLocalRedis } from '@sluice/redis-rig';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SharedBucket, sharedBucket } from '../src/bucket.js';
import { content, MiB } from '../src/content.js';
import { type Instance, startInstance } from '../src/instance.js';
import { createUpload, download, offsetOf, patch, sha256, slowPatch, type TusReply } from '../src/tus-http.js';

/**
 * Sends the PATCH until an instance stops answering 503: each instance's
 * Redis client reconnects on its own schedule (backing off up to 1 s), and
 * answers 503 quickly until it has.
 */
async function patchOnceRedisIsBack(url: string, upload: string, offset: number, bytes: Buffer): Promise<TusReply> {
  let reply = await patch(url, upload, offset, bytes);
  for (const back = Date.now(); reply.status === 503 && Date.now() - back < 20_000; ) {
    await sleep(250);
    reply = await patch(url, upload, offset, bytes);
  }
  return reply;
}

describe('Redis restarted mid-upload under two instances (Express and Hono)', () => {
  let bucket: SharedBucket;
  let redis: LocalRedis;
  let instances: Instance[] = [];

  beforeAll(async () => {
    bucket = await sharedBucket('redis-restart');
    // A Redis of this test's own: the suite's shared one is not restarted under other tests.
    redis = await startLocalRedis();
    const env = { ...bucket.env, REDIS_URL: redis.url, LOCK_TTL_MS: '3000', MAX_FILE_SIZE: '64MiB' };
    instances = await Promise.all([startInstance('express', env), startInstance('hono', env)]);
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
    await stopLocalRedis(redis.dir).catch(() => {});
  });

  it('answers PATCH with a quick 503 while Redis is down (HEAD still works), then recovers and completes byte-exact', async () => {
    const [express, hono] = instances as [Instance, Instance];
    const data = content(12 * MiB);
    const upload = await createUpload(express.url, data.length, 'redis-restart.bin');
    expect((await patch(express.url, upload, 0, data.subarray(0, 4 * MiB))).status).toBe(204);

    await stopLocalRedis(redis.dir, { keepDir: true, crash: true });
    const started = Date.now();
    const refused = await patch(hono.url, upload, 4 * MiB, data.subarray(4 * MiB, 8 * MiB));
    expect(refused.status, refused.body).toBe(503);
    expect(refused.body).toMatch(/lock service unavailable/i);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The offset lives in the bucket, not in Redis: reading it needs no lock.
    expect(await offsetOf(hono.url, upload)).toBe(4 * MiB);

    redis = await startLocalRedis(redis.dir);
    // The instances reconnect on their own; until then they keep answering 503 quickly.
    const resumed = await patchOnceRedisIsBack(hono.url, upload, 4 * MiB, data.subarray(4 * MiB, 8 * MiB));
    expect(resumed.status, resumed.body).toBe(204);
    const last = await patchOnceRedisIsBack(express.url, upload, 8 * MiB, data.subarray(8 * MiB));
    expect(last.status, last.body).toBe(204);
    expect(sha256(await download(hono.url, 'redis-restart.bin'))).toBe(sha256(data));
    expect(await bucket.pending()).toEqual([]);
  });

  it('a PATCH in flight when Redis dies stops once its lease cannot be confirmed, retries get a typed 503, the offset stays consistent, and the upload completes after Redis is back', async () => {
    const [express, hono] = instances as [Instance, Instance];
    const data = content(10 * MiB);
    const upload = await createUpload(express.url, data.length, 'redis-dies-mid-patch.bin');
    // Redis dies after 600 KiB; the 3 s lease can then no longer be renewed, and the holder must notice.
    // The body then stalls (the request stays open), so any answer arrives while the client is not writing.
    let crashed: Promise<void> | undefined;
    const inFlight = slowPatch(express.url, upload, 0, data.subarray(0, 6 * MiB), 60, 100, (piece) => {
      if (piece !== 5) return;
      crashed = stopLocalRedis(redis.dir, { keepDir: true, crash: true });
      return 'stall';
    });
    // The holder stops at its lease deadline and answers a typed 503 (the stalled client is not writing, so it reads it).
    const stopped = await inFlight;
    await crashed;
    expect(stopped.status, stopped.body).toBe(503);
    expect(stopped.body).toMatch(/lock service unavailable/i);
    const offset = await offsetOf(hono.url, upload);
    // Nothing is persisted once the lease is unconfirmed: only bytes stored before (none fill a part here) count.
    expect(offset).toBeLessThan(6 * MiB);
    // The client's retry, on either instance, gets the typed answer while Redis is down.
    const retried = await patch(hono.url, upload, offset, data.subarray(offset));
    expect(retried.status, retried.body).toBe(503);
    expect(retried.body).toMatch(/lock service unavailable/i);
    redis = await startLocalRedis(redis.dir);
    const resumed = await patchOnceRedisIsBack(hono.url, upload, offset, data.subarray(offset));
    expect(resumed.status, resumed.body).toBe(204);
    expect(sha256(await download(hono.url, 'redis-dies-mid-patch.bin'))).toBe(sha256(data));
    expect(await bucket.pending()).toEqual([]);
  });
});
