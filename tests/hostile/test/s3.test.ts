import { afterAll, beforeAll, inject } from 'vitest';
// For its `ProvidedContext` declaration: `inject('s3')` is typed by it.
import type {} from '@sluice/s3-rig';
import { runHostileCases } from '../src/run-cases.js';
import { s3Bucket, type S3Bucket } from '../src/storages.js';

// One bucket for the file; every case works under its own prefix in it and
// must leave no object and no pending multipart upload there.
let bucket: S3Bucket;
beforeAll(async () => {
  bucket = await s3Bucket(inject('s3'), 'hostile');
});
afterAll(async () => {
  await bucket?.cleanup();
});

runHostileCases('s3', () => bucket.factory);
