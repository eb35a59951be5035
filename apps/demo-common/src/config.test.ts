import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { formatSize, parseSize } from './sizes.js';

describe('parseSize', () => {
  it.each([
    ['1048576', 1048576],
    ['10MiB', 10 * 1024 * 1024],
    ['10MB', 10_000_000],
    ['10 mib', 10 * 1024 * 1024],
    ['1.5KiB', 1536],
    ['512KB', 512_000],
    ['2GiB', 2 * 1024 ** 3],
    ['0', 0],
  ])('%s is %d bytes', (text, bytes) => expect(parseSize(text)).toBe(bytes));

  it.each(['', 'ten', '10 potatoes', '-1', '1.5', '0.3B', '1.0001KiB', '10MiBs', '1e6', 'Infinity'])('refuses %j', (text) => expect(parseSize(text)).toBeUndefined());
});

describe('formatSize', () => {
  it.each([
    [0, '0 bytes'],
    [1023, '1023 bytes'],
    [262144, '256 KiB'],
    [10 * 1024 * 1024, '10 MiB'],
    [1536, '1.5 KiB'],
  ])('%d is %s', (bytes, text) => expect(formatSize(bytes)).toBe(text));
});

describe('loadConfig', () => {
  it('has defaults for everything', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      storage: { kind: 'disk' },
      limits: { fileSize: 10 * 1024 * 1024, totalSize: 100 * 1024 * 1024, files: 20, fields: 100, fieldSize: 64 * 1024, parts: 200 },
      requestTimeoutMs: 120_000,
      allowedTypes: undefined,
      checksums: ['sha256'],
    });
    expect(config.storage).toEqual({ kind: 'disk', dir: expect.stringMatching(/\/uploads$/) });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      STORAGE: 's3',
      S3_BUCKET: 'demo',
      S3_REGION: 'eu-west-1',
      S3_ENDPOINT: 'http://127.0.0.1:7480',
      S3_FORCE_PATH_STYLE: 'false',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
      MAX_FILE_SIZE: '1MiB',
      MAX_TOTAL_SIZE: '2MB',
      MAX_FILES: '3',
      MAX_FIELDS: '4',
      MAX_FIELD_SIZE: '5KiB',
      MAX_PARTS: '6',
      REQUEST_TIMEOUT_MS: '7000',
      ALLOWED_TYPES: 'image/*, application/pdf',
      CHECKSUM: 'md5,crc32c',
      S3_CREATE_BUCKET: 'true',
    });
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      storage: { kind: 's3', bucket: 'demo', region: 'eu-west-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: false, accessKeyId: 'id', secretAccessKey: 'secret', createBucket: true },
      limits: { fileSize: 1024 * 1024, totalSize: 2_000_000, files: 3, fields: 4, fieldSize: 5 * 1024, parts: 6 },
      requestTimeoutMs: 7000,
      allowedTypes: ['image/*', 'application/pdf'],
      checksums: ['md5', 'crc32c'],
    });
  });

  it('resolves UPLOAD_DIR against INIT_CWD, where pnpm was started', () => {
    expect(loadConfig({ UPLOAD_DIR: 'files', INIT_CWD: '/srv/app' }).storage).toEqual({ kind: 'disk', dir: '/srv/app/files' });
    expect(loadConfig({ UPLOAD_DIR: '/abs/dir', INIT_CWD: '/srv/app' }).storage).toEqual({ kind: 'disk', dir: '/abs/dir' });
  });

  it('turns checksums off with CHECKSUM=none', () => {
    expect(loadConfig({ CHECKSUM: 'none' }).checksums).toEqual([]);
  });

  it.each([
    [{ PORT: 'http' }, 'PORT'],
    [{ PORT: '65536' }, 'PORT'],
    [{ STORAGE: 'tape' }, 'STORAGE'],
    [{ MAX_FILE_SIZE: '10 potatoes' }, 'MAX_FILE_SIZE'],
    [{ MAX_TOTAL_SIZE: '-5' }, 'MAX_TOTAL_SIZE'],
    [{ MAX_FILES: '2.5' }, 'MAX_FILES'],
    [{ MAX_FIELDS: 'many' }, 'MAX_FIELDS'],
    [{ MAX_FIELD_SIZE: '1TB of text' }, 'MAX_FIELD_SIZE'],
    [{ MAX_PARTS: '1e3' }, 'MAX_PARTS'],
    [{ REQUEST_TIMEOUT_MS: '0' }, 'REQUEST_TIMEOUT_MS'],
    [{ ALLOWED_TYPES: 'image/png,<script>' }, 'ALLOWED_TYPES'],
    [{ CHECKSUM: 'sha512' }, 'CHECKSUM'],
    [{ STORAGE: 's3' }, 'S3_BUCKET'],
    [{ STORAGE: 's3', S3_BUCKET: 'b', S3_ENDPOINT: 'not a url' }, 'S3_ENDPOINT'],
    [{ STORAGE: 's3', S3_BUCKET: 'b', S3_FORCE_PATH_STYLE: 'maybe' }, 'S3_FORCE_PATH_STYLE'],
    [{ STORAGE: 's3', S3_BUCKET: 'b', AWS_ACCESS_KEY_ID: 'only-half' }, 'AWS_SECRET_ACCESS_KEY'],
  ])('refuses %j naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });
});
