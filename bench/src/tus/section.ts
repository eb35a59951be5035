import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from '../lib/child.js';
import { noiseOf } from '../lib/content.js';
import { readRss, resetPeakRss, RssSampler } from '../lib/proc.js';
import { s3Unavailable, startRadosgw, stopRadosgw } from '../lib/radosgw.js';
import { MiB } from '../lib/stats.js';
import { BenchServer, measureUpload } from '../http/bench-server.js';
import { uploadBody } from '../http/client.js';
import type { HttpConfig } from '../http/section.js';
import { tusUpload } from './client.js';
import { DiskWatch, writeBytesOf } from './disk-watch.js';
import { TUS_PATH, type TusKind } from './kinds.js';
import { emptyBucket, s3Client, type S3Env } from './bucket.js';

const serverPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'server.ts');

/** Every contender of the tus section: the two tus servers and Sluice's own multipart POST. */
export type TusContender = TusKind | 'sluice-s3';
export const TUS_CONTENDERS: TusContender[] = ['sluice-tus-s3', 'tus-server-s3', 'sluice-s3'];

/** One upload of the tus section, measured from outside the server. */
export interface TusMeasurement {
  /** File bytes per second, MB/s (10^6), from the first request to the last answer. */
  mbps: number;
  ms: number;
  cpuSeconds: number;
  idleRss: number;
  sampledPeakRss: number;
  /** VmHWM after a reset, or NaN. */
  kernelPeakRss: number;
  /** Names created in the server's TMPDIR during the upload. */
  tmpFiles: number;
  /** The most bytes its TMPDIR held at once. */
  tmpPeakBytes: number;
  /** Bytes the server process had written to a block device (/proc/<pid>/io), or NaN. */
  diskWriteBytes: number;
  /** Objects left in the bucket after the upload besides the final one (info, partial objects). */
  extraObjects: number;
  /** Multipart uploads still pending after the upload completed. */
  pendingUploads: number;
}

export interface TusResults {
  measured: boolean;
  reason?: string;
  fileBytes: number;
  patchBytes: number;
  rounds: number;
  rows: Partial<Record<TusContender, TusMeasurement[]>>;
  /** Sluice's default memoryBudget for S3: the line peak RSS is judged against. */
  memoryBudget: number;
}

/** A tus server process with its own TMPDIR. */
interface Contender {
  pid: number;
  tmp: string;
  /** One upload; resolves with its time and the bytes that reached S3. */
  upload(fileBytes: number): Promise<{ ms: number; stored: number[] }>;
  cpuSeconds(): Promise<number>;
  cleanup(): Promise<void>;
  stop(): Promise<void>;
}

