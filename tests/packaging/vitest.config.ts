import { defineProject } from 'vitest/config';

/**
 * What a user installs: every publishable package is packed once (pnpm pack,
 * which runs each prepack build and applies publishConfig), the tarballs are
 * installed WITH NPM into scratch projects outside the workspace, and real
 * consumers run there. The AWS SDK range file uploads to a real S3 server
 * (radosgw from @sluice/s3-rig, or S3_ENDPOINT); it fails loudly without one.
 */
export default defineProject({
  test: {
    name: 'packaging',
    include: ['test/**/*.test.ts'],
    globalSetup: ['./src/global-setup.ts', '../../tooling/s3-rig/src/global-setup.ts'],
    // npm installs are mostly waiting on the network: the four files overlap them.
    maxWorkers: 4,
    // Vitest runs projects with their own worker count as a separate group: this one goes last.
    sequence: { groupOrder: 1 },
    testTimeout: 180_000,
    hookTimeout: 240_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
