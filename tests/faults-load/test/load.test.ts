import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { DEMOS, type DemoName } from '../src/demos.js';
import { openDescriptors, startDemoProcess, startRssSampler, statusKiB, tcpSockets, type DemoProcess } from '../src/demo-process.js';
import { downloadDigest, postBody, type PostResult } from '../src/http.js';
import { createBucket, diskLeftovers, emptyBucket, s3Client, s3Env, s3Leftovers } from '../src/leftovers.js';
import { genBody, type GenBody } from '../src/multipart.js';
import { envCount, prng, seedFrom, type Prng } from '../src/prng.js';
import { sharedS3 } from '../src/s3-target.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * CI size: 200 concurrent uploads per run, sizes from 1 KiB to 16 MiB skewed
 * small (45 % log-uniform up to 1 MiB, 35 % log-uniform 1–16 MiB, 20 % uniform
 * 8–16 MiB: ~0.85 GiB per run). LOAD_FULL=1: sizes uniform over 1 KiB–16 MiB
 * (~1.6 GiB per run). Both sizes run disk and S3 on all three demos.
 * LOAD_UPLOADS=N changes the number of uploads.
 */
const FULL = process.env.LOAD_FULL === '1';
const UPLOADS = envCount('LOAD_UPLOADS', 200);
const MIN_SIZE = 1 * KiB;
const MAX_SIZE = 16 * MiB;

/**
 * Peak RSS allowed for the server process, whatever the bytes in flight (200
 * requests at once carrying ~0.85 GiB in CI, ~1.6 GiB with LOAD_FULL=1).
 * Idle, a demo under tsx is 95-140 MiB. Disk: only stream buffers per upload
 * (socket, parser, tap, write stream), no file is ever held whole; measured
 * peaks 175-260 MiB, bound 384 MiB. S3: on top of that the driver's part
 * buffers, capped by its memoryBudget (256 MiB by default, lib-storage's copies
 * included); measured peaks 320-440 MiB, bound 576 MiB. Without backpressure
 * and the budget, the server would hold up to the bytes in flight.
 */
const RSS_BOUND_MIB = { disk: 384, s3: 576 } as const;

function sizes(rng: Prng, count: number): number[] {
  const list = Array.from({ length: count }, () => {
    if (FULL) return rng.int(MIN_SIZE, MAX_SIZE);
    const roll = rng.next();
    if (roll < 0.45) return rng.logInt(MIN_SIZE, 1 * MiB);
    if (roll < 0.8) return rng.logInt(1 * MiB, MAX_SIZE);
    return rng.int(8 * MiB, MAX_SIZE);
  });
  // Both ends of the range, every run.
  list[0] = MIN_SIZE;
  list[1] = MAX_SIZE;
  return list;
}

/** Runs `work` over `items` with at most `limit` at a time. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!, index);
      }
    }),
  );
  return results;
}

/** The descriptors that are not the server's idle keep-alive sockets to S3 (see the fd check below). */
function describeFds(fds: string[]): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const fd of fds) {
    const kind = fd.startsWith('socket:') ? 'socket' : fd.startsWith('pipe:') ? 'pipe' : fd.startsWith('anon_inode:') ? fd : fd.startsWith('/') ? 'file' : fd;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
}

let client: S3Client;
let root: string;
const buckets: string[] = [];
beforeAll(async () => {
  client = s3Client(sharedS3());
  root = await mkdtemp(path.join(tmpdir(), 'sluice-load-'));
});
afterAll(async () => {
  for (const bucket of buckets) {
    await emptyBucket(client, bucket).catch(() => {});
    await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
  }
  client?.destroy();
  await rm(root, { recursive: true, force: true });
});

const runs: Array<[storage: 'disk' | 's3', demo: DemoName]> = [...DEMOS.map((demo): ['disk', DemoName] => ['disk', demo]), ...DEMOS.map((demo): ['s3', DemoName] => ['s3', demo])];

