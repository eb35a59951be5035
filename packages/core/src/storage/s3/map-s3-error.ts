import type { UploadErrorCode } from '../../errors/error-codes.js';
import { UploadError, isUploadError } from '../../errors/upload-error.js';

/** S3 error names that mean "these credentials may not do this". */
const DENIED = new Set([
  'AccessDenied',
  'AccountProblem',
  'AllAccessDisabled',
  'CredentialsProviderError',
  'ExpiredToken',
  'InvalidAccessKeyId',
  'InvalidSecurity',
  'InvalidToken',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
]);

/** S3 error names that mean "try again later". */
const UNAVAILABLE = new Set(['RequestTimeout', 'ServiceUnavailable', 'SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'TimeoutError']);

/** Node socket errors: the endpoint is down or unreachable right now. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/** The S3 error code of an SDK error (radosgw's `message` is always "UnknownError", so match on `name`). */
export function s3ErrorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape).name : undefined;
}

/** The HTTP status S3 answered with, if it answered at all. */
export function s3Status(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as SdkErrorShape).$metadata?.httpStatusCode : undefined;
}

function networkCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const { code, cause } = error as SdkErrorShape;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  return networkCode(cause, depth + 1);
}

/** Which {@link UploadErrorCode} an S3 or network failure stands for. */
export function s3ErrorCode(error: unknown): UploadErrorCode {
  const name = s3ErrorName(error) ?? '';
  const status = s3Status(error);
  if (DENIED.has(name) || status === 401 || status === 403) return 'STORAGE_DENIED';
  if (name === 'NoSuchBucket') return 'STORAGE_NOT_FOUND';
  if (UNAVAILABLE.has(name) || status === 503 || status === 429 || networkCode(error)) return 'STORAGE_UNAVAILABLE';
  return 'STORAGE_FAILED';
}

/**
 * Turns anything the AWS SDK throws into a typed {@link UploadError}. The
 * SDK's message can name the bucket, the key or the endpoint, so it never
 * becomes the client-facing `message`; the original stays in `cause` for logs.
 * An `UploadError` passes through unchanged.
 */
export function mapS3Error(error: unknown): UploadError {
  if (isUploadError(error)) return error;
  return new UploadError(s3ErrorCode(error), { cause: error });
}
