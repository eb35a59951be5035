import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { StorageDriver } from '../storage/types.js';

/** How the conformance suite gets a fresh driver, and checks what is stored. */
export interface ConformanceSubject {
  driver: StorageDriver;
  /** Every key that holds bytes, including hidden partial files or pending uploads. */
  leftovers(): Promise<string[]>;
  /** Frees whatever the subject created. */
  cleanup?(): Promise<void>;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function failingAfter(data: Buffer, error: Error): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(data);
      } else this.destroy(error);
    },
  });
}

const file = { field: 'f', name: 'a.bin', type: 'application/octet-stream' };

/**
 * The contract every storage driver must keep, as one vitest suite. Each
 * driver's own test file calls it with a factory, so memory, disk and S3 are
 * held to exactly the same rules.
 */
export function runStorageConformance(label: string, createSubject: () => Promise<ConformanceSubject>): void {
  describe(`storage conformance: ${label}`, () => {
    const withSubject = (name: string, body: (subject: ConformanceSubject) => Promise<void>, timeout?: number): void => {
      it(
        name,
        async () => {
          const subject = await createSubject();
          try {
            await body(subject);
          } finally {
            await subject.cleanup?.();
          }
        },
        timeout,
      );
    };

    withSubject('stores bytes exactly and reads them back', async ({ driver }) => {
      const data = randomBytes(300_000);
      const put = await driver.put('a/b/c.bin', Readable.from([data.subarray(0, 1000), data.subarray(1000)]), { signal: new AbortController().signal, file });
      expect(put.size).toBe(data.length);
      const got = await driver.get!('a/b/c.bin');
      expect(got?.size).toBe(data.length);
      expect(sha256(await readAll(got!.body))).toBe(sha256(data));
    });

    withSubject('stores an empty body', async ({ driver }) => {
      const put = await driver.put('empty.bin', Readable.from([]), { signal: new AbortController().signal, file });
      expect(put.size).toBe(0);
      const got = await driver.get!('empty.bin');
      expect(got?.size).toBe(0);
    });

    withSubject('leaves nothing when the body fails part way', async ({ driver, leftovers }) => {
      const put = driver.put('broken.bin', failingAfter(randomBytes(70_000), new Error('client went away')), { signal: new AbortController().signal, file });
      await expect(put).rejects.toThrow();
      expect(await driver.get!('broken.bin')).toBeUndefined();
      expect(await leftovers()).toEqual([]);
    });

    withSubject('leaves nothing when aborted part way', async ({ driver, leftovers }) => {
      const controller = new AbortController();
      const body = new Readable({ read() {} });
      body.push(randomBytes(50_000));
      const put = driver.put('aborted.bin', body, { signal: controller.signal, file });
      setTimeout(() => controller.abort(new Error('stop')), 20);
      await expect(put).rejects.toThrow();
      expect(await driver.get!('aborted.bin')).toBeUndefined();
      expect(await leftovers()).toEqual([]);
    });

    withSubject('refuses a signal that is already aborted without storing', async ({ driver, leftovers }) => {
      const controller = new AbortController();
      controller.abort(new Error('too late'));
      await expect(driver.put('never.bin', Readable.from([Buffer.from('x')]), { signal: controller.signal, file })).rejects.toThrow();
      expect(await leftovers()).toEqual([]);
    });

    withSubject('removes a key, and removing a missing key succeeds', async ({ driver, leftovers }) => {
      await driver.put('gone.txt', Readable.from([Buffer.from('bye')]), { signal: new AbortController().signal, file });
      await driver.remove('gone.txt');
      await driver.remove('gone.txt');
      await driver.remove('never/existed.txt');
      expect(await driver.get!('gone.txt')).toBeUndefined();
      expect(await leftovers()).toEqual([]);
    });

    withSubject('overwrites a key as a whole', async ({ driver }) => {
      await driver.put('same.txt', Readable.from([Buffer.from('first version, longer')]), { signal: new AbortController().signal, file });
      await driver.put('same.txt', Readable.from([Buffer.from('second')]), { signal: new AbortController().signal, file });
      expect((await readAll((await driver.get!('same.txt'))!.body)).toString()).toBe('second');
    });

    withSubject('lists stored keys under a prefix', async ({ driver }) => {
      for (const key of ['p/1.txt', 'p/2.txt', 'q/3.txt']) {
        await driver.put(key, Readable.from([Buffer.from(key)]), { signal: new AbortController().signal, file });
      }
      const listed: string[] = [];
      for await (const entry of driver.list!('p/')) listed.push(entry.key);
      expect(listed.sort()).toEqual(['p/1.txt', 'p/2.txt']);
    });
  });
}
