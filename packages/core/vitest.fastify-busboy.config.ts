import { defineProject } from 'vitest/config';

/** The engine tests again, with @fastify/busboy as the parser (see test/use-fastify-busboy.ts). */
export default defineProject({
  test: {
    name: 'core-fastify-busboy',
    include: ['test/handler/**/*.test.ts', 'test/fuzz/**/*.test.ts'],
    setupFiles: ['test/use-fastify-busboy.ts'],
    testTimeout: 20_000,
  },
});
