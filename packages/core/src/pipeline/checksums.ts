import { createHash, type Hash } from 'node:crypto';
import { Crc32c } from '@aws-crypto/crc32c';

/** Digest algorithms Sluice can compute while a file streams. */
export const CHECKSUM_ALGORITHMS = ['md5', 'sha1', 'sha256', 'crc32c'] as const;

/** One of {@link CHECKSUM_ALGORITHMS}. */
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

interface IncrementalDigest {
  update(chunk: Buffer): void;
  hex(): string;
}

function nodeDigest(algorithm: 'md5' | 'sha1' | 'sha256'): IncrementalDigest {
  const hash: Hash = createHash(algorithm);
  return { update: (chunk) => hash.update(chunk), hex: () => hash.digest('hex') };
}

// CRC32C (the checksum S3 and GCS use) is not in node:crypto; the AWS SDK's own
// implementation is already in the dependency tree of every S3 user.
function crc32cDigest(): IncrementalDigest {
  const crc = new Crc32c();
  return {
    update: (chunk) => crc.update(chunk),
    hex: () => (crc.digest() >>> 0).toString(16).padStart(8, '0'),
  };
}

/** Computes several digests over the same stream of chunks in one pass. */
export class ChecksumSet {
  private readonly digests: Array<[ChecksumAlgorithm, IncrementalDigest]>;

  constructor(algorithms: readonly ChecksumAlgorithm[]) {
    this.digests = algorithms.map((algorithm) => [algorithm, algorithm === 'crc32c' ? crc32cDigest() : nodeDigest(algorithm)]);
  }

  /** True when no algorithm is configured (the hot path skips hashing). */
  get isEmpty(): boolean {
    return this.digests.length === 0;
  }

  update(chunk: Buffer): void {
    for (const [, digest] of this.digests) digest.update(chunk);
  }

  /** Finishes every digest; call once. */
  hex(): Partial<Record<ChecksumAlgorithm, string>> {
    const out: Partial<Record<ChecksumAlgorithm, string>> = {};
    for (const [algorithm, digest] of this.digests) out[algorithm] = digest.hex();
    return out;
  }
}
