import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { inject } from 'vitest';

/** How the S3 suite reaches its server; provided by global-setup.ts. */
export interface S3Connection {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** A bucket to work in instead of creating buckets (S3_BUCKET), when the credentials may not create any. */
  bucket?: string;
  /** The s3-local directory when global-setup started the server itself. */
  localDir?: string;
  /** True when the endpoint is on this machine (radosgw), not a real AWS-like S3. */
  local: boolean;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3Connection;
  }
}

/** The connection global-setup provided. */
export function connection(): S3Connection {
  return inject('s3');
}

/** Where an S3 server is and how to sign in: what {@link connection} and a started `LocalCluster` both give. */
export type S3Target = Pick<S3Connection, 'endpoint' | 'region' | 'accessKeyId' | 'secretAccessKey' | 'forcePathStyle'>;

/** The SDK settings for the suite's server, with optional overrides (e.g. wrong credentials). */
export function clientConfig(overrides: Partial<S3ClientConfig> = {}): S3ClientConfig {
  return targetClientConfig(connection(), overrides);
}

/** The SDK settings for `target` (the suite's server or a cluster of a test's own), with optional overrides. */
export function targetClientConfig(s3: S3Target, overrides: Partial<S3ClientConfig> = {}): S3ClientConfig {
  return {
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    // radosgw refuses stream bodies (411) with the SDK's newer checksum default.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...overrides,
  };
}

/** A fresh client for the suite's server. */
export function testClient(overrides: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client(clientConfig(overrides));
}

/** The environment a child process needs to reach the suite's server. */
export function childEnv(): NodeJS.ProcessEnv {
  const s3 = connection();
  return {
    ...process.env,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: String(s3.forcePathStyle),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
