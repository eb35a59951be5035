/**
 * HTTP what-ifs: the engine with one change at a time, and benchmark servers
 * with other Node flags, against the drain-only server, interleaved; one
 * 64 MiB upload per round each.
 *
 *   tsx bench/src/profile/http-experiments.ts [rounds] ['variant|variant…']
 *
 * A variant may end in Node flags for its server process, after ': '
 * (e.g. 'sluice as is (node:http): --min-semi-space-size=16').
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchServer, measureUpload, type Measurement } from '../http/bench-server.js';
import { uploadBody } from '../http/client.js';
import { SERVER_INFO, type ServerKind } from '../http/kinds.js';
import { Child } from '../lib/child.js';
import { browserLikeBoundary, noiseOf } from '../lib/content.js';
import { MiB, summarize } from '../lib/stats.js';

const rounds = Number(process.argv[2] ?? 6);
const here = path.dirname(fileURLToPath(import.meta.url));
const variants = (
  process.argv[3] ?? 'busboy-discard|busboy-discard: --min-semi-space-size=16|sluice-discard|sluice-discard: --min-semi-space-size=16|sluice as is (node:http)|sluice on busboy (node:http)'
).split('|');

/** Variants that are experiment servers: they have no scratch directory to remove. */
const experiments = new Set<string>();
const flagsOf = (variant: string): string[] => (variant.includes(': --') ? variant.split(': ')[1]!.split(' ') : []);

/**
 * Starts one variant: a benchmark server kind ('busboy-discard',
 * 'sluice-discard' ...) or an experiment server of exp-server.ts, each with
 * the Node flags its name ends in.
 */
async function startVariant(variant: string): Promise<BenchServer> {
  const name = variant.split(': --')[0]!;
  if (name in SERVER_INFO) return BenchServer.start(name as ServerKind, flagsOf(variant));
  experiments.add(variant);
  const child = Child.start(`exp ${variant}`, path.join(here, 'exp-server.ts'), [variant], ['--expose-gc', ...flagsOf(variant)]);
  const { port } = await child.request<{ port: number }>({ type: 'port' });
  // An experiment server answers `bytes` as the file size, like the discarding bench servers.
  const server = Object.create(BenchServer.prototype) as BenchServer;
  Object.assign(server, { kind: 'sluice-discard', child, port, dir: '/nonexistent' });
  return server;
}

const servers: Array<[string, BenchServer]> = [
  ['drain only', await BenchServer.start('drain')],
  ...(await Promise.all(variants.map(async (v) => [v, await startVariant(v)] as [string, BenchServer]))),
];
const body = uploadBody(browserLikeBoundary(), 64 * MiB);
const block = noiseOf(MiB);
const results = new Map<string, Measurement[]>(servers.map(([name]) => [name, []]));
for (let round = -1; round < rounds; round++) {
  for (const [name, server] of servers) {
    const m = await measureUpload(server, body, block);
    if (round >= 0) results.get(name)!.push(m);
  }
}
const drain = results.get('drain only')!.map((m) => m.mbps);
console.log(`one 64 MiB upload, ${rounds} rounds: MB/s, share of drain-only (paired), server CPU s/GiB`);
for (const [name, list] of results) {
  const mbps = summarize(list.map((m) => m.mbps));
  const share = summarize(list.map((m, i) => m.mbps / drain[i]!));
  const cpu = summarize(list.map((m) => m.cpuPerGiB));
  console.log(`${name.padEnd(46)} ${mbps.median.toFixed(0).padStart(5)} MB/s   ×${share.median.toFixed(2)} (${share.min.toFixed(2)}–${share.max.toFixed(2)})   ${cpu.median.toFixed(2)} s/GiB`);
}
// Experiment servers have no scratch directory; the benchmark servers remove theirs.
for (const [name, server] of servers) await (experiments.has(name) ? server.child.stop() : server.stop());
