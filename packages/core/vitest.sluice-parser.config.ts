import { defineProject } from 'vitest/config';

/** The engine tests again, with Sluice's own multipart parser (see test/use-sluice-parser.ts). */
export default defineProject({
  test: {
    name: 'core-sluice-parser',
    include: ['test/handler/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
    setupFiles: ['test/use-sluice-parser.ts'],
    testTimeout: 20_000,
  },
});
