import { defineProject } from 'vitest/config';

/**
 * @sluice/hono off Node: the Workers app in workerd (miniflare) with the R2
 * driver, bundled by esbuild and by wrangler; the HTTP case table on Bun and
 * Deno. Each runtime is a real binary from an npm package; one that cannot
 * start fails its file (never a skip).
 */
export default defineProject({
  test: {
    name: 'edge',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
