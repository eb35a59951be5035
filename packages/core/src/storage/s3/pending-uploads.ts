import { ListMultipartUploadsCommand, type MultipartUpload, type S3Client } from '@aws-sdk/client-s3';

/**
 * Every pending (started, neither completed nor aborted) multipart upload in
 * `bucket` under `prefix`, page by page. The SDK has no paginator for
 * ListMultipartUploads because it continues with two markers (key and
 * UploadId), not a token.
 */
export async function* listPendingUploads(client: S3Client, bucket: string, prefix?: string, signal?: AbortSignal): AsyncGenerator<MultipartUpload> {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }),
      signal ? { abortSignal: signal } : undefined,
    );
    yield* page.Uploads ?? [];
    if (!page.IsTruncated) return;
    // A truncated page without markers would loop forever on the same page.
    if (page.NextKeyMarker === undefined && page.NextUploadIdMarker === undefined) return;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}
