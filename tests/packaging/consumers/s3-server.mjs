// A user with S3 storage: Express stores uploads in $S3_BUCKET through
// @sluice/core/s3 and whatever @aws-sdk/client-s3 and lib-storage the project
// has installed. Connection from S3_ENDPOINT, S3_REGION, AWS_* and
// S3_FORCE_PATH_STYLE. With S3_FAIL_PART=N, UploadPart number N fails the way
// S3 answers after the SDK's retries (a fault radosgw cannot make on demand).
import { S3Client } from '@aws-sdk/client-s3';
import { s3Storage } from '@sluice/core/s3';
import { upload, uploadErrorHandler } from '@sluice/express';
import express from 'express';

const { S3_ENDPOINT, S3_REGION, S3_BUCKET, S3_PREFIX = '', S3_FORCE_PATH_STYLE, S3_FAIL_PART } = process.env;
const clientConfig = { endpoint: S3_ENDPOINT, region: S3_REGION, forcePathStyle: S3_FORCE_PATH_STYLE === 'true' };

/** A client of our own (the driver's checksum settings spelled out) whose UploadPart number `part` fails. */
function failingClient(part) {
  const client = new S3Client({ ...clientConfig, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  const send = client.send.bind(client);
  client.send = (command, ...rest) =>
    command.constructor.name === 'UploadPartCommand' && command.input.PartNumber === part
      ? Promise.reject(Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }))
      : send(command, ...rest);
  return client;
}

const storage = s3Storage({ bucket: S3_BUCKET, ...(S3_FAIL_PART ? { client: failingClient(Number(S3_FAIL_PART)) } : { clientConfig }) });
const app = express();
app.post('/upload', upload({ storage, checksums: ['sha256'], key: ({ requestId, safeName }) => `${S3_PREFIX}${requestId}/${safeName}` }), (req, res) =>
  res.json({ files: req.files, fields: req.body }),
);
app.use(uploadErrorHandler);
const server = app.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ ports: { s3: server.address().port } })}\n`));
