import { vi } from 'vitest';

// Runs the whole engine suite once more on busboy (the engine Sluice was
// specified with, still selectable): every test that builds a handler
// without choosing a parser gets the 'busboy' engine.
vi.mock('../src/parser/engines.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../src/parser/engines.js')>()),
  DEFAULT_PARSER_ENGINE: 'busboy',
}));
