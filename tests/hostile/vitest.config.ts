import { defineProject } from 'vitest/config';

/**
 * The hostile-input suite: exact bytes over real sockets to the Express, Koa,
 * Hono and Fastify adapters, against memory, disk and S3 (a throw-away radosgw from
 * the core S3 suite's global setup, or S3_ENDPOINT). The S3 file fails loudly
 * when no S3 server can be had; it never skips.
 */
export default defineProject({
  test: {
    name: 'hostile',
    include: ['test/**/*.test.ts'],
    globalSetup: ['../../tooling/s3-rig/src/global-setup.ts'],
    // Each case has its own server, port and store, so they run concurrently;
    // the slow-client cases spend most of their time waiting.
    maxConcurrency: 8,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
