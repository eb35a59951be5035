import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { S3Client } from '@aws-sdk/client-s3';
import { DEMOS, startInProcess, type DemoName, type InProcessDemo } from '../src/demos.js';
import { faultyStorage, type FaultKind, type FaultyStorage } from '../src/faulty-storage.js';
import { downloadDigest, postBody } from '../src/http.js';
import { clientOf, createBucket, diskLeftovers, emptyBucket, pendingUploads, recordCommands, s3Client, s3Env, s3Leftovers, type S3Target } from '../src/leftovers.js';
import { genBody, type GenFile } from '../src/multipart.js';
import { killRadosgw, restartRadosgw, sharedS3, startLocalCluster, stopLocalCluster, type LocalCluster } from '../src/s3-target.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const SEED = 5150;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A failed upload's answer must be the typed JSON error and say nothing about the server's insides. */
function expectTypedError(response: Awaited<ReturnType<typeof postBody>>, status: number, code: string): void {
  expect(response.status, `${response.text} ${response.clientError ?? ''}`).toBe(status);
  expect(response.json?.error?.code).toBe(code);
  expect(typeof response.json.error.message).toBe('string');
  expect(response.text).not.toMatch(/ENOSPC|EIO|injected|\/tmp\/|at .*\.ts:\d+/);
}

/** A normal upload after the fault: 200, and the stored bytes are exactly the sent ones. */
async function expectNormalUpload(demo: InProcessDemo, keep: Set<string>, id: string): Promise<void> {
  const body = genBody(SEED, [{ id, size: 700 * KiB + 3, filename: `after-${id}.bin` }], { note: 'after the fault' });
  const response = await postBody(demo.url, body);
  expect(response.status, response.text).toBe(200);
  const [file] = response.json.files;
  expect(file.size).toBe(700 * KiB + 3);
  expect(file.checksums.sha256).toBe(body.sha256[0]);
  const download = await downloadDigest(demo.url, file.url);
  expect(download).toEqual({ status: 200, size: 700 * KiB + 3, sha256: body.sha256[0] });
  keep.add(file.key);
}

/** Three files in one request: one that completes, the one that fails mid-file, one that never starts. */
function threeFiles(label: string, failing: Omit<GenFile, 'id'>): GenFile[] {
  return [
    { id: `${label}-first`, size: 300 * KiB, filename: 'first.bin' },
    { id: `${label}-failing`, ...failing },
    { id: `${label}-never`, size: 50 * KiB, filename: 'never.bin' },
  ];
}

