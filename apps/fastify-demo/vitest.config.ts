import { defineProject } from 'vitest/config';

/**
 * The demo's smoke tests (memory, disk and S3) and its browser test. STORAGE=s3
 * needs a real S3 server: the core-s3 global setup starts a throw-away radosgw
 * (or uses S3_ENDPOINT) and fails the run when none can be had; it never skips.
 */
export default defineProject({
  test: {
    name: 'fastify-demo',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['../../tooling/s3-rig/src/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
