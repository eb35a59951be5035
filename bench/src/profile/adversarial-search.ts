/**
 * Tries file contents against the parsers' delimiter searches, to find the
 * worst body an attacker can send (the report's adversarial shapes came from
 * this). 16 MiB per body, 64 KiB chunks, median of 3 after one warm-up.
 *
 *   tsx bench/src/profile/adversarial-search.ts
 */
import { buildMultipart } from '@sluice/core/testing';
import { browserLikeBoundary, noiseOf, repeatTo } from '../lib/content.js';
import { nearBoundaryContent, worstByteContent } from '../lib/bodies.js';
import { summarize } from '../lib/stats.js';
import { PARSERS, type ParseContenderId } from '../parse/contenders.js';

const SIZE = 16 * 1024 * 1024;
const boundary = browserLikeBoundary();
const needle = `\r\n--${boundary}`;
const fill = (unit: string): Buffer => repeatTo(Buffer.from(unit, 'latin1'), SIZE);
const variants: Record<string, Buffer> = {
  'noise (a compressed file)': noiseOf(SIZE),
  'the delimiter minus its last byte, repeated': fill(needle.slice(0, -1)),
  "the boundary's next-to-last byte, repeated": worstByteContent(boundary, SIZE),
  "the boundary's last byte, repeated": fill(needle.at(-1)!),
  '"\\r\\n--" repeated': fill('\r\n--'),
  '"\\r\\n" repeated': fill('\r\n'),
  'the delimiter with its last byte swapped, repeated': fill(needle.slice(0, -1) + needle.at(-2)!),
  'every prefix of the delimiter, each broken by a byte': nearBoundaryContent(boundary, SIZE),
};
const contenders: ParseContenderId[] = ['indexof', 'busboy', 'fastify-busboy'];
console.log(`boundary ${boundary}; MB/s (median of 3)`);
console.log(['content'.padEnd(54), ...contenders.map((c) => c.padStart(15))].join(''));
for (const [name, content] of Object.entries(variants)) {
  const { body, contentType } = buildMultipart([{ name: 'f', filename: 'a.bin', content }], boundary);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += 65536) chunks.push(body.subarray(offset, offset + 65536));
  const input = { contentType, boundary, chunks, length: body.length };
  const cells: string[] = [];
  for (const contender of contenders) {
    const times: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = performance.now();
      await PARSERS[contender](input);
      if (i > 0) times.push(performance.now() - start);
    }
    cells.push((body.length / 1e6 / (summarize(times).median / 1000)).toFixed(0).padStart(15));
  }
  console.log([name.padEnd(54), ...cells].join(''));
}
