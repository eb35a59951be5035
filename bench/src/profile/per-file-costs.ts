/**
 * Microseconds per call of the engine's per-file steps (in-process, after
 * warm-up): what a small file costs the core on top of the parser.
 *
 *   tsx bench/src/profile/per-file-costs.ts
 */
import { detectType, randomId, sanitizeFilename } from '@sluice/core';
import { FileTap } from '../../../packages/core/src/file/file-tap.js';
import { noise } from '../lib/content.js';

const head = noise(4100);
async function time(name: string, n: number, step: () => unknown): Promise<void> {
  for (let i = 0; i < n / 10; i++) await step();
  const start = performance.now();
  for (let i = 0; i < n; i++) await step();
  console.log(`${name.padEnd(58)} ${(((performance.now() - start) * 1000) / n).toFixed(1).padStart(7)} µs`);
}
await time("detectType(4 KiB of noise, 'application/octet-stream')", 20000, () => detectType(head, 'application/octet-stream', 'upload.bin'));
await time("detectType(4 KiB of noise, 'image/png')", 20000, () => detectType(head, 'image/png', 'photo.png'));
await time('randomId() (key randomness)', 100000, () => randomId());
await time("sanitizeFilename('My Photo (1).JPG')", 100000, () => sanitizeFilename('My Photo (1).JPG'));
await time('new AbortController()', 100000, () => new AbortController());
await time('new FileTap(...)', 100000, () => new FileTap({ maxBytes: Infinity, checksums: [], headBytes: 4100, onHead: async () => {} }));
