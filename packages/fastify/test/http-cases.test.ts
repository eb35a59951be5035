import Fastify from 'fastify';
import { runHttpCases, socketTransport } from '@sluice/core/testing';
import { sluice } from '../src/index.js';

runHttpCases('fastify', async ({ handler, preRead }) => {
  const app = Fastify();
  // A hook that reads the whole body and hands nothing on, as a careless logging hook would.
  if (preRead) {
    app.addHook('preParsing', async (_request, _reply, payload) => {
      for await (const _chunk of payload) void _chunk;
    });
  }
  await app.register(sluice);
  app.post('/upload', { config: { upload: handler } }, async (request) => ({ files: request.files, fields: request.body, upload: request.upload }));
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    transport: socketTransport(url),
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
});
