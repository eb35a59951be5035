import { UploadError } from '../errors/index.js';
import type { UploadLease } from './types.js';

/**
 * The store-side fencing check: throws `LOCK_LOST` unless `lease` is held and
 * its token is at least `storedToken`, the token the upload's state last
 * recorded (undefined for state no lease has written yet). A store calls it
 * after reading the upload's state and before writing, then records
 * `lease.token` in what it writes, so a writer whose lease was taken over can
 * never overwrite the newer writer's state.
 */
export function assertFence(lease: UploadLease, storedToken: number | undefined): void {
  lease.assertHeld();
  if (storedToken !== undefined && storedToken > lease.token) {
    throw new UploadError('LOCK_LOST', { details: { reason: 'fenced' } });
  }
}

/**
 * A token floor taken from the wall clock (microseconds since the epoch, about
 * 1.8e15, well inside the safe-integer range). A counter that starts from it
 * after a restart still issues tokens above every earlier one, as long as the
 * clock did not go backwards and fewer than a million tokens a second were issued.
 */
export function clockTokenFloor(nowMs: number = Date.now()): number {
  return Math.floor(nowMs) * 1000;
}
