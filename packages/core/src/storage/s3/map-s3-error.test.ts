import { describe, expect, it } from 'vitest';
import { UploadError } from '../../errors/upload-error.js';
import { mapS3Error } from './map-s3-error.js';

const sdkError = (name: string, status?: number, extra: object = {}): Error =>
  Object.assign(new Error(`secret detail about bucket my-bucket (${name})`), { name, $metadata: { httpStatusCode: status }, ...extra });

describe('mapS3Error', () => {
  it.each([
    [sdkError('InvalidAccessKeyId', 403), 'STORAGE_DENIED', 502],
    [sdkError('SignatureDoesNotMatch', 403), 'STORAGE_DENIED', 502],
    [sdkError('AccessDenied', 403), 'STORAGE_DENIED', 502],
    [sdkError('UnknownError', 403), 'STORAGE_DENIED', 502],
    [sdkError('CredentialsProviderError'), 'STORAGE_DENIED', 502],
    [sdkError('NoSuchBucket', 404), 'STORAGE_NOT_FOUND', 502],
    [sdkError('SlowDown', 503), 'STORAGE_UNAVAILABLE', 503],
    [sdkError('ServiceUnavailable', 503), 'STORAGE_UNAVAILABLE', 503],
    [sdkError('UnknownError', 503), 'STORAGE_UNAVAILABLE', 503],
    [sdkError('Error', undefined, { code: 'ECONNREFUSED' }), 'STORAGE_UNAVAILABLE', 503],
    [sdkError('Error', undefined, { code: 'ECONNRESET' }), 'STORAGE_UNAVAILABLE', 503],
    [sdkError('Error', undefined, { cause: Object.assign(new Error('socket'), { code: 'EPIPE' }) }), 'STORAGE_UNAVAILABLE', 503],
    [sdkError('TimeoutError'), 'STORAGE_UNAVAILABLE', 503],
    [sdkError('InternalError', 500), 'STORAGE_FAILED', 502],
    [sdkError('EntityTooLarge', 400), 'STORAGE_FAILED', 502],
    [new TypeError('boom'), 'STORAGE_FAILED', 502],
  ])('%s -> %s %i, SDK message kept out of `message`', (error, code, status) => {
    const mapped = mapS3Error(error);
    expect(mapped).toMatchObject({ code, status });
    expect(mapped.message).not.toContain('my-bucket');
    expect(mapped.cause).toBe(error);
  });

  it('passes an UploadError through unchanged', () => {
    const error = new UploadError('LIMIT_FILE_SIZE');
    expect(mapS3Error(error)).toBe(error);
  });
});
