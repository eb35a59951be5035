import { configDefaults, defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'core',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The S3 suite needs a real S3 server: its own project (vitest.s3.config.ts) starts one.
    exclude: [...configDefaults.exclude, 'test/s3/**', 'test/tus/s3/**'],
    testTimeout: 20_000,
  },
});
