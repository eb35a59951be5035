/**
 * Summarises a V8 .cpuprofile: self time by function and by package.
 *
 *   tsx bench/src/profile/summarize.ts FILE.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topText = '25'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file!, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);

function where(url: string): string {
  if (!url) return '(native/V8)';
  const nm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return url;
  const m = /\/(packages\/[^/]+|bench)\/(.*)$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : url;
}

const byFunction = new Map<string, number>();
const byPackage = new Map<string, number>();
for (const [id, time] of self) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  const place = where(url);
  const key = `${functionName || '(anonymous)'}  ${place}${url ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + time);
  const pkg = place.startsWith('packages/') ? place.split('/').slice(0, 4).join('/') : place.replace(/:\d+$/, '');
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + time);
}
// Inclusive time: a node's own time plus everything it called, counted once per
// function even when it recurses (ancestors with the same key are skipped).
const inclusive = new Map<string, number>();
const keyOf = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const place = where(url);
  return `${functionName || '(anonymous)'}  ${place}${url ? `:${lineNumber + 1}` : ''}`;
};
function walk(id: number, open: Set<string>): number {
  const node = byId.get(id)!;
  let total = self.get(id) ?? 0;
  const key = keyOf(node);
  const fresh = !open.has(key);
  if (fresh) open.add(key);
  for (const child of node.children ?? []) total += walk(child, open);
  if (fresh) {
    open.delete(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + total);
  }
  return total;
}
walk(profile.nodes[0]!.id, new Set());

const top = Number(topText);
const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
console.log(`total ${(total / 1000).toFixed(0)} ms sampled\n\nself time by function:`);
for (const [key, time] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(time)}  ${key}`);
console.log('\nself time by module:');
for (const [key, time] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(time)}  ${key}`);

const filter = process.argv[4];
console.log(`\ninclusive time by function${filter ? ` (matching ${filter})` : ''}:`);
for (const [key, time] of [...inclusive]
  .filter(([key]) => !filter || key.includes(filter))
  .sort((a, b) => b[1] - a[1])
  .slice(0, top))
  console.log(`${pct(time)}  ${key}`);
