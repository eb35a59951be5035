import { GetBucketLifecycleConfigurationCommand, PutBucketLifecycleConfigurationCommand, type LifecycleRule, type S3Client } from '@aws-sdk/client-s3';
import { s3ErrorName } from './map-s3-error.js';

/** The rule ID {@link lifecycleRule} uses unless told otherwise. */
export const SLUICE_LIFECYCLE_RULE_ID = 'sluice-abort-incomplete-multipart-uploads';

/** Options of {@link lifecycleRule}. */
export interface LifecycleRuleOptions {
  /** Abort uploads this many whole days after they started. S3's smallest is 1. */
  days: number;
  /** Only uploads under this key prefix. Default: the whole bucket. */
  prefix?: string;
  /** The rule's ID; a rule with the same ID is replaced by {@link applyLifecycleRule}. */
  id?: string;
}

/**
 * A bucket lifecycle rule that makes S3 itself abort multipart uploads left
 * unfinished for `days` days, so parts of a crashed upload stop costing
 * money even if no sweeper ever runs.
 */
export function lifecycleRule({ days, prefix = '', id = SLUICE_LIFECYCLE_RULE_ID }: LifecycleRuleOptions): LifecycleRule {
  if (!Number.isSafeInteger(days) || days < 1) throw new TypeError('lifecycleRule: days must be a whole number >= 1');
  return { ID: id, Status: 'Enabled', Filter: { Prefix: prefix }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: days } };
}

/**
 * Rewrites a rule read back in the old form (a top-level `Prefix`, which
 * radosgw answers with) into the `Filter` form, because one configuration may
 * not mix the two.
 */
function withFilter(rule: LifecycleRule): LifecycleRule {
  const { Prefix, ...rest } = rule;
  if (Prefix === undefined || rest.Filter) return rule;
  return { ...rest, Filter: { Prefix } };
}

/**
 * Adds `rule` to the bucket's lifecycle configuration, replacing a rule with
 * the same ID and keeping every other rule. (PutBucketLifecycleConfiguration
 * replaces the whole configuration, so a blind put would delete the bucket's
 * other rules.) Needs s3:GetLifecycleConfiguration and s3:PutLifecycleConfiguration.
 * Returns the rules now in place.
 */
export async function applyLifecycleRule(client: S3Client, bucket: string, rule: LifecycleRule): Promise<LifecycleRule[]> {
  let existing: LifecycleRule[] = [];
  try {
    existing = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (error) {
    if (s3ErrorName(error) !== 'NoSuchLifecycleConfiguration') throw error;
  }
  const rules = [...existing.filter((other) => other.ID !== rule.ID).map(withFilter), rule];
  await client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } }));
  return rules;
}
