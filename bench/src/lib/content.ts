import { randomBytes } from 'node:crypto';

/**
 * A boundary the way Chromium and WebKit make them: `----WebKitFormBoundary`
 * and 16 random base64 characters. One per run, shared by every contender,
 * so they all parse identical bytes.
 */
export function browserLikeBoundary(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789AB';
  const bytes = randomBytes(16);
  let tail = '';
  for (const byte of bytes) tail += alphabet[byte & 63];
  return `----WebKitFormBoundary${tail}`;
}

/** `size` bytes of deterministic pseudo-random content (xorshift32), like a compressed file. */
export function noise(size: number, seed = 0x9e3779b9): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  let i = 0;
  for (; i + 4 <= size; i += 4) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.writeUInt32LE(x, i);
  }
  for (; i < size; i++) out[i] = (i * 131) & 255;
  return out;
}

/** `size` bytes made of `unit` repeated (the last copy cut short). */
export function repeatTo(unit: Buffer, size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let offset = 0; offset < size; offset += unit.length) unit.copy(out, offset, 0, Math.min(unit.length, size - offset));
  return out;
}

/** `size` bytes made by repeating a 1 MiB noise block (cheap to build, same statistics). */
export function noiseOf(size: number): Buffer {
  return size <= 1 << 20 ? noise(size) : repeatTo(noise(1 << 20), size);
}
