import { randomBytes } from 'node:crypto';

/**
 * Test file content: a neutral text line, then random bytes. Bare random
 * bytes are now and then sniffed as a known format and refused by the demo's
 * type policy; the line keeps every file an unrecognised binary.
 */
export function content(size: number): Buffer {
  const head = Buffer.from('sluice cluster test file\n');
  return Buffer.concat([head, randomBytes(Math.max(0, size - head.length))]).subarray(0, size);
}

export const MiB = 1024 * 1024;
