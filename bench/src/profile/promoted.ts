/**
 * Where do objects that survive into old space (and die there) come from?
 * Samples allocations of objects collected by major GCs only, in-process,
 * while one contender parses a body repeatedly (steady state):
 *
 *   tsx bench/src/profile/promoted.ts core-busboy file-64m 20
 */
import { Session } from 'node:inspector/promises';
import { buildShape, shapeBytes, type ShapeId } from '../lib/bodies.js';
import { browserLikeBoundary } from '../lib/content.js';
import { PARSERS, type ParseContenderId } from '../parse/contenders.js';

const [contender = 'core-busboy', shape = 'file-64m', repsText = '20'] = process.argv.slice(2);
const boundary = browserLikeBoundary();
const built = buildShape(shape as ShapeId, boundary, shapeBytes(shape as ShapeId, false));
const chunks: Buffer[] = [];
for (let offset = 0; offset < built.body.length; offset += 65536) chunks.push(built.body.subarray(offset, offset + 65536));
const input = { contentType: built.contentType, boundary, chunks, length: built.body.length };
const parse = PARSERS[contender as ParseContenderId];
for (let i = 0; i < 3; i++) await parse(input);
const session = new Session();
session.connect();
await session.post('HeapProfiler.enable');
await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true });
for (let i = 0; i < Number(repsText); i++) await parse(input);
const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: Node } };
interface Node {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: Node[];
}
const by = new Map<string, number>();
let total = 0;
const short = (url: string): string => url.replace(/.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/.*\/(packages|bench)\//, '$1/');
function walk(node: Node, stack: string[]): void {
  const name = `${node.callFrame.functionName || '(anonymous)'} ${short(node.callFrame.url)}`;
  if (node.selfSize) {
    const key = [...stack.slice(-2), name].join(' ← ');
    by.set(key, (by.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
  }
  for (const child of node.children) walk(child, [...stack, name]);
}
walk(profile.head, []);
console.log(`${contender} ${shape}: ${(total / 2 ** 20).toFixed(1)} MiB sampled (live + collected by major GC)`);
for (const [key, size] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`${(size / 2 ** 20).toFixed(1).padStart(7)} MiB  ${key.slice(-200)}`);
