import { defineProject } from 'vitest/config';

/**
 * The real-client matrix: curl, Node's fetch, form-data + axios, Python
 * requests (Debian's python3-requests) and headless Chromium (Debian's
 * chromium) upload to the Express demo over real sockets. A missing client
 * fails its test (scripts/setup-system.sh installs them); nothing is skipped.
 */
export default defineProject({
  test: {
    name: 'real-clients',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
