import type { LifecycleRule } from '@aws-sdk/client-s3';

/** The rule ID {@link resumableStateRule} uses unless told otherwise. */
export const SLUICE_RESUMABLE_RULE_ID = 'sluice-expire-resumable-state';

/**
 * A bucket lifecycle rule that deletes resumable-upload state (info and
 * partial objects under `statePrefix`, default `.tus/`) `days` days after it
 * was written: a backstop for uploads no sweep ever removed. Pick `days`
 * above the uploads' expiry. Apply it next to `lifecycleRule` (which aborts
 * the multipart uploads themselves) with `applyLifecycleRule`.
 */
export function resumableStateRule({ days, statePrefix = '.tus/', id = SLUICE_RESUMABLE_RULE_ID }: { days: number; statePrefix?: string; id?: string }): LifecycleRule {
  if (!Number.isSafeInteger(days) || days < 1) throw new TypeError('resumableStateRule: days must be a whole number >= 1');
  if (statePrefix === '') throw new TypeError('resumableStateRule: statePrefix must not be empty (the rule would expire the whole bucket)');
  return { ID: id, Status: 'Enabled', Filter: { Prefix: statePrefix }, Expiration: { Days: days } };
}
