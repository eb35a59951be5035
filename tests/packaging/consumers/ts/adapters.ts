// A TypeScript user of the published packages (strict). Compiled with
// `tsc --noEmit` under node16 and under bundler resolution. Each expect-error
// directive below fails the compile if the adapters' types went `any`.
import { serve } from '@hono/node-server';
import { createUploadHandler, diskStorage, isUploadError, memoryStorage, type StoredFile, type UploadResult } from '@sluice/core';
import { upload as expressUpload, uploadErrorHandler } from '@sluice/express';
import { upload as honoUpload, type UploadEnv } from '@sluice/hono';
import { upload as koaUpload } from '@sluice/koa';
import express from 'express';
import { Hono } from 'hono';
import Koa from 'koa';

const expressApp = express();
expressApp.post('/upload', expressUpload({ storage: diskStorage({ root: './uploads' }), limits: { fileSize: 1024 } }), (req, res) => {
  const files: Record<string, StoredFile[]> | undefined = req.files;
  const result: UploadResult | undefined = res.locals.upload;
  // @ts-expect-error req.files is typed, not any
  const wrong: number = req.files;
  res.json({ files, count: result?.files.file?.length, wrong });
});
expressApp.use(uploadErrorHandler);

const koaApp = new Koa();
koaApp.use(koaUpload({ storage: memoryStorage() }));
koaApp.use((ctx) => {
  const files: Record<string, StoredFile[]> | undefined = ctx.request.files;
  // @ts-expect-error ctx.request.files is typed, not any
  const wrong: string = ctx.request.files;
  ctx.body = { files, wrong };
});

const honoApp = new Hono<UploadEnv>();
honoApp.post('/upload', honoUpload({ storage: memoryStorage() }), (c) => {
  const files: Record<string, StoredFile[]> = c.get('files');
  // @ts-expect-error c.get('files') is typed, not any
  const wrong: boolean = c.get('files');
  return c.json({ count: Object.keys(files).length, wrong });
});
serve({ fetch: honoApp.fetch, port: 0 });

const handler = createUploadHandler({ storage: memoryStorage(), checksums: ['sha256'] });
export async function direct(body: ReadableStream<Uint8Array>, contentType: string): Promise<number> {
  try {
    const result = await handler.handle({ headers: { 'content-type': contentType }, body });
    return Object.values(result.files).flat().length;
  } catch (error) {
    return isUploadError(error) ? error.status : 500;
  }
}
