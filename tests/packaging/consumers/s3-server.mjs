// A user with S3 storage: Express stores uploads in $S3_BUCKET through
// @sluice/core/s3 and whatever @aws-sdk/client-s3 and lib-storage the project
// has installed. Connection from S3_ENDPOINT, S3_REGION, AWS_* and
// S3_FORCE_PATH_STYLE.
import { upload, uploadErrorHandler } from '@sluice/express';
import { s3Storage } from '@sluice/core/s3';
import express from 'express';

const { S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_PREFIX = '', S3_FORCE_PATH_STYLE } = process.env;
const storage = s3Storage({
  bucket: S3_BUCKET,
  clientConfig: { endpoint: S3_ENDPOINT, region: S3_REGION, forcePathStyle: S3_FORCE_PATH_STYLE === 'true' },
});
const app = express();
app.post('/upload', upload({ storage, checksums: ['sha256'], key: ({ requestId, safeName }) => `${S3_PREFIX}${requestId}/${safeName}` }), (req, res) =>
  res.json({ files: req.files, fields: req.body }),
);
app.use(uploadErrorHandler);
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ ports: { s3: server.address().port } })}\n`));
