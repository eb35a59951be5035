import { defineProject } from 'vitest/config';

/** The engine tests again, with busboy as the parser (see test/use-busboy.ts). */
export default defineProject({
  test: {
    name: 'core-busboy',
    include: ['test/handler/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
    setupFiles: ['test/use-busboy.ts'],
    testTimeout: 20_000,
  },
});
