import { request } from 'node:http';
import type { S3Client } from '@aws-sdk/client-s3';
import type { TestSpace } from '@sluice/s3-rig';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextFailure } from '../random-aborts.js';
import { createUpload, headOffset, patch, startTusServer, testBytes, TUS, type TusServer } from '../support.js';
import { MiB, createSpace, readObject, spaceStore } from './support.js';

/** Counts the UploadPart requests the store starts (before the SDK's retries). */
function countParts(client: S3Client): { started: () => number } {
  let started = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'UploadPartCommand') started += 1;
      return next(args);
    },
    { step: 'initialize', name: 'sluiceTestCountParts' },
  );
  return { started: () => started };
}

/** Waits until `ready()` holds, polling; rejects after `ms`. */
async function until(ready: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('tus on S3: a part is streamed to S3 while the PATCH that fills it arrives', () => {
  let space: TestSpace;
  const servers: TusServer[] = [];
  beforeEach(async () => {
    space = await createSpace('tus-streamed');
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await space.cleanup();
  });

  it('starts the part before its bytes have arrived; a PATCH cut mid-part keeps what arrived, and the upload resumes byte-exact', async () => {
    const data = testBytes(12 * MiB, 5);
    const store = spaceStore(space);
    const parts = countParts(store.context.client);
    const server = await startTusServer({ store, key: () => `${space.prefix}streamed.bin` });
    servers.push(server);
    const url = await createUpload(server, data.length);

    // One PATCH announcing all 12 MiB; the first MiB alone must already have started part 1 (5 MiB).
    const req = request(url, {
      method: 'PATCH',
      headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0', 'Content-Length': String(data.length) },
    });
    const closed = new Promise<void>((resolve) => {
      req.on('error', () => resolve());
      req.on('close', () => resolve());
    });
    req.on('response', (res) => res.resume());
    req.write(data.subarray(0, MiB));
    await until(() => parts.started() === 1, 10_000, 'the first UploadPart');
    // The rest of part 1 and 2 MiB of part 2, then the connection drops.
    const cut = 7 * MiB;
    for (let at = MiB; at < cut; at += 256 * 1024) req.write(data.subarray(at, Math.min(cut, at + 256 * 1024)));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const failed = nextFailure(server);
    req.destroy();
    await closed;
    await failed;

    // Part 1 is kept, and whatever of part 2 arrived went to the tail object; the streamed part 2 was abandoned.
    const offset = await headOffset(url);
    expect(offset).toBeGreaterThanOrEqual(5 * MiB);
    expect(offset).toBeLessThanOrEqual(cut);
    const info = await store.getInfo(url.split('/').pop()!);
    expect(info?.offset).toBe(offset);

    expect((await patch(url, offset, data.subarray(offset))).status).toBe(204);
    expect((await readObject(space.client, space.bucket, `${space.prefix}streamed.bin`))?.equals(data)).toBe(true);
    expect((await space.leftovers()).filter((name) => name.startsWith('upload:'))).toEqual([]);
  });

  it('a streamed part that S3 fails after reading it is sent again from the buffer: no hang, byte-exact', async () => {
    const data = testBytes(12 * MiB, 6);
    const store = spaceStore(space);
    const parts = countParts(store.context.client);
    // After S3 has taken the first UploadPart's body, its answer is turned into a
    // retryable 500: the SDK then retries by piping the same, spent body again.
    let failed = false;
    store.context.client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (!failed && context.commandName === 'UploadPartCommand') {
          failed = true;
          throw Object.assign(new Error('We encountered an internal error. Please try again.'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
        }
        return result;
      },
      { step: 'deserialize', name: 'sluiceTestFailFirstPart' },
    );
    const server = await startTusServer({ store, key: () => `${space.prefix}resent.bin` });
    servers.push(server);
    const url = await createUpload(server, data.length);

    const started = Date.now();
    expect((await patch(url, 0, data)).status).toBe(204);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(failed).toBe(true);
    // Parts 1 and 2 streamed, part 1 once more from the buffer, and the 2 MiB last part.
    expect(parts.started()).toBe(4);
    expect((await readObject(space.client, space.bucket, `${space.prefix}resent.bin`))?.equals(data)).toBe(true);
    expect((await space.leftovers()).filter((name) => name.startsWith('upload:'))).toEqual([]);
  });
});
