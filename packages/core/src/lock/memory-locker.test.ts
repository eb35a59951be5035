import { describe, expect, it } from 'vitest';
import type { HeldLease } from './held-lease.js';
import { runLockerConformance } from './locker-conformance.js';
import { memoryLocker } from './memory-locker.js';
import { resolveLeaseTimings } from './timings.js';

runLockerConformance('memoryLocker', {
  async pair(timings) {
    const locker = memoryLocker(timings);
    return [locker, locker];
  },
  async killHolder(locker, id) {
    // In one process a holder "dies" by no longer renewing (a request that never settles).
    const lease = await locker.acquire(id);
    (lease as HeldLease).abandonForTest();
    return lease.token;
  },
  async evict(locker) {
    await locker.close();
  },
});

describe('memoryLocker specifics', () => {
  it('is one table per locker: two in-process lockers do not see each other', async () => {
    const [a, b] = [memoryLocker(), memoryLocker()];
    const first = await a.acquire('same');
    const second = await b.acquire('same');
    expect(first.held && second.held).toBe(true);
    await Promise.all([first.release(), second.release()]);
  });

  it('starts tokens from the wall clock, so a restarted process still issues higher ones', async () => {
    const before = Date.now() * 1000;
    const lease = await memoryLocker().acquire('clock');
    expect(lease.token).toBeGreaterThanOrEqual(before);
    await lease.release();
  });

  it('declares a lease lost at its local deadline even when nothing renews it', async () => {
    const lease = await memoryLocker({ ttlMs: 400, renewEveryMs: 100, commandTimeoutMs: 50 }).acquire('deadline');
    (lease as HeldLease).abandonForTest();
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(lease.held).toBe(false);
    expect(lease.signal.reason).toMatchObject({ code: 'LOCK_LOST', details: { reason: 'expired' } });
  });

  it('rejects lease timings that would let a live lease lapse', () => {
    expect(() => resolveLeaseTimings({ ttlMs: 1_000, renewEveryMs: 900 })).toThrow(RangeError);
    expect(() => resolveLeaseTimings({ ttlMs: 0 })).toThrow(RangeError);
    expect(() => resolveLeaseTimings({ ttlMs: 1_000, commandTimeoutMs: 1_000 })).toThrow(RangeError);
    expect(resolveLeaseTimings({ ttlMs: 9_000 })).toEqual({ ttlMs: 9_000, renewEveryMs: 3_000, commandTimeoutMs: 2_000 });
  });
});
