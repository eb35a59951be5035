import { UploadError, isUploadError } from '../errors/index.js';
import { safetyMarginMs } from './timings.js';
import type { LeaseTimings, UploadLease } from './types.js';

/** What a locker implementation does for one lease; {@link HeldLease} does the rest. */
export interface LeaseBackend {
  /** Extends the lease; false when it is no longer this holder's (taken over or expired). */
  renew(): Promise<boolean>;
  /** Removes the lease if it is still this holder's. */
  release(): Promise<void>;
}

/** Runs `work`, rejecting with `LOCK_UNAVAILABLE` when it takes longer than `ms`. */
export async function withCommandTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UploadError('LOCK_UNAVAILABLE', { details: { reason: 'timeout' } })), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    throw isUploadError(error) ? error : new UploadError('LOCK_UNAVAILABLE', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A lease held by this process: renews itself on a timer and watches a local
 * deadline, the time of the last confirmed renewal's *request* plus the ttl
 * minus a safety margin. The lock service cannot have expired the lease before
 * that deadline, so a holder that stops writing at it never overlaps a new one.
 */
export class HeldLease implements UploadLease {
  readonly id: string;
  readonly token: number;
  private readonly controller = new AbortController();
  private readonly timings: LeaseTimings;
  private readonly backend: LeaseBackend;
  private deadline: number;
  private lossReason: UploadError | undefined;
  private lastFailure: unknown;
  private renewing: Promise<void> | undefined;
  private readonly renewTimer: NodeJS.Timeout;
  private deadlineTimer: NodeJS.Timeout | undefined;

  /** `grantedAt` is when the acquire request was sent (not answered). */
  constructor(id: string, token: number, timings: LeaseTimings, backend: LeaseBackend, grantedAt: number) {
    this.id = id;
    this.token = token;
    this.timings = timings;
    this.backend = backend;
    this.deadline = grantedAt + timings.ttlMs - safetyMarginMs(timings);
    this.renewTimer = setInterval(() => {
      this.renew().catch(() => {});
    }, timings.renewEveryMs);
    this.renewTimer.unref();
    this.armDeadline();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get held(): boolean {
    if (this.lossReason === undefined && Date.now() >= this.deadline) this.lose(this.expiryReason());
    return this.lossReason === undefined;
  }

  assertHeld(): void {
    if (!this.held) throw this.lossReason;
  }

  renew(): Promise<void> {
    if (this.lossReason) return Promise.reject(this.lossReason);
    this.renewing ??= this.renewOnce().finally(() => {
      this.renewing = undefined;
    });
    return this.renewing;
  }

  async release(): Promise<void> {
    if (this.controller.signal.aborted && this.lossReason?.details.reason === 'released') return;
    const wasHeld = this.held;
    this.lose(new UploadError('LOCK_LOST', { details: { reason: 'released' } }));
    if (!wasHeld) return;
    try {
      await withCommandTimeout(this.backend.release(), this.timings.commandTimeoutMs);
    } catch {
      // The lease then expires on its own after ttlMs; release never throws.
    }
  }

  private async renewOnce(): Promise<void> {
    const sentAt = Date.now();
    try {
      const mine = await withCommandTimeout(this.backend.renew(), this.timings.commandTimeoutMs);
      if (this.lossReason) throw this.lossReason;
      if (!mine) {
        this.lose(new UploadError('LOCK_LOST', { details: { reason: 'taken' } }));
        throw this.lossReason;
      }
      this.deadline = Math.max(this.deadline, sentAt + this.timings.ttlMs - safetyMarginMs(this.timings));
      this.lastFailure = undefined;
      this.armDeadline();
    } catch (error) {
      if (this.lossReason) throw this.lossReason;
      // Unreachable for now: the lease stays held until its deadline, when the timer declares it lost.
      this.lastFailure = error;
      throw isUploadError(error) ? error : new UploadError('LOCK_UNAVAILABLE', { cause: error });
    }
  }

  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(
      () => {
        void this.held;
      },
      Math.max(0, this.deadline - Date.now()),
    );
    this.deadlineTimer.unref();
  }

  private expiryReason(): UploadError {
    if (this.lastFailure !== undefined) return new UploadError('LOCK_UNAVAILABLE', { cause: this.lastFailure, details: { reason: 'unconfirmed' } });
    return new UploadError('LOCK_LOST', { details: { reason: 'expired' } });
  }

  private lose(reason: UploadError): void {
    if (this.lossReason) return;
    this.lossReason = reason;
    clearInterval(this.renewTimer);
    clearTimeout(this.deadlineTimer);
    this.controller.abort(reason);
  }

  /** Test seam: stops renewing as if the holder had died, leaving the lease to expire. */
  abandonForTest(): void {
    clearInterval(this.renewTimer);
    clearTimeout(this.deadlineTimer);
  }
}