describe(`load: ${UPLOADS} concurrent uploads, ${FULL ? 'full size (LOAD_FULL=1)' : 'CI size'}`, () => {
  it.each(runs)('STORAGE=%s, %s demo: every file byte-exact, no errors, peak RSS bounded, descriptors back to their start', async (storage, name) => {
    const seed = seedFrom('LOAD_SEED', `load ${storage}/${name}`);
    const rng = prng(seed);
    const dir = path.join(root, `${storage}-${name}`);
    const bucket = storage === 's3' ? await createBucket(client, `load-${name}`) : '';
    if (bucket) buckets.push(bucket);
    const env = storage === 'disk' ? { STORAGE: 'disk', UPLOAD_DIR: dir } : s3Env(sharedS3(), bucket);
    const proc: DemoProcess = await startDemoProcess(name, { ...env, MAX_FILE_SIZE: '16MiB' });
    try {
      // Warm-up: lazy imports, the first S3 connections, a multipart upload; then the baseline.
      for (const [i, size] of [1 * KiB, 6 * MiB, 100 * KiB].entries()) {
        const body = genBody(seed, [{ id: `warm-${i}`, size, filename: `warm-${i}.bin` }]);
        const response = await postBody(proc.url, body);
        expect(response.status, response.text).toBe(200);
        expect((await downloadDigest(proc.url, response.json.files[0].url)).sha256).toBe(body.sha256[0]);
      }
      await sleep(500);
      const s3Port = storage === 's3' ? Number(new URL(sharedS3().endpoint).port) : -1;
      const startFds = await openDescriptors(proc.pid);
      const startS3Sockets = (await tcpSockets(proc.pid)).filter((socket) => socket.remotePort === s3Port).length;
      const startRssKiB = await statusKiB(proc.pid, 'VmRSS');

      const plan = sizes(rng, UPLOADS);
      const totalBytes = plan.reduce((sum, size) => sum + size, 0);
      const sampler = startRssSampler(proc.pid, 20);
      const started = Date.now();
      const bodies: GenBody[] = plan.map((size, i) => genBody(seed, [{ id: `load-${i}`, size, filename: `load-${i}.bin` }], { index: String(i) }));
      const results: PostResult[] = await Promise.all(bodies.map((body) => postBody(proc.url, body, { timeoutMs: 240_000 })));
      const uploadMs = Date.now() - started;

      const failures = results.map((result, i) => ({ i, size: plan[i], status: result.status, error: result.json?.error?.code ?? result.clientError })).filter((r) => r.status !== 200);
      expect(failures, `seed ${seed}`).toEqual([]);
      // What the server hashed while storing, against what was sent.
      for (const [i, result] of results.entries()) {
        expect(result.json.files[0].size, `seed ${seed}, upload ${i}`).toBe(plan[i]);
        expect(result.json.files[0].checksums.sha256, `seed ${seed}, upload ${i}`).toBe(bodies[i]!.sha256[0]);
      }
      // What is stored, read back over HTTP, against what was sent.
      const downloadStarted = Date.now();
      const downloads = await pool(results, 16, (result) => downloadDigest(proc.url, result.json.files[0].url));
      const downloadMs = Date.now() - downloadStarted;
      for (const [i, download] of downloads.entries()) {
        expect(download, `seed ${seed}, upload ${i}`).toEqual({ status: 200, size: plan[i], sha256: bodies[i]!.sha256[0] });
      }
      const samples = await sampler.stop();
      const hwmKiB = await statusKiB(proc.pid, 'VmHWM');

      // Descriptors: back to the start after a short settle. On S3 the SDK keeps
      // idle keep-alive connections to S3 in its pool (up to maxSockets, 50), so
      // those are counted apart: every other descriptor must be back to its start,
      // and every socket to S3 must be idle (nothing unread, nothing unsent), which a
      // leaked, paused download or upload stream would not be.
      const snapshot = async () => {
        const fds = await openDescriptors(proc.pid);
        const toS3 = (await tcpSockets(proc.pid)).filter((socket) => socket.remotePort === s3Port);
        const pool = new Set(toS3.map((socket) => `socket:[${socket.inode}]`));
        return { fds, others: fds.filter((fd) => !pool.has(fd)), toS3 };
      };
      let end = await snapshot();
      for (let i = 0; i < 50 && end.others.length > startFds.length - startS3Sockets; i++) {
        await sleep(100);
        end = await snapshot();
      }
      const endFds = end.fds;
      const mib = (kib: number) => Math.round(kib / 102.4) / 10;
      console.log(
        `[faults-load] load ${storage}/${name} (seed ${seed}): ${UPLOADS} uploads, ${mib(totalBytes / 1024)} MiB in ${uploadMs} ms (${Math.round(totalBytes / MiB / (uploadMs / 1000))} MiB/s), ` +
          `downloads ${downloadMs} ms; RSS start ${mib(startRssKiB)} MiB, peak sampled ${mib(samples.peakKiB)} MiB (${samples.samples} samples, max gap ${samples.maxGapMs} ms), VmHWM ${mib(hwmKiB)} MiB; ` +
          `fds ${startFds.length} -> ${endFds.length} ${JSON.stringify(describeFds(endFds))}` +
          (storage === 's3' ? `; idle keep-alive sockets to S3 ${startS3Sockets} -> ${end.toS3.length}` : ''),
      );
      expect(Math.max(samples.peakKiB, hwmKiB) / 1024, `peak RSS, seed ${seed}`).toBeLessThan(RSS_BOUND_MIB[storage]);
      const extra = [...end.others];
      for (const fd of startFds) if (extra.includes(fd)) extra.splice(extra.indexOf(fd), 1);
      expect(end.others.length, `descriptors after the load: ${JSON.stringify(describeFds(endFds))} vs ${JSON.stringify(describeFds(startFds))}; new: ${extra.join(', ')}`).toBe(
        startFds.length - startS3Sockets,
      );
      expect(end.toS3.length).toBeLessThanOrEqual(50);
      expect(
        end.toS3.filter((socket) => socket.rxQueue > 0 || socket.txQueue > 0 || socket.state !== '01'),
        'sockets to S3 that are not idle',
      ).toEqual([]);

      // Nothing stored twice or half: exactly the files that were answered, and no .partial file.
      const stored = storage === 'disk' ? await diskLeftovers(dir) : await s3Leftovers(client, bucket);
      expect(stored.length).toBe(UPLOADS + 3);
      expect(stored.filter((key) => key.endsWith('.partial') || key.startsWith('upload:'))).toEqual([]);

      proc.child.kill('SIGTERM');
      expect((await proc.exited).code).toBe(0);
    } finally {
      await proc.kill();
      if (storage === 'disk') await rm(dir, { recursive: true, force: true });
    }
  });
});
