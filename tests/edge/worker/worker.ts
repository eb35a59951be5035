/**
 * The Workers app under test: @sluice/hono with the R2 driver over the
 * `BUCKET` binding, serving the shared case app (see src/case-app.ts). It is
 * bundled twice, by plain esbuild and by wrangler, and run in workerd with
 * `nodejs_compat`.
 */
import { r2Storage, type R2BucketLike } from '@sluice/core/r2';
import { createCaseApp } from '../src/case-app.js';

/** The Worker's bindings (wrangler.jsonc: `r2_buckets`). */
interface Bindings {
  BUCKET: R2BucketLike;
}

// The smallest part R2 allows, so that a file over 5 MiB goes up in several parts.
const app = createCaseApp((env) => r2Storage({ bucket: (env as Bindings).BUCKET, partSize: 5 * 1024 * 1024 }));

export default app;
