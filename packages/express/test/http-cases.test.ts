import express from 'express';
import { runHttpCases, serverSubject } from '@sluice/core/testing';
import { upload, uploadErrorHandler } from '../src/index.js';

runHttpCases('express', async ({ handler, preRead }) => {
  const app = express();
  if (preRead) app.use(express.raw({ type: '*/*' }));
  app.post('/upload', upload(handler), (req, res) => {
    res.json({ files: req.files, fields: req.body, upload: res.locals.upload });
  });
  app.use(uploadErrorHandler);
  return serverSubject(app.listen(0, '127.0.0.1'));
});
