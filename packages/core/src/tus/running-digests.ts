import type { Readable } from 'node:stream';
import { ChecksumSet, type ChecksumAlgorithm } from '../file/checksums.js';
import type { Checksums } from '../result/types.js';

/** Uploads whose running digests one process keeps at most (oldest forgotten first). */
const MAX_TRACKED = 10_000;

interface Running {
  /** The offset the digests have consumed up to. */
  offset: number;
  set: ChecksumSet;
}

/**
 * Whole-file digests of resumable uploads.
 *
 * Hash state (sha256, md5 ...) cannot be saved into the store and restored in
 * another process, so a digest runs in memory only while this process sees
 * every byte in order from offset 0. Whenever that chain breaks (a PATCH went
 * to another process, this process restarted, a chunk was discarded, bytes
 * were persisted short of what was hashed) the running digest is dropped and
 * the digests are computed on completion by reading the final object back.
 */
export class RunningDigests {
  private readonly running = new Map<string, Running>();

  constructor(private readonly algorithms: readonly ChecksumAlgorithm[]) {}

  /** True when no whole-file digest is configured. */
  get isEmpty(): boolean {
    return this.algorithms.length === 0;
  }

  /**
   * The digest set to feed a PATCH starting at `offset`, or `undefined` when
   * this process has not seen every earlier byte.
   */
  begin(id: string, offset: number): ChecksumSet | undefined {
    if (this.isEmpty) return undefined;
    let entry = this.running.get(id);
    if (entry && entry.offset !== offset) {
      this.running.delete(id);
      entry = undefined;
    }
    if (!entry && offset === 0) {
      if (this.running.size >= MAX_TRACKED) this.running.delete(this.running.keys().next().value as string);
      entry = { offset: 0, set: new ChecksumSet(this.algorithms) };
      this.running.set(id, entry);
    }
    return entry?.set;
  }

  /** Records how a PATCH ended: `hashed` bytes went into the digest, the store now holds `stored`. */
  settle(id: string, hashedUpTo: number, stored: number): void {
    const entry = this.running.get(id);
    if (!entry) return;
    if (hashedUpTo !== stored) this.running.delete(id);
    else entry.offset = stored;
  }

  /** The finished digests when the running chain covers `length` bytes; forgets the upload either way. */
  take(id: string, length: number): Checksums | undefined {
    const entry = this.running.get(id);
    this.running.delete(id);
    return entry && entry.offset === length ? entry.set.hex() : undefined;
  }

  /** Forgets an upload (terminated, expired, refused). */
  forget(id: string): void {
    this.running.delete(id);
  }

  /** Digests of a whole stream (the final object read back). */
  async ofStream(body: Readable): Promise<Checksums> {
    const set = new ChecksumSet(this.algorithms);
    for await (const chunk of body) set.update(chunk as Buffer);
    return set.hex();
  }
}
