import { noiseOf } from '../lib/content.js';
import { s3Unavailable, startRadosgw, stopRadosgw } from '../lib/radosgw.js';
import { MiB } from '../lib/stats.js';
import { BenchServer, measureLibStorage, measureUpload, type Measurement } from '../http/bench-server.js';
import { uploadBody } from '../http/client.js';
import type { HttpConfig } from '../http/section.js';
import { S3_PART_SIZE, S3_QUEUE_SIZE, type ServerKind } from '../http/kinds.js';

export const S3_KINDS: ServerKind[] = ['sluice-s3', 'multer-s3', 'lib-storage'];

export interface S3Results {
  measured: boolean;
  /** Why nothing was measured. */
  reason?: string;
  fileBytes: number;
  rounds: number;
  rows: Partial<Record<ServerKind, Measurement[]>>;
  /** Many uploads at once through Sluice (and multer-s3, which has no global cap). */
  concurrent: Partial<Record<ServerKind, Measurement>>;
  concurrency: number;
  concurrentFileBytes: number;
  partSize: number;
  queueSize: number;
  /** Sluice's default memoryBudget: the larger of 256 MiB and 12 parts. */
  memoryBudget: number;
}

/**
 * S3 on loopback (Ceph radosgw from scripts/s3-local): Sluice and
 * multer + multer-s3 behind Express, against lib-storage uploading the same
 * bytes from memory, all with the same part size and queue. Skipped, with the
 * reason, when the S3 driver or radosgw is not there.
 */
export async function runS3(config: HttpConfig): Promise<S3Results> {
  const empty: S3Results = {
    measured: false,
    fileBytes: 64 * MiB,
    rounds: 0,
    rows: {},
    concurrent: {},
    concurrency: 0,
    concurrentFileBytes: 0,
    partSize: S3_PART_SIZE,
    queueSize: S3_QUEUE_SIZE,
    memoryBudget: Math.max(256 * MiB, 12 * S3_PART_SIZE),
  };
  if (config.quick) return { ...empty, reason: 'not run by `--quick`' };
  const unavailable = await s3Unavailable();
  if (unavailable) return { ...empty, reason: unavailable };
  config.log('  s3: starting radosgw (scripts/s3-local/start.sh)…');
  const started = await startRadosgw();
  if ('failure' in started) return { ...empty, reason: started.failure };
  const { env } = started;
  const dir = env.S3_LOCAL_DIR;
  const servers = new Map<ServerKind, BenchServer>();
  try {
    const { S3Client, CreateBucketCommand, DeleteBucketCommand } = await import('@aws-sdk/client-s3');
    const bucket = `sluice-bench-${Date.now().toString(36)}`;
    const client = new S3Client({
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION ?? 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    });
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const serverEnv = { ...env, S3_BUCKET: bucket, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    for (const kind of S3_KINDS) servers.set(kind, await BenchServer.start(kind, [], serverEnv));

    const results: S3Results = { ...empty, measured: true, rounds: 5, concurrency: 64, concurrentFileBytes: 16 * MiB };
    const body = uploadBody(config.boundary, results.fileBytes);
    const block = noiseOf(MiB);
    for (const kind of S3_KINDS) results.rows[kind] = [];
    for (let round = -1; round < results.rounds; round++) {
      const offset = ((round % S3_KINDS.length) + S3_KINDS.length) % S3_KINDS.length;
      for (const kind of [...S3_KINDS.slice(offset), ...S3_KINDS.slice(0, offset)]) {
        try {
          const server = servers.get(kind)!;
          const measurement = kind === 'lib-storage' ? await measureLibStorage(server, results.fileBytes) : await measureUpload(server, body, block);
          if (round >= 0) results.rows[kind]!.push(measurement);
        } catch (error) {
          config.failures.push(`s3 ${kind}${round < 0 ? ' (warm-up)' : ''}: ${(error as Error).message}`);
        }
      }
    }
    const many = uploadBody(config.boundary, results.concurrentFileBytes);
    for (const kind of ['sluice-s3', 'multer-s3'] as const) {
      try {
        results.concurrent[kind] = await measureUpload(servers.get(kind)!, many, block, { concurrency: results.concurrency, keepSamples: true });
      } catch (error) {
        config.failures.push(`s3 ${kind} ${results.concurrency} at once: ${(error as Error).message}`);
      }
    }
    const median = (kind: ServerKind): number => {
      const values = results.rows[kind]!.map((m) => m.mbps).sort((a, b) => a - b);
      return Math.round(values[values.length >> 1] ?? 0);
    };
    config.log(`  s3 64 MiB: ${S3_KINDS.map((kind) => `${kind} ${median(kind)}`).join('  ')} (MB/s)`);
    for (const server of servers.values()) await server.cleanup().catch(() => {});
    await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
    return results;
  } finally {
    await Promise.all([...servers.values()].map((server) => server.stop()));
    if (dir) await stopRadosgw(dir);
  }
}
