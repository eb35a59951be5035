import { redisUrl } from '@sluice/redis-rig';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBalancer } from '../src/balancer.js';
import { type SharedBucket, sharedBucket } from '../src/bucket.js';
import { content, MiB } from '../src/content.js';
import { type Instance, startInstance } from '../src/instance.js';
import { metrics } from '../src/metrics.js';
import { resumableUpload } from '../src/tus-client.js';
import { sha256 } from '../src/tus-http.js';

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Downloads every listed file through `base` once: name -> SHA-256. */
async function storedDigests(base: string): Promise<Map<string, string>> {
  const { files } = (await (await fetch(`${base}/files`)).json()) as { files: Array<{ name: string; url: string }> };
  const digests = new Map<string, string>();
  for (const file of files) {
    const answer = await fetch(`${base}${file.url}`);
    digests.set(file.name, sha256(Buffer.from(await answer.arrayBuffer())));
  }
  return digests;
}

describe('load over two instances behind a balancer', () => {
  let bucket: SharedBucket;
  let env: Record<string, string>;
  let instances: Instance[] = [];

  beforeAll(async () => {
    bucket = await sharedBucket('load');
    env = { ...bucket.env, REDIS_URL: redisUrl(), LOCK_TTL_MS: '3000', MAX_FILE_SIZE: '64MiB', CHECKSUM: 'none' };
    instances = await Promise.all([startInstance('express', env), startInstance('koa', env)]);
  });
  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop('SIGKILL')));
  });

  it('50 concurrent resumable uploads with dropped connections and client pauses: every file byte-exact, nothing pending', async () => {
    const seed = Number(process.env.CLUSTER_LOAD_SEED ?? 20261207);
    const random = prng(seed);
    const balancer = await startBalancer(
      instances.map((instance) => instance.url),
      { dropShare: 0.2, random: prng(seed + 1) },
    );
    try {
      const files = Array.from({ length: 50 }, (_, index) => ({
        name: `load-${index}.bin`,
        data: content(256 * 1024 + Math.floor(random() * 6 * MiB)),
        pauses: random() < 0.4 ? [0.2 + random() * 0.6] : [],
      }));
      const started = Date.now();
      const outcomes = await Promise.all(files.map((file) => resumableUpload({ endpoint: `${balancer.url}/tus`, name: file.name, data: file.data, chunkSize: 2 * MiB, pauses: file.pauses })));
      const seconds = (Date.now() - started) / 1000;
      const bytes = files.reduce((sum, file) => sum + file.data.length, 0);
      console.log(
        `cluster load (seed ${seed}): ${files.length} uploads, ${(bytes / MiB).toFixed(1)} MiB in ${seconds.toFixed(1)} s through 2 instances; ` +
          `${balancer.dropped} connections cut, ${outcomes.reduce((sum, outcome) => sum + outcome.retries, 0)} client retries, ` +
          `${outcomes.reduce((sum, outcome) => sum + outcome.pauses, 0)} pauses; requests per instance ${balancer.counts.join('/')}`,
      );
      expect(seconds).toBeLessThan(240);
      expect(balancer.dropped).toBeGreaterThan(0);
      expect(Math.min(...balancer.counts)).toBeGreaterThan(0);
      const stored = await storedDigests(balancer.url);
      for (const file of files) expect(stored.get(file.name), file.name).toBe(sha256(file.data));
      expect(await bucket.pending()).toEqual([]);
      // Every instance took a share, and nothing is left counted as in flight.
      for (const instance of instances) {
        const samples = await metrics(instance.url);
        expect(samples.get('sluice_uploads_admitted_total')).toBeGreaterThan(0);
        expect(samples.get('sluice_uploads_in_flight')).toBe(0);
        expect(samples.get('sluice_upload_bytes_in_flight')).toBe(0);
      }
    } finally {
      await balancer.close();
    }
  }, 300_000);

  it('throughput: the same clean load through one instance and through two (reported, not asserted: two CPU cores are shared by both)', async () => {
    const files = Array.from({ length: 24 }, (_, index) => ({ index, data: content(4 * MiB) }));
    const bytes = files.length * 4 * MiB;
    const rates: number[] = [];
    for (const backends of [instances.slice(0, 1), instances]) {
      const balancer = await startBalancer(backends.map((instance) => instance.url));
      try {
        const started = Date.now();
        await Promise.all(files.map((file) => resumableUpload({ endpoint: `${balancer.url}/tus`, name: `rate-${backends.length}-${file.index}.bin`, data: file.data, chunkSize: 8 * MiB })));
        rates.push(bytes / MiB / ((Date.now() - started) / 1000));
      } finally {
        await balancer.close();
      }
    }
    console.log(
      `cluster throughput: ${files.length} x 4 MiB tus uploads, one instance ${rates[0]!.toFixed(1)} MiB/s, two instances ${rates[1]!.toFixed(1)} MiB/s (x${(rates[1]! / rates[0]!).toFixed(2)})`,
    );
    expect(rates.every((rate) => rate > 0)).toBe(true);
    const stored = await storedDigests(instances[1]!.url);
    for (const backends of [1, 2]) for (const file of files) expect(stored.get(`rate-${backends}-${file.index}.bin`)).toBe(sha256(file.data));
    expect(await bucket.pending()).toEqual([]);
  }, 300_000);
});
