import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UploadError } from '../../src/errors/upload-error.js';
import type { UploadLease } from '../../src/lock/types.js';
import { OffsetConflictError, type ResumableStore } from '../../src/tus/store-types.js';
import { testBytes } from './support.js';

/** What a conformance run needs from one store. */
export interface StoreUnderTest {
  store: ResumableStore;
  /** Bytes one part holds (S3: the part size; others: any size that makes a "boundary" meaningful). */
  partSize: number;
  /** Key prefix the test's final objects go under. */
  keyPrefix: string;
  /** The final object under `key`, or undefined. */
  readFinal(key: string): Promise<Buffer | undefined>;
  /** Whatever the store left in its medium (objects, files, pending multipart uploads). */
  leftovers(): Promise<string[]>;
  cleanup(): Promise<void>;
}

let counter = 0;
function newId(): string {
  counter += 1;
  return `${Date.now().toString(16)}${counter.toString(16).padStart(6, '0')}`.padEnd(32, 'a').slice(0, 32);
}

/** A body that yields `data` in `chunk`-sized pieces, then fails with `error` if given. */
function body(data: Buffer, chunk = 64 * 1024, error?: Error): Readable {
  return Readable.from(
    (async function* () {
      for (let at = 0; at < data.length; at += chunk) yield data.subarray(at, at + chunk);
      if (error) throw error;
    })(),
  );
}

/**
 * The ResumableStore contract: offsets are exact and never decrease, bytes
 * that arrived before a failure are kept, unverifiable ones are not,
 * completion is byte-exact and idempotent, removal leaves nothing.
 */
