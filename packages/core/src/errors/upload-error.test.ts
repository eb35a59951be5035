import { describe, expect, it } from 'vitest';
import { ERROR_TABLE } from './error-codes.js';
import { UploadError, isUploadError, toUploadError } from './upload-error.js';

describe('UploadError', () => {
  it('takes status and safe message from the one table', () => {
    for (const [code, { status, message }] of Object.entries(ERROR_TABLE)) {
      const error = new UploadError(code as keyof typeof ERROR_TABLE);
      expect(error).toMatchObject({ code, status, statusCode: status, message, expose: true, name: 'UploadError' });
    }
  });

  it('serialises to the wire shape with details but never the cause', () => {
    const error = new UploadError('LIMIT_FILE_SIZE', { cause: new Error('/etc/secret'), details: { limit: 'fileSize', max: 10 } });
    expect(error.toJSON()).toEqual({ error: { code: 'LIMIT_FILE_SIZE', message: 'File too large', limit: 'fileSize', max: 10 } });
    expect(JSON.stringify(error)).not.toContain('secret');
  });

  it('turns unknown errors into INTERNAL without leaking their message', () => {
    const wrapped = toUploadError(new Error('ENOENT: /var/app/config.json'));
    expect(wrapped).toMatchObject({ code: 'INTERNAL', status: 500, message: 'Internal error' });
    expect((wrapped.cause as Error).message).toContain('ENOENT');
    expect(toUploadError('a string', 'STORAGE_FAILED').code).toBe('STORAGE_FAILED');
    const original = new UploadError('IDLE_TIMEOUT');
    expect(toUploadError(original)).toBe(original);
    expect(isUploadError({ name: 'UploadError' })).toBe(false);
  });
});
