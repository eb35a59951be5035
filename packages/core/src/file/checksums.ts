import { createHash, type Hash } from 'node:crypto';

/** Digest algorithms Sluice can compute while a file streams. */
export const CHECKSUM_ALGORITHMS = ['md5', 'sha1', 'sha256', 'crc32c'] as const;

/** One of {@link CHECKSUM_ALGORITHMS}. */
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/** Hex digests by algorithm; only the computed algorithms are present. */
export type ChecksumHex = Partial<Record<ChecksumAlgorithm, string>>;

interface IncrementalDigest {
  update(chunk: Uint8Array): void;
  hex(): string;
}

function nodeDigest(algorithm: 'md5' | 'sha1' | 'sha256'): IncrementalDigest {
  const hash: Hash = createHash(algorithm);
  return { update: (chunk) => hash.update(chunk), hex: () => hash.digest('hex') };
}

type Crc32cClass = typeof import('@aws-crypto/crc32c').Crc32c;

// CRC32C (the checksum S3 and GCS use) is not in node:crypto; the AWS SDK's own
// implementation is already in the dependency tree of every S3 user. It is
// imported only when a configuration asks for crc32c (see loadChecksums).
let Crc32c: Crc32cClass | undefined;
let crc32cLoading: Promise<void> | undefined;

function crc32cDigest(): IncrementalDigest {
  if (Crc32c === undefined) throw new Error('sluice: crc32c is not loaded; await loadChecksums([...]) or createDigests([...]) first');
  const crc = new Crc32c();
  return {
    update: (chunk) => crc.update(chunk),
    hex: () => (crc.digest() >>> 0).toString(16).padStart(8, '0'),
  };
}

/**
 * Loads the code the given algorithms need (only `crc32c` needs any), so that
 * {@link ChecksumSet} can then be created synchronously. Resolves at once when
 * nothing is missing; call it before the first byte of a file arrives.
 */
export function loadChecksums(algorithms: readonly ChecksumAlgorithm[]): Promise<void> | undefined {
  if (Crc32c !== undefined || !algorithms.includes('crc32c')) return undefined;
  crc32cLoading ??= import('@aws-crypto/crc32c').then((module) => {
    Crc32c = module.Crc32c;
  });
  return crc32cLoading;
}

/** Computes several digests over the same stream of chunks in one pass. */
export class ChecksumSet {
  private readonly digests: Array<[ChecksumAlgorithm, IncrementalDigest]>;

  /** Synchronous: for `crc32c`, {@link loadChecksums} must have resolved (else it throws). */
  constructor(algorithms: readonly ChecksumAlgorithm[]) {
    this.digests = algorithms.map((algorithm) => [algorithm, algorithm === 'crc32c' ? crc32cDigest() : nodeDigest(algorithm)]);
  }

  /** True when no algorithm is configured (the hot path skips hashing). */
  get isEmpty(): boolean {
    return this.digests.length === 0;
  }

  /** Adds the next chunk to every digest. */
  update(chunk: Uint8Array): void {
    for (const [, digest] of this.digests) digest.update(chunk);
  }

  /** Finishes every digest; call once. */
  hex(): ChecksumHex {
    const out: ChecksumHex = {};
    for (const [algorithm, digest] of this.digests) out[algorithm] = digest.hex();
    return out;
  }
}

/**
 * Creates a {@link ChecksumSet} for `algorithms`, loading what they need first.
 * The one call a protocol other than multipart (e.g. a resumable upload) needs
 * to digest the bytes of one request.
 *
 * @example
 * const digests = await createDigests(['sha256', 'crc32c']);
 * for await (const chunk of body) digests.update(chunk);
 * digests.hex(); // { sha256: '…', crc32c: '…' }
 */
export async function createDigests(algorithms: readonly ChecksumAlgorithm[]): Promise<ChecksumSet> {
  await loadChecksums(algorithms);
  return new ChecksumSet(algorithms);
}
