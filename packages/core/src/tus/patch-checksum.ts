import { createHash, type Hash } from 'node:crypto';
import { loadChecksums } from '../file/checksums.js';
import type { TusChecksumAlgorithm } from './protocol.js';
import { TusError } from './tus-error.js';

/**
 * The `Upload-Checksum` of one request: the digest of exactly the bytes this
 * request carried, compared once its body ended. A mismatch is 460 and the
 * store discards the whole chunk (it never commits unverified bytes).
 */
export class PatchChecksum {
  private constructor(
    private readonly expected: Buffer,
    private readonly hash: { update(chunk: Buffer): void; digest(): Buffer },
  ) {}

  /** Prepares the digest of `algorithm` (loads CRC32C on first use). */
  static async create(algorithm: TusChecksumAlgorithm, expected: Buffer): Promise<PatchChecksum> {
    if (algorithm === 'crc32c') {
      await loadChecksums(['crc32c']);
      const { Crc32c } = await import('@aws-crypto/crc32c');
      const crc = new Crc32c();
      return new PatchChecksum(expected, {
        update: (chunk) => void crc.update(chunk),
        digest: () => {
          const out = Buffer.alloc(4);
          out.writeUInt32BE(crc.digest() >>> 0);
          return out;
        },
      });
    }
    const hash: Hash = createHash(algorithm);
    return new PatchChecksum(expected, { update: (chunk) => void hash.update(chunk), digest: () => hash.digest() });
  }

  update(chunk: Buffer): void {
    this.hash.update(chunk);
  }

  /** Throws 460 unless the bytes seen match the announced digest. Call once. */
  verify(): void {
    if (!this.hash.digest().equals(this.expected)) throw new TusError(460, 'Checksum mismatch');
  }
}
