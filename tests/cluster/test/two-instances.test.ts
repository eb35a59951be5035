import { setTimeout as sleep } from 'node:timers/promises';
import { redisUrl } from '@sluice/redis-rig';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type SharedBucket, sharedBucket } from '../src/bucket.js';
import { content, MiB } from '../src/content.js';
import { type Instance, startInstance } from '../src/instance.js';
import { createUpload, download, offsetOf, patch, sha256, slowPatch, type TusReply } from '../src/tus-http.js';

/** A short lease, so a crashed instance blocks an upload for 3 s, not the default 15 s. */
const LOCK_TTL_MS = 3_000;

describe('two demo instances (Express and Koa) sharing one bucket and one Redis', () => {
  let bucket: SharedBucket;
  let env: Record<string, string>;
  let express: Instance;
  let koa: Instance;

  beforeAll(async () => {
    bucket = await sharedBucket('two');
    env = { ...bucket.env, REDIS_URL: redisUrl(), LOCK_TTL_MS: String(LOCK_TTL_MS), MAX_FILE_SIZE: '64MiB' };
    [express, koa] = await Promise.all([startInstance('express', env), startInstance('koa', env)]);
  });
  // A test that failed half-way may leave an instance down; the next one starts on two.
  beforeEach(async () => {
    if (express.child.exitCode !== null || express.child.signalCode !== null) express = await startInstance('express', env);
    if (koa.child.exitCode !== null || koa.child.signalCode !== null) koa = await startInstance('koa', env);
  });
  afterAll(async () => {
    await Promise.all([express?.stop('SIGKILL'), koa?.stop('SIGKILL')]);
  });

  it('an upload started on one instance is resumed on the other, byte-exact', async () => {
    const data = content(20 * MiB);
    const upload = await createUpload(express.url, data.length, 'resumed-across.bin');
    expect((await patch(express.url, upload, 0, data.subarray(0, 9 * MiB))).status).toBe(204);
    expect(await offsetOf(koa.url, upload)).toBe(9 * MiB);
    const last = await patch(koa.url, upload, 9 * MiB, data.subarray(9 * MiB));
    expect(last.status).toBe(204);
    expect(Number(last.headers['upload-offset'])).toBe(data.length);
    // A final PATCH retried on the first instance (its answer was lost) changes nothing and makes no second object.
    const retried = await patch(express.url, upload, data.length, Buffer.alloc(0));
    expect(retried.status).toBe(204);
    expect(Number(retried.headers['upload-offset'])).toBe(data.length);
    expect(sha256(await download(express.url, 'resumed-across.bin'))).toBe(sha256(data));
    expect(sha256(await download(koa.url, 'resumed-across.bin'))).toBe(sha256(data));
    const { files } = (await (await fetch(`${koa.url}/files`)).json()) as { files: Array<{ name: string }> };
    expect(files.filter((file) => file.name === 'resumed-across.bin')).toHaveLength(1);
    expect(await bucket.pending()).toEqual([]);
  });

  it('two PATCHes at the same offset on both instances at once: exactly one wins, the other gets 423 or 409, the upload stays consistent', async () => {
    const [first, second, rest] = [content(6 * MiB), content(6 * MiB), content(3 * MiB)];
    const upload = await createUpload(express.url, 9 * MiB, 'raced.bin');
    // Both bodies trickle over about a second, so the two requests overlap on the two instances.
    const replies: TusReply[] = await Promise.all([slowPatch(express.url, upload, 0, first, 12, 80), slowPatch(koa.url, upload, 0, second, 12, 80)]);
    const statuses = replies.map((answer) => answer.status);
    const seen = replies.map((answer) => `${answer.status} ${answer.body}`).join(' | ');
    expect(
      statuses.filter((status) => status === 204),
      `${seen}\n${express.output().slice(-2000)}\n${koa.output().slice(-2000)}`,
    ).toHaveLength(1);
    const loser = replies.find((answer) => answer.status !== 204)!;
    expect([409, 423]).toContain(loser.status);
    const winner = replies[0]!.status === 204 ? first : second;
    expect(await offsetOf(express.url, upload)).toBe(6 * MiB);
    expect(await offsetOf(koa.url, upload)).toBe(6 * MiB);
    const finished = await patch(koa.url, upload, 6 * MiB, rest);
    expect(finished.status, `${finished.body}\n${koa.output().slice(-3000)}`).toBe(204);
    expect(sha256(await download(koa.url, 'raced.bin'))).toBe(sha256(Buffer.concat([winner, rest])));
    expect(await bucket.pending()).toEqual([]);
  });

  it('an instance SIGKILLed mid-PATCH: the other refuses with 423 until the lease expires, then the upload resumes and completes byte-exact', async () => {
    const data = content(20 * MiB);
    const upload = await createUpload(express.url, data.length, 'killed-mid-patch.bin');
    let killedAt = 0;
    // 16 MiB in 32 pieces, 60 ms apart; the instance dies after about 10 MiB arrived.
    const dying = slowPatch(express.url, upload, 0, data.subarray(0, 16 * MiB), 32, 60, (piece) => {
      if (piece === 20) {
        killedAt = Date.now();
        express.child.kill('SIGKILL');
      }
    }).catch((error: Error) => error);
    expect(await dying).toBeInstanceOf(Error);
    await express.exited;
    const offset = await offsetOf(koa.url, upload);
    expect(offset).toBeLessThanOrEqual(11 * MiB);
    // The dead instance's lease still stands: a quick, typed refusal (never a hang) until it expires.
    const blocked = await patch(koa.url, upload, offset, data.subarray(offset));
    if (Date.now() - killedAt < LOCK_TTL_MS - 500) expect(blocked.status).toBe(423);
    let resumed = blocked;
    // Each refusal is quick; the lease must be free within its ttl (plus slack for a loaded machine).
    while (resumed.status === 423) {
      expect(Date.now() - killedAt).toBeLessThan(LOCK_TTL_MS + 10_000);
      await sleep(250);
      resumed = await patch(koa.url, upload, offset, data.subarray(offset));
    }
    expect(resumed.status).toBe(204);
    expect(sha256(await download(koa.url, 'killed-mid-patch.bin'))).toBe(sha256(data));
    expect(await bucket.pending(), 'left behind by the killed instance').toEqual([]);
    express = await startInstance('express', env);
  });

  it('SIGTERM mid-PATCH: the instance keeps what arrived, releases its lease and exits; the other resumes at once', async () => {
    const data = content(12 * MiB);
    const upload = await createUpload(koa.url, data.length, 'sigterm-mid-patch.bin');
    const stopping = slowPatch(koa.url, upload, 0, data, 40, 60, (piece) => {
      if (piece === 15) koa.child.kill('SIGTERM');
    }).catch((error: Error) => error);
    await stopping;
    expect(await koa.exited).toEqual({ code: 0, signal: null });
    const offset = await offsetOf(express.url, upload);
    expect(offset).toBeGreaterThan(0);
    // No 423: the stopped instance released its lease instead of leaving it to expire.
    const resumed = await patch(express.url, upload, offset, data.subarray(offset));
    expect(resumed.status).toBe(204);
    expect(sha256(await download(express.url, 'sigterm-mid-patch.bin'))).toBe(sha256(data));
    expect(await bucket.pending()).toEqual([]);
    koa = await startInstance('koa', env);
  });
});
