import { createLoadGovernor, formatPrometheus, PROMETHEUS_CONTENT_TYPE, type LoadGovernor, type StorageDriver, type UploadLocker } from '@sluice/core';
import { ConfigError, type Env } from './config.js';
import { parseSize } from './sizes.js';

/** How a demo runs as one of several instances, and how much it takes on. */
export interface ClusterConfig {
  /** `REDIS_URL`: the shared lock service; unset, the demo locks in process (one instance only). */
  redisUrl: string | undefined;
  /** `LOCK_TTL_MS`: how long a crashed instance's lease blocks an upload (default the locker's, 15 s). */
  lockTtlMs: number | undefined;
  /** `MEMORY_BUDGET`: memory this instance commits to uploads; unset, the S3 driver's part budget (else unlimited). */
  memoryBudget: number | undefined;
  /** `MAX_UPLOADS`: uploads in flight at once before new ones get 503; unset, only the memory budget limits. */
  maxUploads: number | undefined;
}

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === '' ? undefined : value;
}

function whole(env: Env, name: string, min: number): number | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min) throw new ConfigError(`${name}=${JSON.stringify(raw)} is not a whole number of at least ${min}`);
  return value;
}

/** The settings of a lone instance: in-process lock, no admission limits. */
export const SINGLE_INSTANCE: ClusterConfig = Object.freeze({ redisUrl: undefined, lockTtlMs: undefined, memoryBudget: undefined, maxUploads: undefined });

/**
 * Reads `REDIS_URL`, `LOCK_TTL_MS`, `MEMORY_BUDGET` and `MAX_UPLOADS`,
 * checking each; `undefined` when none is set (a lone instance).
 */
export function readClusterConfig(env: Env): ClusterConfig | undefined {
  if (['REDIS_URL', 'LOCK_TTL_MS', 'MEMORY_BUDGET', 'MAX_UPLOADS'].every((name) => read(env, name) === undefined)) return undefined;
  const redisUrl = read(env, 'REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) throw new ConfigError(`REDIS_URL=${JSON.stringify(redisUrl)} is not a redis:// or rediss:// URL`);
  const budgetText = read(env, 'MEMORY_BUDGET');
  const memoryBudget = budgetText === undefined ? undefined : parseSize(budgetText);
  if (budgetText !== undefined && !memoryBudget) throw new ConfigError(`MEMORY_BUDGET=${JSON.stringify(budgetText)} is not a size: use bytes or a unit (256MiB)`);
  return { redisUrl, lockTtlMs: whole(env, 'LOCK_TTL_MS', 100), memoryBudget, maxUploads: whole(env, 'MAX_UPLOADS', 1) };
}

/** The Redis module; a variable so that the demos build and run without it. */
const REDIS_MODULE = '@sluice/core/redis';

/**
 * The tus endpoint's locker: Redis when `REDIS_URL` is set (shared by every
 * instance on that Redis), else `undefined` for the handler's in-process default.
 */
export async function createDemoLocker(cluster: ClusterConfig = SINGLE_INSTANCE): Promise<UploadLocker | undefined> {
  if (!cluster.redisUrl) return undefined;
  const { redisLocker } = (await import(REDIS_MODULE)) as typeof import('@sluice/core/redis');
  return redisLocker({ url: cluster.redisUrl, ...(cluster.lockTtlMs ? { ttlMs: cluster.lockTtlMs } : {}) });
}

/**
 * The demo's admission control. Refusing is opt-in: with `MEMORY_BUDGET` or
 * `MAX_UPLOADS` set, an upload that does not fit (or that would queue behind
 * the S3 driver's part buffers) gets 503 with `Retry-After`; without them the
 * demo only measures (uploads queue for the S3 buffers, as before).
 */
export function createDemoLoad(cluster: ClusterConfig = SINGLE_INSTANCE, storage?: StorageDriver): LoadGovernor {
  const refuses = cluster.memoryBudget !== undefined || cluster.maxUploads !== undefined;
  return createLoadGovernor({
    storage,
    memoryBudget: cluster.memoryBudget ?? (refuses ? undefined : Infinity),
    maxUploads: cluster.maxUploads,
    maxQueued: refuses ? 0 : Infinity,
  });
}

/** `GET /metrics`: the gauges in the Prometheus text format, never cached. */
export function metricsResponse(load: LoadGovernor): { body: string; headers: Record<string, string> } {
  return { body: formatPrometheus(load.gauges()), headers: { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' } };
}
