import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_PART_SIZE } from '../../src/storage/s3/options.js';
import { objectDigest, streamingMultipart } from './bodies.js';
import { createSpace, type TestSpace } from '@sluice/s3-rig';
import { s3Handler, sendBody } from './support.js';

const MiB = 1024 * 1024;

let space: TestSpace;
beforeAll(async () => (space = await createSpace('budget')));
afterAll(async () => space?.cleanup());

describe('memory budget', () => {
  it('32 concurrent 16 MiB uploads stay within the budget, wait instead of failing, and all arrive byte for byte', async () => {
    // 12 parts: room for 4 uploads at their 3-part minimum, so most of the 32 must queue.
    const budget = 12 * MIN_PART_SIZE;
    const { handler, storage } = s3Handler(space, { memoryBudget: budget });
    let maxWaiting = 0;
    const sampler = setInterval(() => (maxWaiting = Math.max(maxWaiting, storage.memory.waiting)), 20);
    const started = performance.now();
    const bodies = Array.from({ length: 32 }, (_, i) => streamingMultipart([{ field: 'f', filename: `c${i}.bin`, size: 16 * MiB }]));
    const outcomes = await Promise.all(bodies.map((body) => sendBody(handler, body)));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);

    expect(outcomes.map((outcome) => outcome.error?.code)).toEqual(outcomes.map(() => undefined));
    const { peak, reserved } = storage.memory;
    expect(peak).toBeLessThanOrEqual(budget);
    expect(peak).toBeGreaterThan(0);
    expect(reserved).toBe(0);
    expect(maxWaiting).toBeGreaterThan(0);
    // process.memoryUsage() is no use here: without a forced GC it mostly counts freed part buffers.
    console.info(
      `[core-s3] 32 x 16 MiB: ${seconds.toFixed(1)} s (${((32 * 16) / seconds).toFixed(0)} MiB/s); ` +
        `peak reserved ${peak / MiB} MiB of a ${budget / MiB} MiB budget; up to ${maxWaiting} uploads queued`,
    );
    for (const [i, outcome] of outcomes.entries()) {
      const [file] = outcome.result!.files.f!;
      expect(await objectDigest(space.client, space.bucket, file!.key)).toMatchObject({ size: 16 * MiB, sha256: bodies[i]!.sha256[0] });
    }
  });
});
