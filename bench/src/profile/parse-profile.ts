/**
 * Profiles one in-memory parse contender on one body shape, steady state only
 * (the V8 profiler is started after warm-up, so module loading is left out):
 *
 *   tsx bench/src/profile/parse-profile.ts core-busboy files-100x64k 64k 40 [out.cpuprofile]
 *   tsx bench/src/profile/summarize.ts out.cpuprofile
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { buildShape, shapeBytes, type ShapeId } from '../lib/bodies.js';
import { browserLikeBoundary } from '../lib/content.js';
import { PARSERS, type ParseContenderId } from '../parse/contenders.js';

const [contender = 'core-busboy', shape = 'file-64m', chunking = '64k', repsText = '20', out] = process.argv.slice(2);
const boundary = browserLikeBoundary();
const built = buildShape(shape as ShapeId, boundary, shapeBytes(shape as ShapeId, false));
const size = chunking === 'one' ? built.body.length : 64 * 1024;
const chunks: Buffer[] = [];
for (let offset = 0; offset < built.body.length; offset += size) chunks.push(built.body.subarray(offset, offset + size));
const parse = PARSERS[contender as ParseContenderId];
const input = { contentType: built.contentType, boundary, chunks, length: built.body.length };
for (let i = 0; i < 5; i++) await parse(input);
const session = new Session();
session.connect();
if (out) {
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
const start = performance.now();
const reps = Number(repsText);
for (let i = 0; i < reps; i++) {
  const count = await parse(input);
  if (contender !== 'indexof' && count.fileBytes !== built.expected.fileBytes) throw new Error('byte count');
}
const seconds = (performance.now() - start) / 1000;
if (out) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(out, JSON.stringify(profile));
}
console.log(`${contender} ${shape} ${chunking}: ${((built.body.length * reps) / seconds / 1e6).toFixed(0)} MB/s`);
