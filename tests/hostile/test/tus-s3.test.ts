// For its `ProvidedContext` declaration: `inject('s3')`, which the rig's spaces use, is typed by it.
import type {} from '@sluice/s3-rig';
import { TUS_ROWS } from '../src/tus-rows.js';
import { runTusRows } from '../src/tus-run.js';
import { s3TusFactory } from '../src/tus-stores.js';

// Each row works in a space of its own (a bucket, or a prefix of S3_BUCKET)
// and must leave no object and no pending multipart upload there.
runTusRows('s3', s3TusFactory, TUS_ROWS);