export function runResumableStoreConformance(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`ResumableStore conformance: ${name}`, () => {
    let t: StoreUnderTest;
    beforeEach(async () => {
      t = await make();
    });
    afterEach(async () => {
      await t.cleanup();
    });

    async function created(length: number | undefined, id = newId()) {
      const now = Date.now();
      await t.store.create({
        id,
        length,
        metadata: { filename: 'a.txt' },
        createdAt: now,
        expiresAt: now + 60_000,
        key: undefined,
        file: { name: 'a.txt', safeName: 'a.txt', declaredType: 'text/plain' },
      });
      await t.store.update(id, { key: `${t.keyPrefix}${id}.txt`, file: { name: 'a.txt', safeName: 'a.txt', declaredType: 'text/plain', type: 'text/plain' } });
      return id;
    }

    it('creates at offset 0 and reads the state back', async () => {
      const id = await created(10);
      const info = await t.store.getInfo(id);
      expect(info).toMatchObject({ id, length: 10, offset: 0, metadata: { filename: 'a.txt' }, key: `${t.keyPrefix}${id}.txt` });
      expect(info?.completed).toBeUndefined();
      expect(await t.store.getInfo(newId())).toBeUndefined();
    });

    it('appends small and part-crossing pieces, completes byte-exact, and completes only once', async () => {
      const data = testBytes(2 * t.partSize + 12_345, 7);
      const id = await created(data.length);
      const cuts = [0, 1000, 5000, t.partSize + 3, 2 * t.partSize + 1, data.length];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const offset = await t.store.append(id, body(data.subarray(cuts[i], cuts[i + 1])), { offset: cuts[i]! });
        expect(offset).toBe(cuts[i + 1]);
        expect((await t.store.getInfo(id))?.offset).toBe(cuts[i + 1]);
        // The head is readable while no part is full (that is when the type is judged).
        if (cuts[i + 1] === 5000) expect((await t.store.readHead(id, 4100)).equals(data.subarray(0, 4100))).toBe(true);
      }
      const done = await t.store.complete(id);
      expect(done.completed?.size).toBe(data.length);
      const again = await t.store.complete(id);
      expect(again.completed).toEqual(done.completed);
      expect((await t.readFinal(done.key!))?.equals(data)).toBe(true);
    });

    it('refuses an append at the wrong offset and changes nothing', async () => {
      const id = await created(100);
      await t.store.append(id, body(testBytes(40)), { offset: 0 });
      await expect(t.store.append(id, body(testBytes(10)), { offset: 10 })).rejects.toBeInstanceOf(OffsetConflictError);
      expect((await t.store.getInfo(id))?.offset).toBe(40);
    });

    it('keeps exactly the bytes that arrived before the body failed, then resumes byte-exact', async () => {
      const data = testBytes(t.partSize + 300_000, 3);
      const id = await created(data.length);
      const cut = t.partSize + 100_000;
      const failure = new Error('client went away');
      await expect(t.store.append(id, body(data.subarray(0, cut), 50_000, failure), { offset: 0 })).rejects.toBe(failure);
      expect((await t.store.getInfo(id))?.offset).toBe(cut);
      expect(await t.store.append(id, body(data.subarray(cut)), { offset: cut })).toBe(data.length);
      const done = await t.store.complete(id);
      expect((await t.readFinal(done.key!))?.equals(data)).toBe(true);
    });

    it('discards a whole append that fails verification, or whose body fails while verifying', async () => {
      const data = testBytes(t.partSize + 4096, 5);
      const id = await created(data.length);
      await t.store.append(id, body(data.subarray(0, 1000)), { offset: 0 });
      const bad = new Error('checksum mismatch');
      await expect(
        t.store.append(id, body(data.subarray(1000)), {
          offset: 1000,
          verify: () => {
            throw bad;
          },
        }),
      ).rejects.toBe(bad);
      expect((await t.store.getInfo(id))?.offset).toBe(1000);
      await expect(t.store.append(id, body(data.subarray(1000, 5000), 1000, new Error('cut')), { offset: 1000, verify: () => {} })).rejects.toThrow('cut');
      expect((await t.store.getInfo(id))?.offset).toBe(1000);
      expect(await t.store.append(id, body(data.subarray(1000)), { offset: 1000, verify: () => {} })).toBe(data.length);
      const done = await t.store.complete(id);
      expect((await t.readFinal(done.key!))?.equals(data)).toBe(true);
    });

    it('takes a deferred length later, and completes an empty file', async () => {
      const data = testBytes(3000);
      const id = await created(undefined);
      await t.store.append(id, body(data), { offset: 0 });
      expect((await t.store.getInfo(id))?.length).toBeUndefined();
      await t.store.update(id, { length: data.length });
      const done = await t.store.complete(id);
      expect((await t.readFinal(done.key!))?.equals(data)).toBe(true);
      const empty = await created(0);
      const none = await t.store.complete(empty);
      expect(none.completed?.size).toBe(0);
      expect((await t.readFinal(none.key!))?.length).toBe(0);
    });

    it('refuses a writer whose lease is older than the last writer recorded (fencing), and one that lost its lease', async () => {
      const id = await created(100);
      // Leases as a lock service would hand them out; the stale one still believes it holds the upload.
      const lease = (token: number, held = true) =>
        ({
          id,
          token,
          held,
          signal: new AbortController().signal,
          assertHeld() {
            if (!held) throw new UploadError('LOCK_LOST');
          },
          renew: async () => {},
          release: async () => {},
        }) as UploadLease;
      expect(await t.store.append(id, body(testBytes(10)), { offset: 0, lease: lease(200) })).toBe(10);
      await expect(t.store.append(id, body(testBytes(10)), { offset: 10, lease: lease(100) })).rejects.toMatchObject({ code: 'LOCK_LOST' });
      await expect(t.store.append(id, body(testBytes(10)), { offset: 10, lease: lease(300, false) })).rejects.toMatchObject({ code: 'LOCK_LOST' });
      expect((await t.store.getInfo(id))?.offset).toBe(10);
      expect(await t.store.append(id, body(testBytes(10)), { offset: 10, lease: lease(300) })).toBe(20);
    });

    it('lists uploads with their expiry and removes an incomplete one without leftovers', async () => {
      const data = testBytes(t.partSize + 10);
      const id = await created(data.length * 2);
      await t.store.append(id, body(data), { offset: 0 });
      const listed = [];
      for await (const entry of t.store.list()) listed.push(entry);
      expect(listed).toContainEqual({ id, expiresAt: expect.any(Number), completed: false });
      await t.store.remove(id);
      expect(await t.store.getInfo(id)).toBeUndefined();
      expect(await t.leftovers()).toEqual([]);
      await t.store.remove(id);
    });

    it('removes a completed upload: state only by default, the file too with object: true', async () => {
      const data = testBytes(2000);
      const id = await created(data.length);
      await t.store.append(id, body(data), { offset: 0 });
      const done = await t.store.complete(id);
      await t.store.remove(id);
      expect(await t.store.getInfo(id)).toBeUndefined();
      expect((await t.readFinal(done.key!))?.equals(data)).toBe(true);
      const other = await created(data.length);
      await t.store.append(other, body(data), { offset: 0 });
      const second = await t.store.complete(other);
      await t.store.remove(other, { object: true });
      expect(await t.readFinal(second.key!)).toBeUndefined();
    });
  });
}
