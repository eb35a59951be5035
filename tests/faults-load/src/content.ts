import { createCipheriv, createHash, randomBytes } from 'node:crypto';

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/**
 * The content of file `id` of a seeded run: `size` pseudo-random bytes (an
 * AES-256-CTR keystream keyed by seed and id), made chunk by chunk, so a test
 * can send gigabytes without holding them and the same seed sends the same bytes.
 */
export function* fileChunks(seed: number, id: string | number, size: number, chunkSize = CHUNK): Generator<Buffer> {
  const key = createHash('sha256').update(`sluice-faults-load:${seed}:${id}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = chunkSize === CHUNK ? ZEROS : Buffer.alloc(chunkSize);
  for (let offset = 0; offset < size; offset += chunkSize) {
    const length = Math.min(chunkSize, size - offset);
    yield cipher.update(length === chunkSize ? zeros : zeros.subarray(0, length));
  }
}

/** The whole content of a file as one buffer (for bodies small enough to hold). */
export function fileBuffer(seed: number, id: string | number, size: number): Buffer {
  return Buffer.concat([...fileChunks(seed, id, size)], size);
}

/** Hex sha256 of a buffer. */
export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A boundary like a browser's, unlikely to occur in random content. */
export function boundary(): string {
  return `----SluiceFaultsLoad${randomBytes(12).toString('hex')}`;
}
