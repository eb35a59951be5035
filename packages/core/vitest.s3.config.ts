import { defineProject } from 'vitest/config';

/**
 * The S3 driver against a real S3 server (a throw-away Ceph radosgw started by
 * test/s3/global-setup.ts, or S3_ENDPOINT). Separate from the `core` project
 * because it needs that server; it fails loudly when none can be had.
 */
export default defineProject({
  test: {
    name: 'core-s3',
    include: ['test/s3/**/*.test.ts'],
    globalSetup: ['../../tooling/s3-rig/src/global-setup.ts'],
    // One file at a time: the files share one radosgw and two cores, and the
    // memory-budget and kill tests measure timing that a neighbour would skew.
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