async function startTus(kind: TusKind, env: Record<string, string>, patchBytes: number, block: Buffer): Promise<Contender> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `sluice-bench-${kind}-tmp-`));
  const child = Child.start(`tus ${kind}`, serverPath, [kind], ['--expose-gc'], { ...env, TMPDIR: tmp });
  const { port } = await child.request<{ port: number }>({ type: 'port' }, 60_000);
  return {
    pid: child.pid,
    tmp,
    async upload(fileBytes) {
      const reply = await tusUpload(port, TUS_PATH, fileBytes, patchBytes, block);
      const stored = await child.request<Array<{ size: number }>>({ type: 'stored' });
      return { ms: reply.ms, stored: stored.map((s) => s.size) };
    },
    cpuSeconds: async () => {
      const { cpu } = await child.request<{ cpu: NodeJS.CpuUsage }>({ type: 'stats' });
      return (cpu.user + cpu.system) / 1e6;
    },
    cleanup: () => child.request({ type: 'cleanup' }),
    stop: async () => {
      await child.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

async function startMultipart(env: Record<string, string>, boundary: string, block: Buffer): Promise<Contender> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-sluice-s3-tmp-'));
  const server = await BenchServer.start('sluice-s3', [], { ...env, TMPDIR: tmp });
  return {
    pid: server.pid,
    tmp,
    async upload(fileBytes) {
      // measureUpload checks the status and the size HeadObject reports, and throws otherwise.
      const m = await measureUpload(server, uploadBody(boundary, fileBytes), block);
      return { ms: m.ms, stored: [fileBytes] };
    },
    cpuSeconds: () => server.cpuSeconds(),
    cleanup: () => server.cleanup(),
    stop: async () => {
      await server.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

async function measure(contender: Contender, fileBytes: number, leftovers: () => Promise<{ objects: number; uploads: number }>): Promise<TusMeasurement> {
  await contender.cleanup();
  const cpuBefore = await contender.cpuSeconds();
  const idleRss = readRss(contender.pid).rss;
  const canReset = resetPeakRss(contender.pid);
  const writesBefore = writeBytesOf(contender.pid);
  const sampler = new RssSampler(contender.pid);
  const disk = new DiskWatch(contender.tmp);
  disk.start();
  sampler.start();
  let result: { ms: number; stored: number[] };
  try {
    result = await contender.upload(fileBytes);
  } finally {
    sampler.stop();
  }
  const { files, peakBytes } = await disk.stop();
  const { hwm } = readRss(contender.pid);
  if (result.stored.length !== 1 || result.stored[0] !== fileBytes) throw new Error(`stored sizes ${JSON.stringify(result.stored)}, expected [${fileBytes}]`);
  const left = await leftovers();
  return {
    mbps: fileBytes / (result.ms / 1000) / 1e6,
    ms: result.ms,
    cpuSeconds: (await contender.cpuSeconds()) - cpuBefore,
    idleRss,
    sampledPeakRss: sampler.peak,
    kernelPeakRss: canReset ? hwm : NaN,
    tmpFiles: files,
    tmpPeakBytes: peakBytes,
    diskWriteBytes: writeBytesOf(contender.pid) - writesBefore,
    extraObjects: left.objects - 1,
    pendingUploads: left.uploads,
  };
}

/**
 * Resumable uploads to S3 (radosgw from scripts/s3-local): one file in
 * PATCHes of `patchBytes` to Sluice's tus endpoint and to @tus/server +
 * @tus/s3-store, and the same file as one multipart POST to Sluice, all on
 * one bucket, in rotating order each round. Every upload's stored size is
 * checked with HeadObject; each server's TMPDIR is watched for files.
 * `--quick`: 16 MiB, one round (a check that it works and counts right);
 * `size` overrides both (for a shorter look by hand).
 */
export async function runTus(config: HttpConfig, size: { fileBytes?: number; rounds?: number } = {}): Promise<TusResults> {
  const results: TusResults = {
    measured: false,
    fileBytes: size.fileBytes ?? (config.quick ? 16 : 256) * MiB,
    patchBytes: 8 * MiB,
    rounds: size.rounds ?? (config.quick ? 1 : 3),
    rows: {},
    memoryBudget: 256 * MiB,
  };
  const unavailable = await s3Unavailable();
  if (unavailable) return { ...results, reason: unavailable };
  config.log('  tus: starting radosgw (scripts/s3-local/start.sh)…');
  const started = await startRadosgw();
  if ('failure' in started) throw new Error(started.failure);
  const env: S3Env = started.env;
  const contenders = new Map<TusContender, Contender>();
  const client = s3Client(env);
  const bucket = `sluice-bench-tus-${Date.now().toString(36)}`;
  try {
    const { CreateBucketCommand, DeleteBucketCommand } = await import('@aws-sdk/client-s3');
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const serverEnv = { ...env, S3_BUCKET: bucket, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } as Record<string, string>;
    const block = noiseOf(MiB);
    for (const kind of TUS_CONTENDERS) {
      contenders.set(kind, kind === 'sluice-s3' ? await startMultipart(serverEnv, config.boundary, block) : await startTus(kind, serverEnv, results.patchBytes, block));
      results.rows[kind] = [];
    }
    // One warm-up round (round -1) in full mode; the order rotates so no contender always goes first.
    for (let round = config.quick ? 0 : -1; round < results.rounds; round++) {
      const offset = ((round % TUS_CONTENDERS.length) + TUS_CONTENDERS.length) % TUS_CONTENDERS.length;
      for (const kind of [...TUS_CONTENDERS.slice(offset), ...TUS_CONTENDERS.slice(0, offset)]) {
        try {
          const m = await measure(contenders.get(kind)!, results.fileBytes, () => emptyBucket(client, bucket));
          if (round >= 0) results.rows[kind]!.push(m);
          // Sluice keeps resumable bytes in the bucket only: a file in its TMPDIR is a failure, not a slower row.
          if (kind === 'sluice-tus-s3' && m.tmpFiles > 0) config.failures.push(`tus ${kind}: ${m.tmpFiles} file(s) created in its TMPDIR during the upload`);
        } catch (error) {
          config.failures.push(`tus ${kind}${round < 0 ? ' (warm-up)' : ''}: ${(error as Error).message}`);
        } finally {
          await emptyBucket(client, bucket).catch(() => {});
        }
      }
    }
    const median = (kind: TusContender): string => {
      const values = results.rows[kind]!.map((m) => m.mbps).sort((a, b) => a - b);
      return String(Math.round(values[values.length >> 1] ?? 0));
    };
    config.log(`  tus ${results.fileBytes / MiB} MiB: ${TUS_CONTENDERS.map((kind) => `${kind} ${median(kind)}`).join('  ')} (MB/s)`);
    await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
    return { ...results, measured: true };
  } finally {
    await Promise.all([...contenders.values()].map((c) => c.stop()));
    client.destroy();
    if (env.S3_LOCAL_DIR) await stopRadosgw(env.S3_LOCAL_DIR);
  }
}
