import type { S3ClientConfig } from '@aws-sdk/client-s3';

/** The variables scripts/s3-local/start.sh prints. */
export type S3Env = Record<string, string | undefined>;

/**
 * The SDK settings for the radosgw that start.sh started. Kept apart from the
 * SDK itself (a type import only), so that a benchmark server loads the SDK
 * only through the contender it runs.
 */
export function s3ClientConfig(env: S3Env): S3ClientConfig {
  return {
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
    // radosgw 16 predates the SDK's default CRC32 request checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}
