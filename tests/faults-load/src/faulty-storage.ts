import { Transform } from 'node:stream';
import { UploadError, type StorageDriver, type StorageFileInfo } from '@sluice/core';

/** The faults a {@link faultyStorage} can raise mid-file. */
export type FaultKind = 'unavailable' | 'eio' | 'enospc';

/** A fault: its kind, after how many bytes of the file it strikes. */
export interface Fault {
  kind: FaultKind;
  after: number;
}

/**
 * Faults asked for by the client's file name: `fault-<kind>-<bytes>-anything`
 * (e.g. `fault-eio-7340032-big.bin`). Any other name stores normally, so the
 * same server also serves the normal upload a test sends afterwards.
 */
export function faultFromName(file: StorageFileInfo): Fault | undefined {
  const match = /^fault-(unavailable|eio|enospc)-(\d+)-/.exec(file.name);
  return match ? { kind: match[1] as FaultKind, after: Number(match[2]) } : undefined;
}

function faultError(kind: FaultKind): Error {
  if (kind === 'unavailable') return new UploadError('STORAGE_UNAVAILABLE', { cause: new Error('injected: storage unavailable') });
  const [code, errno, text] = kind === 'eio' ? ['EIO', -5, 'i/o error'] : ['ENOSPC', -28, 'no space left on device'];
  return Object.assign(new Error(`${code}: ${text}, write (injected)`), { code, errno, syscall: 'write' });
}

/** A driver wrapper that fails on demand, plus how often it did. */
export interface FaultyStorage extends StorageDriver {
  /** Faults raised so far (a test that expects one checks it really happened). */
  readonly trips: number;
}

/**
 * Wraps a real driver (disk or S3) so that a file asking for a fault (see
 * {@link faultFromName}) gets its first `after` bytes through to the real
 * driver, then its body fails mid-file: the real driver is left with a
 * half-written file or a multipart upload in progress, which it must clean
 * up, and `put` rejects with the fault (STORAGE_UNAVAILABLE, or an `EIO` /
 * `ENOSPC` errno error as a write would give).
 */
export function faultyStorage(inner: StorageDriver, decide: (file: StorageFileInfo, key: string) => Fault | undefined = faultFromName): FaultyStorage {
  let trips = 0;
  return {
    name: inner.name,
    get trips() {
      return trips;
    },
    remove: (key) => inner.remove(key),
    get: inner.get ? (key) => inner.get!(key) : undefined,
    list: inner.list ? (prefix) => inner.list!(prefix) : undefined,
    async put(key, body, options) {
      const fault = decide(options.file, key);
      if (!fault) return inner.put(key, body, options);
      let seen = 0;
      let error: Error | undefined;
      const tripwire = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          if (seen + chunk.length <= fault.after) {
            seen += chunk.length;
            return callback(null, chunk);
          }
          const keep = fault.after - seen;
          seen = fault.after;
          if (keep > 0) this.push(chunk.subarray(0, keep));
          trips += 1;
          error = faultError(fault.kind);
          // Next tick: the bytes before the fault reach the real driver first.
          setImmediate(() => callback(error));
        },
      });
      body.pipe(tripwire);
      try {
        return await inner.put(key, tripwire, options);
      } catch (failure) {
        throw error ?? failure;
      } finally {
        body.unpipe(tripwire);
        if (!tripwire.destroyed) tripwire.destroy();
      }
    },
  };
}
