/**
 * The lock contract for resumable uploads: one writer per upload id at a time,
 * across every process that shares the upload's state.
 *
 * A holder takes a *lease* (a lock with a time to live), keeps it alive by
 * renewing it, and releases it when done. Each lease carries a *fencing
 * token*: a number that is strictly greater than the token of every earlier
 * lease on the same upload id. A holder that was paused (GC, a stalled socket,
 * a lost connection to Redis) may still believe it holds a lease that has
 * expired and been granted to someone else; the token is what lets the
 * storage refuse that stale writer.
 *
 * ## How a store uses the fencing token
 * 1. Before every persistent write (a part upload, a staged-tail object, the
 *    info object, the final Complete, a delete) call `lease.assertHeld()`. It
 *    throws at once when the lease is known to be lost or its local deadline
 *    (last confirmed renewal + ttl, minus a safety margin) has passed, so a
 *    writer that lost its lease stops before touching the store.
 * 2. Where the store keeps per-upload state (the info object), record the
 *    token of the writer in it (e.g. `info.fence = lease.token`) and, when
 *    reading that state before a write, call `assertFence(lease, info.fence)`:
 *    a stored token greater than the lease's own means a newer writer has
 *    already been here, and the stale one must not write. A store with
 *    conditional writes (S3 `If-Match`, a rename on disk) makes this check
 *    exact; without them it narrows the window to one round trip.
 * 3. Pass `lease.signal` to every I/O the write starts (S3 requests, file
 *    streams), so losing the lease aborts work already in flight.
 *
 * ## Contention
 * A contended `acquire` fails fast with an `UploadError` `UPLOAD_LOCKED`
 * (HTTP 423 Locked) instead of waiting: tus clients (tus-js-client, Uppy)
 * retry 423 after a delay, starting with `HEAD`, which is the cheapest way to
 * learn the offset the winning writer reached. Waiting would tie up a socket
 * and memory per waiter and could hang behind a holder that died. A caller
 * that prefers to wait briefly passes `waitMs`.
 */
export interface UploadLocker {
  /**
   * Takes the lease on `id`. Resolves with the lease, or rejects quickly with
   * `UploadError('UPLOAD_LOCKED')` (423) when a live holder has it, or
   * `UploadError('LOCK_UNAVAILABLE')` (503) when the lock service cannot be
   * reached within `timings.commandTimeoutMs`. Never waits longer than
   * `options.waitMs` (default 0) plus one command timeout.
   */
  acquire(id: string, options?: AcquireOptions): Promise<UploadLease>;
  /** The lease timings this locker applies, for documentation and `Retry-After`. */
  readonly timings: LeaseTimings;
  /** Releases what the locker owns (connections it opened, timers). Leases still held are lost. */
  close(): Promise<void>;
}

/** Options of {@link UploadLocker.acquire}. */
export interface AcquireOptions {
  /** How long to keep retrying a contended lease before answering 423; default 0 (fail fast). */
  waitMs?: number;
  /** Cancels the acquire (e.g. the client went away); rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * One held lease. It renews itself every `timings.renewEveryMs` until
 * released; when a renewal finds the lease taken over or expired, or the lock
 * service stays unreachable until the local deadline, the lease is lost: its
 * `signal` aborts with the reason, and `assertHeld()` throws it from then on.
 */
export interface UploadLease {
  /** The upload id the lease is on. */
  readonly id: string;
  /**
   * The fencing token: strictly greater than every earlier lease's token on
   * this id (across processes for a shared locker, and across restarts of the
   * locker as long as the wall clock does not go backwards). A safe integer.
   */
  readonly token: number;
  /**
   * Aborts when the lease is lost or released. `signal.reason` is an
   * `UploadError`: `LOCK_LOST` (409, someone else may hold it now) or
   * `LOCK_UNAVAILABLE` (503, the lock service could not confirm it in time).
   * `release()` aborts it too (with `LOCK_LOST`), so I/O still tied to a
   * released lease stops.
   */
  readonly signal: AbortSignal;
  /** True while the lease is held and its local deadline has not passed. */
  readonly held: boolean;
  /** Throws the loss reason (an `UploadError`) unless {@link held}. Call it right before each persistent write. */
  assertHeld(): void;
  /** Renews now (the lease also renews itself on a timer). Rejects with the loss reason when the lease is lost. */
  renew(): Promise<void>;
  /**
   * Gives the lease back so the next writer need not wait for expiry. Idempotent,
   * never throws: a release that cannot reach the lock service leaves the
   * lease to expire after `ttlMs`.
   */
  release(): Promise<void>;
}

/** How long a lease lives and how it is kept alive. */
export interface LeaseTimings {
  /** Time to live of a lease without renewal: the longest a dead holder blocks an upload. */
  ttlMs: number;
  /** How often a holder renews; must be well under `ttlMs` (default a third of it). */
  renewEveryMs: number;
  /** Longest wait for one lock-service command before it counts as unavailable. */
  commandTimeoutMs: number;
}
