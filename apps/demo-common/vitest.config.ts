import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'demo-common',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
