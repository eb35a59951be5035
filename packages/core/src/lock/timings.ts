import type { LeaseTimings } from './types.js';

/**
 * Default lease timings: a dead holder blocks an upload for at most 15 s, a
 * live one renews every 5 s, and a lock-service command gets 2 s. 15 s keeps a
 * tus client's default retry schedule (0, 1, 3, 5 s, reset whenever the offset
 * advances) close to covering a takeover after a crashed instance.
 */
export const DEFAULT_LEASE_TIMINGS: LeaseTimings = Object.freeze({ ttlMs: 15_000, renewEveryMs: 5_000, commandTimeoutMs: 2_000 });

/**
 * Completes partial timings with the defaults (renewal a third of the ttl
 * unless given) and rejects nonsensical ones: a renewal interval that is not
 * well below the ttl would let a live lease lapse.
 */
export function resolveLeaseTimings(input: Partial<LeaseTimings> = {}): LeaseTimings {
  const ttlMs = input.ttlMs ?? DEFAULT_LEASE_TIMINGS.ttlMs;
  const renewEveryMs = input.renewEveryMs ?? (input.ttlMs === undefined ? DEFAULT_LEASE_TIMINGS.renewEveryMs : Math.max(1, Math.floor(ttlMs / 3)));
  const commandTimeoutMs = input.commandTimeoutMs ?? Math.min(DEFAULT_LEASE_TIMINGS.commandTimeoutMs, Math.max(1, Math.floor(ttlMs / 4)));
  for (const [name, value] of Object.entries({ ttlMs, renewEveryMs, commandTimeoutMs })) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`lease ${name} must be a positive integer of milliseconds, got ${value}`);
  }
  if (renewEveryMs * 2 > ttlMs) throw new RangeError(`lease renewEveryMs (${renewEveryMs}) must be at most half of ttlMs (${ttlMs})`);
  if (commandTimeoutMs >= ttlMs) throw new RangeError(`lease commandTimeoutMs (${commandTimeoutMs}) must be below ttlMs (${ttlMs})`);
  return Object.freeze({ ttlMs, renewEveryMs, commandTimeoutMs });
}

/**
 * How much earlier than the lock service a holder considers its lease gone:
 * covers clock-rate drift between hosts and the time a renewal reply spends
 * in flight, so the holder stops writing before anyone else can start.
 */
export function safetyMarginMs(timings: LeaseTimings): number {
  return Math.min(1_000, Math.ceil(timings.ttlMs / 10));
}
