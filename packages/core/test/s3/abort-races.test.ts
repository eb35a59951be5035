import { setTimeout as sleep } from 'node:timers/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomStream } from './bodies.js';
import { createSpace, type TestSpace } from '@sluice/s3-rig';
import { spaceStorage } from './support.js';

const MiB = 1024 * 1024;
const file = { field: 'f', name: 'x.bin', type: 'application/octet-stream' };

let space: TestSpace;
beforeAll(async () => (space = await createSpace('races')));
afterAll(async () => space?.cleanup());

/** Runs `hook` around every `command` the client sends (after the SDK's retries, so what it throws is final). */
function intercept(client: S3Client, command: string, hook: (send: () => Promise<unknown>, call: number) => Promise<unknown>): void {
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== command) return next(args);
      calls += 1;
      return hook(() => next(args), calls) as never;
    },
    { step: 'initialize', name: `sluiceTestIntercept${command}` },
  );
}

const injected = (name: string, extra: object = {}): Error => Object.assign(new Error(`injected ${name}`), { name, ...extra });

describe('the moments between S3 calls cannot orphan an upload', () => {
  it('abort while CreateMultipartUpload is in flight: the upload it creates is still aborted', async () => {
    const { storage, commands } = spaceStorage(space);
    let created = false;
    intercept(storage.client, 'CreateMultipartUploadCommand', async (send) => {
      const output = await send();
      created = true;
      await sleep(300); // the response is slow to arrive; meanwhile the request is cancelled
      return output;
    });
    const controller = new AbortController();
    const put = storage.put(`${space.prefix}create-race.bin`, randomStream(12 * MiB), { signal: controller.signal, file });
    while (!created) await sleep(5);
    controller.abort(new Error('client went away'));
    await expect(put).rejects.toThrow('client went away');
    expect(commands).toContain('AbortMultipartUploadCommand');
    await space.expectEmpty();
  });

  it('S3 fails a part (503 SlowDown): STORAGE_UNAVAILABLE, upload aborted', async () => {
    const { storage } = spaceStorage(space);
    intercept(storage.client, 'UploadPartCommand', async (send, call) => {
      if (call === 2) throw injected('SlowDown', { $metadata: { httpStatusCode: 503 } });
      return send();
    });
    const put = storage.put(`${space.prefix}slow-down.bin`, randomStream(18 * MiB), { signal: new AbortController().signal, file });
    await expect(put).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', status: 503 });
    await space.expectEmpty();
  });

  it("lib-storage's own abort fails once: the driver retries it before rejecting", async () => {
    const { storage, commands } = spaceStorage(space);
    intercept(storage.client, 'UploadPartCommand', async (send, call) => {
      if (call === 2) throw injected('InternalError', { $metadata: { httpStatusCode: 500 } });
      return send();
    });
    intercept(storage.client, 'AbortMultipartUploadCommand', async (send, call) => {
      if (call === 1) throw injected('ServiceUnavailable', { $metadata: { httpStatusCode: 503 } });
      return send();
    });
    const put = storage.put(`${space.prefix}abort-retry.bin`, randomStream(18 * MiB), { signal: new AbortController().signal, file });
    // The root cause is reported, not the failed abort.
    await expect(put).rejects.toMatchObject({ code: 'STORAGE_FAILED', status: 502 });
    expect(commands.filter((name) => name === 'AbortMultipartUploadCommand')).toHaveLength(2);
    await space.expectEmpty();
  });

  it('CreateMultipartUpload succeeds on S3 but its response is lost: the unknown upload is found and aborted', async () => {
    const { storage } = spaceStorage(space);
    intercept(storage.client, 'CreateMultipartUploadCommand', async (send) => {
      await send();
      throw injected('Error', { code: 'ECONNRESET' });
    });
    const key = `${space.prefix}lost-create.bin`;
    const put = storage.put(key, randomStream(12 * MiB), { signal: new AbortController().signal, file });
    await expect(put).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', status: 503 });
    await space.expectEmpty();
  });
});
