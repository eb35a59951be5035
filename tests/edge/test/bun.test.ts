import { afterAll, beforeAll, describe } from 'vitest';
import { runRemoteHttpCases } from '../src/remote-cases.js';
import { casesForServersThatCloseEarly } from '../src/runtime-differences.js';
import { bunBinary, startRuntimeServer, storageOverHttp, type RuntimeServer } from '../src/runtime-server.js';

// The Hono adapter's HTTP case table on Bun's own server (Bun.serve), from Bun's npm package.
describe('bun', () => {
  let server: RuntimeServer;
  beforeAll(async () => {
    server = await startRuntimeServer(bunBinary(), ['servers/bun-server.ts']);
  });
  afterAll(() => server?.close());

  runRemoteHttpCases('hono on Bun.serve', () => ({ url: server.url, snapshot: () => storageOverHttp(server.url) }), casesForServersThatCloseEarly());
});
