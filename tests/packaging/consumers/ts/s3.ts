// A TypeScript user of @sluice/core/s3 (strict), compiled against the AWS SDK
// the scratch project has installed (the range's floor, or the latest v3).
// skipLibCheck as `tsc --init` sets it: checking the SDK's own declarations
// costs minutes; Sluice's are checked strictly by the adapter consumers.
import { S3Client } from '@aws-sdk/client-s3';
import { createUploadHandler } from '@sluice/core';
import { contentDisposition, s3Storage, sweepMultipartUploads } from '@sluice/core/s3';

const client = new S3Client({ region: 'us-east-1' });
const storage = s3Storage({
  bucket: 'uploads',
  client,
  params: (file) => ({ ContentDisposition: contentDisposition(file.name), CacheControl: 'private' }),
});
export const handler = createUploadHandler({ storage });
export const swept = sweepMultipartUploads({ client, bucket: 'uploads', olderThanMs: 86_400_000, dryRun: true }).then((summary) => summary.found);
