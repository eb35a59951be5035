import { vi } from 'vitest';

// Runs the whole engine suite a second time on the other parser: every test
// that builds a handler without choosing a parser gets @fastify/busboy.
vi.mock('../src/parser/engines.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/parser/engines.js')>()),
  DEFAULT_PARSER_ENGINE: 'fastify-busboy',
}));
