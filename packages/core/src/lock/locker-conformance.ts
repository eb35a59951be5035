import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { isUploadError } from '../errors/index.js';
import { assertFence } from './fence.js';
import type { LeaseTimings, UploadLease, UploadLocker } from './types.js';

/** How the locker conformance suite gets lockers and simulates failures. */
export interface LockerSubject {
  /**
   * Two lockers sharing one lock table (two clients of one Redis, or the same
   * in-process locker twice), standing for two instances.
   */
  pair(timings: Partial<LeaseTimings>): Promise<[UploadLocker, UploadLocker]>;
  /**
   * Takes the lease on `id` in a holder sharing `locker`'s lock table that
   * then dies without releasing (a child process SIGKILLed, or renewals
   * stopped), and returns its token.
   */
  killHolder(locker: UploadLocker, id: string, timings: Partial<LeaseTimings>): Promise<number>;
  /** Removes the lease on `id` behind its holder's back (a failover that lost the key). */
  evict(locker: UploadLocker, id: string): Promise<void>;
}

/** Times are generous: two shared cores can delay a timer by hundreds of ms. */
const FAST = { ttlMs: 1_500, renewEveryMs: 300, commandTimeoutMs: 500 } satisfies LeaseTimings;

async function rejection(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function uniqueId(label: string): string {
  return `${label}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * The contract every {@link UploadLocker} must keep: contention fails fast
 * with 423, renewal keeps a lease, a dead holder's lease expires within the
 * ttl, tokens increase, a lost lease aborts its signal, and the store-side
 * fence refuses a stale token.
 */
export function runLockerConformance(name: string, subject: LockerSubject): void {
  describe(`${name}: lock contract`, () => {
    const open: UploadLocker[] = [];
    const leases: UploadLease[] = [];
    const pair = async (timings: Partial<LeaseTimings> = FAST) => {
      const lockers = await subject.pair(timings);
      open.push(...lockers);
      return lockers;
    };
    const hold = (lease: UploadLease) => (leases.push(lease), lease);
    afterEach(async () => {
      await Promise.all(leases.splice(0).map((lease) => lease.release()));
      await Promise.all(open.splice(0).map((locker) => locker.close()));
    });

    it('answers a contended acquire at once with UPLOAD_LOCKED (423), and leaves other ids free', async () => {
      const [a, b] = await pair();
      const id = uniqueId('contend');
      const lease = hold(await a.acquire(id));
      const started = Date.now();
      const error = await rejection(b.acquire(id));
      expect(Date.now() - started).toBeLessThan(FAST.ttlMs);
      expect(isUploadError(error) && error.code).toBe('UPLOAD_LOCKED');
      expect(isUploadError(error) && error.status).toBe(423);
      expect(lease.held).toBe(true);
      hold(await b.acquire(`${id}-other`));
    });

    it('waits up to waitMs for a contended lease and gets it when released', async () => {
      const [a, b] = await pair();
      const id = uniqueId('wait');
      const first = await a.acquire(id);
      setTimeout(() => void first.release(), 200);
      const second = hold(await b.acquire(id, { waitMs: 5_000 }));
      expect(second.token).toBeGreaterThan(first.token);
      expect(first.held).toBe(false);
    });

    it('keeps a lease alive by renewing it well past its ttl', async () => {
      const [a, b] = await pair();
      const id = uniqueId('renew');
      const lease = hold(await a.acquire(id));
      await sleep(FAST.ttlMs * 2.5);
      expect(lease.held).toBe(true);
      expect(lease.signal.aborted).toBe(false);
      const error = await rejection(b.acquire(id));
      expect(isUploadError(error) && error.code).toBe('UPLOAD_LOCKED');
      await lease.renew();
    });

    it('issues strictly increasing fencing tokens on one id, across lockers', async () => {
      const [a, b] = await pair();
      const id = uniqueId('tokens');
      const tokens: number[] = [];
      for (let i = 0; i < 6; i++) {
        const lease = await (i % 2 ? b : a).acquire(id);
        expect(Number.isSafeInteger(lease.token)).toBe(true);
        tokens.push(lease.token);
        await lease.release();
      }
      for (let i = 1; i < tokens.length; i++) expect(tokens[i]).toBeGreaterThan(tokens[i - 1]!);
    });

    it('lets the next writer in once a dead holder’s lease expires, within the ttl', async () => {
      const [a, b] = await pair();
      const id = uniqueId('dead');
      const deadToken = await subject.killHolder(a, id, FAST);
      const error = await rejection(b.acquire(id));
      expect(isUploadError(error) && error.code).toBe('UPLOAD_LOCKED');
      const started = Date.now();
      const lease = hold(await b.acquire(id, { waitMs: FAST.ttlMs * 3 }));
      expect(Date.now() - started).toBeLessThan(FAST.ttlMs + 1_000);
      expect(lease.token).toBeGreaterThan(deadToken);
    });

    it('aborts a lease’s signal with LOCK_LOST when a renewal finds it gone, and fences it off', async () => {
      const [a, b] = await pair();
      const id = uniqueId('lost');
      const lease = hold(await a.acquire(id));
      await subject.evict(a, id);
      const error = await rejection(lease.renew());
      expect(isUploadError(error) && error.code).toBe('LOCK_LOST');
      expect(lease.signal.aborted).toBe(true);
      expect(isUploadError(lease.signal.reason) && lease.signal.reason.code).toBe('LOCK_LOST');
      expect(lease.held).toBe(false);
      expect(() => lease.assertHeld()).toThrow(expect.objectContaining({ code: 'LOCK_LOST', status: 409 }));
      if (a !== b) {
        const next = hold(await b.acquire(id));
        expect(next.token).toBeGreaterThan(lease.token);
        expect(() => assertFence(next, lease.token)).not.toThrow();
      }
    });

    it('refuses a write whose token is below the one the store recorded (assertFence)', async () => {
      const [a] = await pair();
      const id = uniqueId('fence');
      const older = await a.acquire(id);
      await older.release();
      const newer = hold(await a.acquire(id));
      expect(() => assertFence(newer, undefined)).not.toThrow();
      expect(() => assertFence(newer, older.token)).not.toThrow();
      expect(() => assertFence(newer, newer.token)).not.toThrow();
      expect(() => assertFence(newer, newer.token + 1)).toThrow(expect.objectContaining({ code: 'LOCK_LOST' }));
      expect(() => assertFence(older, undefined)).toThrow(expect.objectContaining({ code: 'LOCK_LOST' }));
    });

    it('releases idempotently, aborting the signal, and lets the next writer in at once', async () => {
      const [a, b] = await pair();
      const id = uniqueId('release');
      const lease = await a.acquire(id);
      await lease.release();
      await lease.release();
      expect(lease.signal.aborted).toBe(true);
      expect(lease.held).toBe(false);
      hold(await b.acquire(id));
    });

    it('rejects an aborted acquire with the signal’s reason while waiting', async () => {
      const [a, b] = await pair();
      const id = uniqueId('abort');
      hold(await a.acquire(id));
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('client gone')), 150);
      const error = await rejection(b.acquire(id, { waitMs: 10_000, signal: controller.signal }));
      expect((error as Error).message).toBe('client gone');
    });
  });
}
