// An ESM user of the published packages: Express, Koa and Hono (on
// @hono/node-server) each store uploads on disk under $SLUICE_STORE/<name>.
// Prints {"ports": {...}} once all three listen.
import path from 'node:path';
import { serve } from '@hono/node-server';
import { diskStorage } from '@sluice/core';
import { upload as expressUpload, uploadErrorHandler } from '@sluice/express';
import { upload as honoUpload } from '@sluice/hono';
import { upload as koaUpload } from '@sluice/koa';
import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';

const store = process.env.SLUICE_STORE;
const options = (name) => ({ storage: diskStorage({ root: path.join(store, name) }), checksums: ['sha256'] });

const listen = (server) => new Promise((resolve) => server.once('listening', () => resolve(server.address().port)));

const expressApp = express();
expressApp.post('/upload', expressUpload(options('express')), (req, res) => res.json({ files: req.files, fields: req.body }));
expressApp.use(uploadErrorHandler);

const koaApp = new Koa();
koaApp.use(koaUpload(options('koa')));
koaApp.use((ctx) => {
  ctx.body = { files: ctx.request.files, fields: ctx.request.body };
});

const honoApp = new Hono();
honoApp.post('/upload', honoUpload(options('hono')), (c) => c.json({ files: c.get('files'), fields: c.get('fields') }));

const ports = {
  express: await listen(expressApp.listen(0, '127.0.0.1')),
  koa: await listen(koaApp.listen(0, '127.0.0.1')),
  hono: await listen(serve({ fetch: honoApp.fetch, port: 0, hostname: '127.0.0.1' })),
};
process.stdout.write(`${JSON.stringify({ ports })}\n`);
