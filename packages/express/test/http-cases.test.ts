import type { AddressInfo } from 'node:net';
import express from 'express';
import { runHttpCases, socketTransport } from '@sluice/core/testing';
import { upload, uploadErrorHandler } from '../src/index.js';

runHttpCases('express', async ({ handler, preRead }) => {
  const app = express();
  if (preRead) app.use(express.raw({ type: '*/*' }));
  app.post('/upload', upload(handler), (req, res) => {
    res.json({ files: req.files, fields: req.body, upload: res.locals.upload });
  });
  app.use(uploadErrorHandler);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    transport: socketTransport(`http://127.0.0.1:${port}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
