/**
 * The Workers example of packages/hono/README.md, kept here so that it
 * typechecks and is bundled by the suite (test/workers.test.ts).
 */
import { Hono } from 'hono';
import { r2Storage, type R2BucketLike } from '@sluice/core/r2';
import { upload, type UploadEnv } from '@sluice/hono';

interface Env extends UploadEnv {
  Bindings: { UPLOADS: R2BucketLike };
}

const app = new Hono<Env>();
app.post(
  '/upload',
  // The binding lives on each request's env, so the middleware is built per request.
  (c, next) => upload<Env>({ storage: r2Storage({ bucket: c.env.UPLOADS }), limits: { fileSize: 50 * 1024 * 1024 } })(c, next),
  (c) => c.json({ files: c.get('files'), fields: c.get('fields') }),
);

export default app;
