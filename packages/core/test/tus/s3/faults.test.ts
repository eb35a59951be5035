import type { S3Client } from '@aws-sdk/client-s3';
import type { TestSpace } from '@sluice/s3-rig';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomAborts } from '../random-aborts.js';
import { createUpload, headOffset, patch, startTusServer, testBytes, type TusServer } from '../support.js';
import { MiB, createSpace, readObject, spaceStore } from './support.js';

/**
 * Simulates a process that dies at one step: the `nth` call of `command`
 * fails, and so does every call after it (a dead process sends nothing
 * more). Another process (a fresh store) then carries on.
 */
function crashAt(client: S3Client, command: string, nth: number): { crashed: () => boolean } {
  let seen = 0;
  let dead = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!dead && context.commandName === command) {
        seen += 1;
        if (seen === nth) dead = true;
      }
      if (dead) throw Object.assign(new Error('simulated crash'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } });
      return next(args);
    },
    { step: 'initialize', name: 'sluiceTestCrash' },
  );
  return { crashed: () => dead };
}

describe('tus on S3: a crash at each step never lowers the offset, and another process finishes byte-exact', () => {
  let space: TestSpace;
  const servers: TusServer[] = [];
  beforeEach(async () => {
    space = await createSpace('tus-faults');
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await space.cleanup();
  });

  // PutObject calls in order: 1 info at creation, 2 info with the type judgement,
  // 3 tail object (first PATCH), 4 info; second PATCH: 5 info recording the new
  // multipart upload, 6/7/8 info after parts 1/2/3 (the last part ends the file), 9 info after Complete.
  const steps: Array<[string, string, number]> = [
    ['the tail object write', 'PutObjectCommand', 3],
    ['the info write after the tail', 'PutObjectCommand', 4],
    ['CreateMultipartUpload', 'CreateMultipartUploadCommand', 1],
    ['the info write that records the multipart upload', 'PutObjectCommand', 5],
    ['the first part upload', 'UploadPartCommand', 1],
    ['the info write after the first part', 'PutObjectCommand', 6],
    ['the second part upload', 'UploadPartCommand', 2],
    ['the final Complete', 'CompleteMultipartUploadCommand', 1],
    ['the info write after Complete', 'PutObjectCommand', 9],
  ];
  it.each(steps)('crash at %s', async (_label, command, nth) => {
    const data = testBytes(13 * MiB + 333, nth * 7 + command.length);
    const key = () => `${space.prefix}crash.bin`;
    const dying = spaceStore(space);
    const crash = crashAt(dying.context.client, command, nth);
    const first = await startTusServer({ store: dying, key });
    servers.push(first);
    const url = await createUpload(first, data.length);
    // Two PATCHes: 4 MiB (a tail object), then the rest (parts, a new tail, Complete).
    // A dying server may reset the connection instead of answering.
    const send = (offset: number, end: number) => patch(url, offset, data.subarray(offset, end)).catch(() => undefined);
    let before = 0;
    if ((await send(0, 4 * MiB))?.status === 204) before = 4 * MiB;
    if (!crash.crashed()) await send(before, data.length);
    expect(crash.crashed()).toBe(true);
    // Another process picks the upload up from the bucket alone.
    const second = await startTusServer({ store: spaceStore(space), key });
    servers.push(second);
    const resumed = url.replace(first.origin, second.origin);
    const offset = await headOffset(resumed);
    expect(offset).toBeGreaterThanOrEqual(before);
    if (offset < data.length) expect((await patch(resumed, offset, data.subarray(offset))).status).toBe(204);
    expect(await headOffset(resumed)).toBe(data.length);
    expect((await readObject(space.client, space.bucket, `${space.prefix}crash.bin`))?.equals(data)).toBe(true);
    expect((await space.leftovers()).filter((name) => name.startsWith('upload:'))).toEqual([]);
  });

  it('client aborts at random points leave a consistent, resumable upload (6 cuts, 12 MiB)', async () => {
    const server = await startTusServer({ store: spaceStore(space), key: () => `${space.prefix}cuts.bin` });
    servers.push(server);
    await randomAborts(server, 12 * MiB, 6, 41, (key) => readObject(space.client, space.bucket, key));
  });
});
