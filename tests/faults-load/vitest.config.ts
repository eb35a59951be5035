import { defineProject } from 'vitest/config';

/**
 * Faults and load against the three demo servers, over real sockets. Needs a
 * real S3 server: the core-s3 global setup starts a throw-away radosgw (or uses
 * S3_ENDPOINT); the kill test starts its own. One file at a time: the files
 * share two cores, and the load test measures RSS and timing.
 */
export default defineProject({
  test: {
    name: 'faults-load',
    include: ['test/**/*.test.ts'],
    globalSetup: ['../../tooling/s3-rig/src/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
