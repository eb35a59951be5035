import { defineProject } from 'vitest/config';

/**
 * Sluice on several instances, with real processes: a throw-away redis-server
 * (@sluice/redis-rig) and radosgw (@sluice/s3-rig), or REDIS_URL / S3_ENDPOINT.
 * Either missing fails the run loudly. One file at a time: the files start
 * demo processes and restart Redis servers, and share two cores.
 */
export default defineProject({
  test: {
    name: 'cluster',
    include: ['test/**/*.test.ts'],
    globalSetup: ['../../tooling/redis-rig/src/global-setup.ts', '../../tooling/s3-rig/src/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
