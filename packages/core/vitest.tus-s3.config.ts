import { defineProject } from 'vitest/config';

/**
 * The tus endpoint and the S3 resumable store against a real S3 server (a
 * throw-away Ceph radosgw started by @sluice/s3-rig's global setup, or
 * S3_ENDPOINT). Separate from `core` because it needs that server.
 */
export default defineProject({
  test: {
    name: 'core-tus-s3',
    include: ['test/tus/s3/**/*.test.ts'],
    globalSetup: ['../../tooling/s3-rig/src/global-setup.ts'],
    // One file at a time: the files share one radosgw and two cores; the kill test runs its own cluster.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
