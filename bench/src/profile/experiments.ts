/**
 * What-if measurements behind docs/performance-analysis.md: the in-memory
 * core with one change at a time, applied from outside the core (no core file
 * is edited), interleaved with the unchanged core in the same process.
 *
 *   tsx bench/src/profile/experiments.ts [shape] [rounds]
 */
import { createUploadHandler, type UploadHandler, type UploadOptions } from '@sluice/core';
import { createBusboyParser } from '../../../packages/core/src/parser/busboy-parser.js';
import { buildShape, shapeBytes, type ShapeId } from '../lib/bodies.js';
import { browserLikeBoundary } from '../lib/content.js';
import { discardStorage } from '../lib/discard-storage.js';
import { summarize } from '../lib/stats.js';
import { chunkStream } from '../parse/contenders.js';
import { busboyWithBuffers, handlerWith } from './variants.js';

const shape = (process.argv[2] ?? 'file-64m') as ShapeId;
const rounds = Number(process.argv[3] ?? 8);
const boundary = browserLikeBoundary();
const built = buildShape(shape, boundary, shapeBytes(shape, false));
const chunks: Buffer[] = [];
for (let offset = 0; offset < built.body.length; offset += 65536) chunks.push(built.body.subarray(offset, offset + 65536));
const reps = shape === 'file-1m' ? 16 : shape === 'fields-1000' ? 24 : shape === 'files-100x64k' ? 4 : 1;

const options = (): UploadOptions => ({ storage: discardStorage(), limits: { fileSize: Infinity, totalSize: Infinity, files: 10_000, fields: 100_000, parts: 110_000 } });
const KiB = 1024;
const variants: Array<[string, UploadHandler]> = [
  ['core as is (own parser)', createUploadHandler(options())],
  ['core on busboy', handlerWith(createBusboyParser, options())],
  ['busboy buffers 1 MiB', handlerWith(busboyWithBuffers(1024 * KiB), options())],
  ['constant key function', createUploadHandler({ ...options(), key: () => 'k' })],
];

async function once(handler: UploadHandler): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < reps; i++) {
    const result = await handler.handle({ headers: { 'content-type': built.contentType, 'content-length': String(built.body.length) }, body: chunkStream(chunks) });
    const got = Object.values(result.files)
      .flat()
      .reduce((sum, f) => sum + f.size, 0);
    if (got !== built.expected.fileBytes) throw new Error(`bytes ${got} ≠ ${built.expected.fileBytes}`);
  }
  return (built.body.length * reps) / ((performance.now() - start) / 1000) / 1e6;
}

const results = new Map<string, number[]>(variants.map(([name]) => [name, []]));
for (let round = -2; round < rounds; round++) {
  for (const [name, handler] of variants) {
    const mbps = await once(handler);
    if (round >= 0) results.get(name)!.push(mbps);
  }
}
const base = results.get('core as is (busboy)')!;
console.log(`${shape}, 64 KiB chunks, ${rounds} rounds (MB/s median (min–max), ratio to the core as is, paired)`);
for (const [name, values] of results) {
  const s = summarize(values);
  const ratio = summarize(values.map((v, i) => v / base[i]!));
  console.log(`${name.padEnd(38)} ${s.median.toFixed(0).padStart(6)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})  ×${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`);
}
