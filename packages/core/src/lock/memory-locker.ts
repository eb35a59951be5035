import { acquireWithin } from './acquire-loop.js';
import { clockTokenFloor } from './fence.js';
import { HeldLease } from './held-lease.js';
import { resolveLeaseTimings } from './timings.js';
import type { AcquireOptions, LeaseTimings, UploadLease, UploadLocker } from './types.js';

/** Options of {@link memoryLocker}. */
export type MemoryLockerOptions = Partial<LeaseTimings>;

interface Entry {
  owner: symbol;
  expiresAt: number;
}

/**
 * The in-process locker, the default: right for one instance, wrong for
 * several (each process has its own table, so two instances would both grant
 * a lease; use `redisLocker` from `@sluice/core/redis` there). Leases expire
 * after `ttlMs` without renewal like the shared lockers', and tokens start from
 * the wall clock so they keep increasing across restarts of the process (which
 * matters for stores whose state outlives it, like disk).
 */
export function memoryLocker(options: MemoryLockerOptions = {}): UploadLocker {
  const timings = resolveLeaseTimings(options);
  const table = new Map<string, Entry>();
  let lastToken = 0;
  let closed = false;

  const owns = (id: string, owner: symbol): Entry | undefined => {
    const entry = table.get(id);
    return entry && entry.owner === owner && entry.expiresAt > Date.now() ? entry : undefined;
  };

  return {
    timings,
    async acquire(id: string, acquireOptions?: AcquireOptions): Promise<UploadLease> {
      if (closed) throw new Error('memoryLocker is closed');
      const owner = Symbol(id);
      let grantedAt = 0;
      const token = await acquireWithin(
        id,
        async () => {
          const current = table.get(id);
          grantedAt = Date.now();
          if (current && current.expiresAt > grantedAt) return undefined;
          table.set(id, { owner, expiresAt: grantedAt + timings.ttlMs });
          lastToken = Math.max(lastToken + 1, clockTokenFloor(grantedAt));
          return lastToken;
        },
        acquireOptions,
      );
      return new HeldLease(
        id,
        token,
        timings,
        {
          async renew() {
            const entry = owns(id, owner);
            if (entry) entry.expiresAt = Date.now() + timings.ttlMs;
            return entry !== undefined;
          },
          async release() {
            if (owns(id, owner)) table.delete(id);
          },
        },
        grantedAt,
      );
    },
    async close() {
      closed = true;
      table.clear();
    },
  };
}
