import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadError } from '../../src/errors/upload-error.js';
import { uniqueName } from '@sluice/s3-rig';
import { streamingMultipart } from './bodies.js';
import { clientConfig, connection } from '@sluice/s3-rig';
import { createSpace, type TestSpace } from '@sluice/s3-rig';
import { s3Handler, sendBody } from './support.js';

const MiB = 1024 * 1024;

let space: TestSpace;
beforeAll(async () => (space = await createSpace('failures')));
afterAll(async () => space?.cleanup());

/** Resolves once `commands` shows `name` (the upload got that far on S3). */
async function until(commands: string[], name: string): Promise<void> {
  for (let i = 0; i < 400 && !commands.includes(name); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(commands).toContain(name);
}

describe('a failed upload leaves nothing on S3 and says why', () => {
  it('file size limit hit in the middle of a multipart upload: 413, upload aborted before the handler settles', async () => {
    const { handler, commands } = s3Handler(space, {}, { limits: { fileSize: 12 * MiB } });
    const { error } = await sendBody(handler, streamingMultipart([{ field: 'f', filename: 'big.bin', size: 20 * MiB }]));
    expect(error).toMatchObject({ code: 'LIMIT_FILE_SIZE', status: 413 });
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands).toContain('AbortMultipartUploadCommand');
    await space.expectEmpty();
  });

  it('client disconnect mid-file: 499, upload aborted', async () => {
    const { handler, commands } = s3Handler(space);
    const controller = new AbortController();
    const pending = sendBody(handler, streamingMultipart([{ field: 'f', filename: 'cut.bin', size: 40 * MiB }], { stopAfter: 12 * MiB }), controller.signal);
    await until(commands, 'UploadPartCommand');
    controller.abort();
    const { error } = await pending;
    expect(error).toMatchObject({ code: 'CLIENT_ABORTED', status: 499 });
    expect(commands).toContain('AbortMultipartUploadCommand');
    await space.expectEmpty();
  });

  it('request timeout while the client stalls mid-file: 408, upload aborted', async () => {
    const { handler, commands } = s3Handler(space, {}, { requestTimeoutMs: 1500 });
    const { error } = await sendBody(handler, streamingMultipart([{ field: 'f', filename: 'slow.bin', size: 40 * MiB }], { stopAfter: 12 * MiB }));
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', status: 408 });
    expect(commands).toContain('AbortMultipartUploadCommand');
    await space.expectEmpty();
  });

  it('refused type: 415 before a single byte or request reaches S3', async () => {
    const { handler, commands } = s3Handler(space, {}, { allowedTypes: ['image/*'] });
    const { error } = await sendBody(handler, streamingMultipart([{ field: 'f', filename: 'x.exe', size: 10 * MiB }]));
    expect(error).toMatchObject({ code: 'TYPE_NOT_ALLOWED', status: 415 });
    expect(commands).toEqual([]);
    await space.expectEmpty();
  });

  it('server shutdown mid-file: 503 SHUTTING_DOWN, and shutdown() resolves only after the abort', async () => {
    const { handler, commands } = s3Handler(space);
    const pending = sendBody(handler, streamingMultipart([{ field: 'f', filename: 'cut.bin', size: 40 * MiB }], { stopAfter: 12 * MiB }));
    await until(commands, 'UploadPartCommand');
    await handler.shutdown();
    await space.expectEmpty();
    expect((await pending).error).toMatchObject({ code: 'SHUTTING_DOWN', status: 503 });
  });
});

describe('S3 refusing the upload maps to a typed error with a safe message', () => {
  const check = (error: UploadError | undefined, code: string, s3Name: string): void => {
    expect(error).toMatchObject({ code, status: 502 });
    expect(error!.message).not.toMatch(new RegExp(`${s3Name}|${connection().endpoint}|${space.bucket}`));
    expect((error!.cause as Error).name).toBe(s3Name);
  };

  it('wrong secret key (multipart): STORAGE_DENIED 502', async () => {
    const { handler } = s3Handler(space, { clientConfig: clientConfig({ credentials: { accessKeyId: connection().accessKeyId, secretAccessKey: 'not-the-secret' } }) });
    const { error } = await sendBody(handler, streamingMultipart([{ field: 'f', filename: 'a.bin', size: 12 * MiB }]));
    check(error, 'STORAGE_DENIED', 'SignatureDoesNotMatch');
    await space.expectEmpty();
  });

  it('unknown access key (single PutObject): STORAGE_DENIED 502', async () => {
    const { handler } = s3Handler(space, { clientConfig: clientConfig({ credentials: { accessKeyId: 'nobody', secretAccessKey: 'x' } }) });
    const { error } = await sendBody(handler, streamingMultipart([{ field: 'f', filename: 'a.bin', size: 1000 }]));
    check(error, 'STORAGE_DENIED', 'InvalidAccessKeyId');
  });

  it('missing bucket: STORAGE_NOT_FOUND 502', async () => {
    const { handler } = s3Handler({ ...space, bucket: uniqueName('missing') });
    const { error } = await sendBody(handler, streamingMultipart([{ field: 'f', filename: 'a.bin', size: 12 * MiB }]));
    check(error, 'STORAGE_NOT_FOUND', 'NoSuchBucket');
  });
});