function tryMountTmpfs(dir: string, bytes: number): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0700`, 'sluice-faults', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

describe('disk full mid-file (a real filesystem that fills up)', () => {
  const FS_SIZE = 8 * MiB;
  let dir: string;
  let mounted = false;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'sluice-enospc-'));
    mounted = tryMountTmpfs(dir, FS_SIZE);
    if (!mounted) {
      console.warn(`[faults-load] cannot mount a ${FS_SIZE}-byte tmpfs (needs root): the disk-full case uses an injected ENOSPC in a wrapping driver instead`);
    }
  });
  afterAll(async () => {
    if (mounted) execFileSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  });

  it.each(DEMOS)('%s: 502 STORAGE_FAILED, no partial file and no completed sibling left, then a normal upload works', async (name) => {
    const sub = path.join(dir, name);
    let faulty: FaultyStorage | undefined;
    // Without a tmpfs, the file asks the wrapper for ENOSPC at the same point a full 8 MiB disk would give it.
    const demo = await startInProcess(name, { STORAGE: 'disk', UPLOAD_DIR: sub, MAX_FILE_SIZE: '64MiB' }, mounted ? undefined : (storage) => (faulty = faultyStorage(storage)));
    try {
      const failingName = mounted ? 'big.bin' : `fault-enospc-${7 * MiB}-big.bin`;
      const body = genBody(SEED, threeFiles(`enospc-${name}`, { size: 12 * MiB, filename: failingName }));
      const response = await postBody(demo.url, body);
      expectTypedError(response, 502, 'STORAGE_FAILED');
      if (faulty) expect(faulty.trips).toBe(1);
      // The answer comes after cleanup: looked at once, right away.
      expect(await diskLeftovers(sub)).toEqual([]);
      const keep = new Set<string>();
      await expectNormalUpload(demo, keep, `enospc-${name}-after`);
      expect(await diskLeftovers(sub, keep)).toEqual([]);
    } finally {
      await demo.close();
      await rm(sub, { recursive: true, force: true });
    }
  });
});

describe('a driver that errors on demand, mid-file', () => {
  let target: S3Target;
  let client: S3Client;
  let bucket: string;
  let root: string;
  beforeAll(async () => {
    target = sharedS3();
    client = s3Client(target);
    bucket = await createBucket(client, 'ondemand');
    root = await mkdtemp(path.join(tmpdir(), 'sluice-ondemand-'));
  });
  afterAll(async () => {
    await emptyBucket(client, bucket).catch(() => {});
    client?.destroy();
    await rm(root, { recursive: true, force: true });
  });

  const cases: Array<[storage: 'disk' | 's3', demo: DemoName, kind: FaultKind, status: number, code: string]> = [];
  for (const storage of ['disk', 's3'] as const) {
    for (const demo of DEMOS) {
      cases.push([storage, demo, 'unavailable', 503, 'STORAGE_UNAVAILABLE']);
      cases.push([storage, demo, 'eio', 502, 'STORAGE_FAILED']);
    }
  }

  it.each(cases)('%s, %s demo, %s: %i %s, nothing left behind, then a normal upload works', async (storage, name, kind, status, code) => {
    const dir = path.join(root, `${storage}-${name}-${kind}`);
    const env = storage === 'disk' ? { STORAGE: 'disk', UPLOAD_DIR: dir } : s3Env(target, bucket);
    let faulty!: FaultyStorage;
    let commands: string[] = [];
    const demo = await startInProcess(name, { ...env, MAX_FILE_SIZE: '64MiB' }, (inner) => {
      const client = clientOf(inner);
      if (client) commands = recordCommands(client);
      return (faulty = faultyStorage(inner));
    });
    const keep = new Set<string>();
    const leftovers = () => (storage === 'disk' ? diskLeftovers(dir, keep) : s3Leftovers(client, bucket, keep));
    try {
      // On S3 the fault strikes after 7 MiB of a 12 MiB file: one 5 MiB part is up, a multipart upload is pending.
      const body = genBody(SEED, threeFiles(`${storage}-${name}-${kind}`, { size: 12 * MiB, filename: `fault-${kind}-${7 * MiB}-big.bin` }));
      const response = await postBody(demo.url, body);
      expectTypedError(response, status, code);
      expect(faulty.trips).toBe(1);
      if (storage === 's3') {
        // The case is what it claims: the first file went up, a multipart upload was under way and was aborted.
        expect(commands).toContain('PutObjectCommand');
        expect(commands).toContain('CreateMultipartUploadCommand');
        expect(commands).toContain('UploadPartCommand');
        expect(commands).toContain('AbortMultipartUploadCommand');
        expect(commands).toContain('DeleteObjectCommand');
      }
      expect(await leftovers()).toEqual([]);
      await expectNormalUpload(demo, keep, `${storage}-${name}-${kind}-after`);
      expect(await leftovers()).toEqual([]);
    } finally {
      await demo.close();
      if (storage === 's3') for (const key of keep) await demo.setup.storage.remove(key);
    }
  });
});

describe('radosgw killed mid-upload (a dedicated throw-away cluster), then restarted', () => {
  let cluster: LocalCluster;
  let client: S3Client;
  let bucket: string;
  beforeAll(async () => {
    cluster = await startLocalCluster();
    client = s3Client(cluster);
    bucket = await createBucket(client, 'killed');
  });
  // The whole cluster is thrown away (radosgw takes ~26 s to delete a bucket a dead instance had open).
  afterAll(async () => {
    client?.destroy();
    if (cluster) await stopLocalCluster(cluster.dir);
  });

  it.each(['koa', 'express', 'hono'] as const)(
    '%s demo: 503 STORAGE_UNAVAILABLE once radosgw is back, the driver itself aborted the multipart upload and removed the completed sibling',
    async (name) => {
      const demo = await startInProcess(name, { ...s3Env(cluster, bucket), MAX_FILE_SIZE: '64MiB' });
      const commands = recordCommands(clientOf(demo.setup.storage)!);
      const keep = new Set<string>();
      try {
        // 40 MiB: 8 MiB at full speed, then ~12 MiB/s, so parts are still going up when radosgw dies.
        const body = genBody(SEED, threeFiles(`killed-${name}`, { size: 40 * MiB, filename: 'doomed.bin' }));
        let sent = 0;
        const pending = postBody(demo.url, body, { pace: { fastBytes: 8 * MiB, delayMs: 5 }, onSent: (bytes) => (sent = bytes) });
        const until = Date.now() + 20_000;
        while ((await pendingUploads(client, bucket)).length === 0 || sent < 14 * MiB) {
          if (Date.now() > until) throw new Error(`no multipart upload in progress after 20 s (sent ${sent})`);
          await sleep(50);
        }
        // The completed sibling (first.bin) is stored; the all-or-nothing rollback must delete it.
        expect((await s3Leftovers(client, bucket)).filter((key) => !key.startsWith('upload:'))).toHaveLength(1);
        await killRadosgw(cluster.dir);
        const killedAt = Date.now();
        await sleep(2500);
        await restartRadosgw(cluster);
        const restartedAt = Date.now();
        const response = await pending;
        const answeredAt = Date.now();
        console.log(`[faults-load] radosgw kill (${name}): down ${restartedAt - killedAt} ms, answered ${answeredAt - restartedAt} ms after the restart (abortRetryMs 30000)`);
        expectTypedError(response, 503, 'STORAGE_UNAVAILABLE');
        // It answered only after radosgw was back and the abort had gone through, within the driver's abortRetryMs.
        expect(answeredAt).toBeGreaterThanOrEqual(restartedAt);
        expect(answeredAt - restartedAt).toBeLessThan(30_000);
        // The abort failed while radosgw was down and was retried by the driver until it went through.
        expect(commands.filter((command) => command === 'AbortMultipartUploadCommand').length).toBeGreaterThan(1);
        // Sweeper-free: looked at once, right after the answer.
        expect(await s3Leftovers(client, bucket)).toEqual([]);
        await expectNormalUpload(demo, keep, `killed-${name}-after`);
        expect(await s3Leftovers(client, bucket, keep)).toEqual([]);
      } finally {
        await demo.close();
        for (const key of keep) await demo.setup.storage.remove(key).catch(() => {});
      }
    },
  );
});
