import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { TestSpace } from '@sluice/s3-rig';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { S3Resumable } from '../../../src/storage/s3/resumable-store.js';
import { testBytes } from '../support.js';
import { createSpace, spaceStore } from './support.js';

/** Counts the commands a client sends, by name. */
function countCommands(client: S3Client): Map<string, number> {
  const counts = new Map<string, number>();
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? '';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'sluiceTestCountCommands' },
  );
  return counts;
}

async function createdIn(store: S3Resumable, space: TestSpace, id: string): Promise<void> {
  const now = Date.now();
  await store.create({ id, length: 100, metadata: {}, createdAt: now, expiresAt: now + 60_000, key: undefined, file: { name: 'a.txt', safeName: 'a.txt', declaredType: 'text/plain' } });
  await store.update(id, { key: `${space.prefix}${id}.txt`, file: { name: 'a.txt', safeName: 'a.txt', declaredType: 'text/plain', type: 'text/plain' } });
}

describe('tus on S3: reading the state an instance last wrote', () => {
  let space: TestSpace;
  beforeEach(async () => {
    space = await createSpace('tus-info-reads');
  });
  afterEach(() => space.cleanup());

  it('takes a HEAD instead of a GET while the state is what this instance wrote, and sees another instance’s write at once', async () => {
    const first = spaceStore(space);
    const second = spaceStore(space);
    const counts = countCommands(first.context.client);
    const id = 'info-reads-1';
    await createdIn(first, space, id);
    const data = testBytes(100, 3);
    expect(await first.append(id, Readable.from([data.subarray(0, 30)]), { offset: 0 })).toBe(30);

    counts.clear();
    expect((await first.getInfo(id))?.offset).toBe(30);
    expect(counts.get('HeadObjectCommand')).toBe(1);
    expect(counts.get('GetObjectCommand')).toBeUndefined();

    // Another instance moves the upload on: the ETag no longer matches, so the state is read again.
    expect(await second.append(id, Readable.from([data.subarray(30, 70)]), { offset: 30 })).toBe(70);
    counts.clear();
    expect((await first.getInfo(id))?.offset).toBe(70);
    expect(counts.get('GetObjectCommand')).toBe(1);

    // Removed by the other instance: gone for this one too.
    await second.remove(id);
    expect(await first.getInfo(id)).toBeUndefined();
    first.context.client.destroy();
    second.context.client.destroy();
  });
});
