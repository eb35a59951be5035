import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { StorageDriver } from '@sluice/core';
import { ConfigError, loadConfig } from './config.js';
import { createStorage } from './storage.js';

const s3Config = loadConfig({ STORAGE: 's3', S3_BUCKET: 'uploads', S3_ENDPOINT: 'http://127.0.0.1:7480', AWS_ACCESS_KEY_ID: 'id', AWS_SECRET_ACCESS_KEY: 'secret' });

describe('createStorage', () => {
  it('creates the memory and disk drivers', async () => {
    expect((await createStorage(loadConfig({ STORAGE: 'memory' }))).name).toBe('memory');
    expect((await createStorage(loadConfig({ STORAGE: 'disk', UPLOAD_DIR: '/tmp/sluice-demo-test' }))).name).toBe('disk');
  });

  it('says clearly that STORAGE=s3 needs the S3 driver when it cannot be imported', async () => {
    const missing = async () => {
      throw new Error("Cannot find module '@sluice/core/s3'");
    };
    await expect(createStorage(s3Config, missing)).rejects.toThrow(ConfigError);
    await expect(createStorage(s3Config, missing)).rejects.toThrow(/^STORAGE=s3 needs the S3 driver/);
    await expect(createStorage(s3Config, async () => ({}))).rejects.toThrow(/^STORAGE=s3 needs the S3 driver/);
  });

  it('passes bucket and client settings to s3Storage', async () => {
    let received: Record<string, unknown> | undefined;
    const fake: StorageDriver = { name: 's3', put: async () => ({ size: 0 }), remove: async () => {}, get: async () => ({ body: Readable.from([]), size: 0 }) };
    const driver = await createStorage(s3Config, async () => ({
      s3Storage: (options) => {
        received = options;
        return fake;
      },
    }));
    expect(driver).toBe(fake);
    expect(received).toEqual({
      bucket: 'uploads',
      clientConfig: { region: 'us-east-1', endpoint: 'http://127.0.0.1:7480', forcePathStyle: true, credentials: { accessKeyId: 'id', secretAccessKey: 'secret' } },
    });
  });
});
