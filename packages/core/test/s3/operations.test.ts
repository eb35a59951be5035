import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { CreateMultipartUploadCommand, GetBucketLifecycleConfigurationCommand, PutBucketLifecycleConfigurationCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyLifecycleRule, lifecycleRule } from '../../src/storage/s3/lifecycle.js';
import { sweepMultipartUploads, type SweepProgress } from '../../src/storage/s3/sweep.js';
import { childEnv, connection, testClient } from '@sluice/s3-rig';
import { REPO_ROOT } from '@sluice/s3-rig';
import { createSpace, type TestSpace } from '@sluice/s3-rig';

let space: TestSpace;
beforeAll(async () => (space = await createSpace('sweep')));
afterAll(async () => space?.cleanup());

/** Starts a multipart upload with one part and walks away from it, like a process killed mid-upload. */
async function orphan(key: string): Promise<string> {
  const { client, bucket } = space;
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: space.prefix + key }));
  await client.send(new UploadPartCommand({ Bucket: bucket, Key: space.prefix + key, UploadId, PartNumber: 1, Body: Buffer.alloc(1024, 7) }));
  return UploadId!;
}

describe('sweepMultipartUploads', () => {
  it('leaves young uploads alone, reports in a dry run, then aborts what is old enough, under a prefix only', async () => {
    const kept = await orphan('keep/a.bin');
    await orphan('tmp/b.bin');
    const base = { client: space.client, bucket: space.bucket };

    const young = await sweepMultipartUploads({ ...base, olderThanMs: 24 * 3_600_000, prefix: space.prefix });
    expect(young).toMatchObject({ found: 2, eligible: 0, aborted: 0, skipped: 2, errors: 0 });

    const seen: SweepProgress[] = [];
    const dry = await sweepMultipartUploads({ ...base, olderThanMs: 0, prefix: `${space.prefix}tmp/`, dryRun: true, onProgress: (p) => seen.push(p) });
    expect(dry).toMatchObject({ found: 1, eligible: 1, aborted: 0, skipped: 1, dryRun: true });
    expect(seen.map((p) => [p.action, p.upload.key])).toEqual([['would-abort', `${space.prefix}tmp/b.bin`]]);
    expect(await space.leftovers()).toHaveLength(2);

    const swept = await sweepMultipartUploads({ ...base, olderThanMs: 0, prefix: `${space.prefix}tmp/` });
    expect(swept).toMatchObject({ found: 1, eligible: 1, aborted: 1, skipped: 0, errors: 0 });
    expect(await space.leftovers()).toEqual([`upload:${space.prefix}keep/a.bin`]);

    await sweepMultipartUploads({ ...base, olderThanMs: 0, prefix: space.prefix });
    await space.expectEmpty();
    expect(kept).toBeTruthy();
  });
});

describe('the sluice CLI', () => {
  const run = promisify(execFile);
  const cli = (...args: string[]): Promise<{ stdout: string; stderr: string }> => {
    const s3 = connection();
    const where = ['--bucket', space.bucket, '--endpoint', s3.endpoint, '--region', s3.region, ...(s3.forcePathStyle ? ['--force-path-style'] : [])];
    // Run as an operator would in this repo: node + tsx on the TypeScript source, credentials from the env.
    return run(process.execPath, ['--import', 'tsx', path.join('packages/core/src/cli/sluice.ts'), 'sweep', ...where, ...args], { cwd: REPO_ROOT, env: childEnv() });
  };

  it('sweep prints one line per upload and a summary, and aborts the orphan', async () => {
    const uploadId = await orphan('cli/c.bin');
    const dry = await cli('--older-than', '0', '--prefix', space.prefix, '--dry-run');
    expect(dry.stdout).toContain(`would-abort ${space.prefix}cli/c.bin  (upload ${uploadId}, started `);
    expect(dry.stdout).toMatch(/found 1, would abort 1, skipped 1, errors 0 \(dry run\)/);
    expect(await space.leftovers()).toHaveLength(1);

    const { stdout } = await cli('--older-than', '0s', '--prefix', space.prefix);
    expect(stdout).toContain(`aborted     ${space.prefix}cli/c.bin`);
    expect(stdout).toMatch(new RegExp(`sweep ${space.bucket}: found 1, aborted 1, skipped 0, errors 0\\n$`));
    await space.expectEmpty();

    const json = await cli('--older-than', '24h', '--prefix', space.prefix, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ found: 0, aborted: 0, errors: 0 });
  });

  it('refuses a duration without a unit (exit 2, usage on stderr)', async () => {
    const failure = await cli('--older-than', '24').catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain('"24" has no unit');
  });
});

describe('lifecycle rule', () => {
  it("adds the abort-incomplete-uploads rule, keeps the bucket's other rules, and replaces itself on re-apply", async () => {
    // Its own bucket, never a shared S3_BUCKET: this rewrites the bucket's lifecycle configuration.
    const own = await createSpace('lifecycle', testClient());
    try {
      const other = { ID: 'expire-tmp', Status: 'Enabled' as const, Filter: { Prefix: 'tmp/' }, Expiration: { Days: 30 } };
      await own.client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: own.bucket, LifecycleConfiguration: { Rules: [other] } }));
      await applyLifecycleRule(own.client, own.bucket, lifecycleRule({ days: 2, prefix: 'uploads/' }));
      await applyLifecycleRule(own.client, own.bucket, lifecycleRule({ days: 1, prefix: 'uploads/' }));
      const { Rules } = await own.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: own.bucket }));
      expect(Rules?.map((rule) => rule.ID).sort()).toEqual(['expire-tmp', 'sluice-abort-incomplete-multipart-uploads']);
      expect(Rules?.find((rule) => rule.ID !== 'expire-tmp')).toMatchObject({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } });
    } finally {
      await own.cleanup();
    }
  });
});
