import { defineConfig } from 'vitest/config';

// One root config: every package's tests run against its TypeScript sources,
// with no build step. Packages that need servers (radosgw, Chromium) add their
// own project entries with a global setup.
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'apps/*/vitest.config.ts',
      'tests/*/vitest.config.ts',
      'packages/core/vitest.busboy.config.ts',
      'packages/core/vitest.s3.config.ts',
      'packages/core/vitest.tus-s3.config.ts',
    ],
  },
});
