import { randomBytes } from 'node:crypto';
import { UploadError } from '../../errors/index.js';
import { acquireWithin } from '../acquire-loop.js';
import { HeldLease, withCommandTimeout } from '../held-lease.js';
import { resolveLeaseTimings } from '../timings.js';
import type { AcquireOptions, LeaseTimings, UploadLease, UploadLocker } from '../types.js';
import { ACQUIRE, type LuaScript, RELEASE, RENEW } from './scripts.js';

/** The part of a node-redis (`redis` package) client the locker uses; any connected node-redis v5+ client fits. */
export interface RedisScriptClient {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Options of {@link redisLocker}: a URL (the locker opens and closes its own client) or a client of yours. */
export type RedisLockerOptions = Partial<LeaseTimings> & {
  /** Key prefix; keys are `<prefix>{<upload id>}` and `<prefix>{<upload id>}:fence` (hash-tagged for Redis Cluster). Default `sluice:lock:`. */
  prefix?: string;
  /** How long an idle fence counter is kept; a newer one restarts from the clock, so this only bounds memory. Default one day. */
  fenceTtlMs?: number;
} & ({ url: string; client?: undefined } | { client: RedisScriptClient; url?: undefined });

interface OwnClient {
  client: RedisScriptClient & { destroy(): void };
  /** Settles when the first connection is made; later reconnects are node-redis's own. */
  connected: Promise<unknown>;
}

/** The locker's own client: node-redis, loaded only now, failing fast while disconnected. */
async function openClient(url: string, timings: LeaseTimings): Promise<OwnClient> {
  let redis: typeof import('redis');
  try {
    redis = await import('redis');
  } catch (cause) {
    throw new Error('redisLocker({ url }) needs the optional peer dependency "redis" (node-redis): install it next to @sluice/core', { cause });
  }
  const client = redis.createClient({
    url,
    // Commands while disconnected reject at once instead of queueing: a lock that waits is a hang.
    disableOfflineQueue: true,
    socket: { connectTimeout: timings.commandTimeoutMs, reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1_000) },
  });
  // Connection errors surface as LOCK_UNAVAILABLE on the commands; without a listener they would crash the process.
  client.on('error', () => {});
  const connected = client.connect();
  connected.catch(() => {});
  return { client: client as unknown as OwnClient['client'], connected };
}

/**
 * A locker shared by every instance that reaches the same Redis (a single
 * server or a primary; the keys are hash-tagged so Redis Cluster works too).
 * Grants, renewals and releases are single Lua scripts (check-and-set,
 * compare-and-renew, compare-and-delete on a random owner value), so a holder
 * can only ever extend or remove its own lease. Fencing tokens come from an
 * INCR counter per upload id. Commands fail fast while Redis is unreachable
 * (`LOCK_UNAVAILABLE`, 503), and a holder that cannot renew loses its lease
 * at its local deadline, before Redis could have granted it to anyone else.
 */
export function redisLocker(options: RedisLockerOptions): UploadLocker {
  const timings = resolveLeaseTimings(options);
  const prefix = options.prefix ?? 'sluice:lock:';
  const fenceTtlMs = options.fenceTtlMs ?? 86_400_000;
  let own: Promise<OwnClient> | undefined;
  let closed = false;

  const client = async (): Promise<RedisScriptClient> => {
    if (closed) throw new Error('redisLocker is closed');
    if (options.client) return options.client;
    if (!own) {
      own = openClient(options.url!, timings);
      // A missing `redis` package is reported on every call, not cached as a broken client.
      own.catch(() => {
        own = undefined;
      });
    }
    const { client: redis, connected } = await own;
    // Until the first connection is made, wait for it (bounded); afterwards commands fail fast while reconnecting.
    await withCommandTimeout(connected, timings.commandTimeoutMs);
    return redis;
  };

  /** Runs a script; `sent` is when it went out (after any first connection), the start of a lease's life. */
  const run = async (lua: LuaScript, keys: string[], args: string[]): Promise<{ reply: number; sent: number }> => {
    // Loading the client library is not the lock service being slow: only the round trip is timed.
    const redis = await client();
    const sent = Date.now();
    const work = (async () => {
      try {
        return await redis.evalSha(lua.sha, { keys, arguments: args });
      } catch (error) {
        // After a restart or SCRIPT FLUSH the server has forgotten the script.
        if (!String((error as Error)?.message).includes('NOSCRIPT')) throw error;
        return redis.eval(lua.source, { keys, arguments: args });
      }
    })();
    const reply = await withCommandTimeout(work, timings.commandTimeoutMs);
    return { reply: Number(reply), sent };
  };

  return {
    timings,
    async acquire(id: string, acquireOptions?: AcquireOptions): Promise<UploadLease> {
      const lockKey = `${prefix}{${id}}`;
      const fenceKey = `${lockKey}:fence`;
      const owner = randomBytes(16).toString('hex');
      let grantedAt = 0;
      const token = await acquireWithin(
        id,
        async () => {
          const { reply: granted, sent } = await run(ACQUIRE, [lockKey, fenceKey], [owner, String(timings.ttlMs), String(fenceTtlMs)]);
          grantedAt = sent;
          if (granted > 0 && !Number.isSafeInteger(granted)) throw new UploadError('INTERNAL', { message: 'Fencing token out of range' });
          return granted > 0 ? granted : undefined;
        },
        acquireOptions,
      );
      return new HeldLease(
        id,
        token,
        timings,
        {
          renew: async () => (await run(RENEW, [lockKey], [owner, String(timings.ttlMs)])).reply === 1,
          release: async () => {
            await run(RELEASE, [lockKey], [owner]);
          },
        },
        grantedAt,
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      // Only a client the locker opened itself is closed; a caller's client stays theirs.
      const opened = await own?.catch(() => undefined);
      opened?.client.destroy();
    },
  };
}
