import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ChecksumSet, createDigests } from './checksums.js';

describe('ChecksumSet', () => {
  it('computes every digest incrementally, equal to a one-shot digest', async () => {
    const data = randomBytes(100_000);
    const set = await createDigests(['md5', 'sha1', 'sha256', 'crc32c']);
    for (let offset = 0; offset < data.length; offset += 777) set.update(data.subarray(offset, offset + 777));
    const out = set.hex();
    for (const algorithm of ['md5', 'sha1', 'sha256'] as const) expect(out[algorithm]).toBe(createHash(algorithm).update(data).digest('hex'));
    expect(out.crc32c).toMatch(/^[0-9a-f]{8}$/);
  });

  it('matches the CRC-32C check value from RFC 3720', async () => {
    const set = await createDigests(['crc32c']);
    set.update(Buffer.from('123456789'));
    expect(set.hex().crc32c).toBe('e3069283');
  });

  it('is empty when nothing is configured', () => {
    expect(new ChecksumSet([]).isEmpty).toBe(true);
    expect(new ChecksumSet([]).hex()).toEqual({});
  });
});
