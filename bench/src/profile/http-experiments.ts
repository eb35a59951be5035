/**
 * HTTP what-ifs: the engine with one change at a time, against the drain-only
 * server and raw busboy, interleaved; one 64 MiB upload per round each.
 *
 *   tsx bench/src/profile/http-experiments.ts [rounds] ['variant|variant…']
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchServer, measureUpload, type Measurement } from '../http/bench-server.js';
import { uploadBody } from '../http/client.js';
import { Child } from '../lib/child.js';
import { browserLikeBoundary, noiseOf } from '../lib/content.js';
import { MiB, summarize } from '../lib/stats.js';

const rounds = Number(process.argv[2] ?? 6);
const here = path.dirname(fileURLToPath(import.meta.url));
const variants = (process.argv[3] ?? 'sluice as is (node:http)|sluice, 1 MiB stream buffers|sluice, body never paused (no backpressure)|sluice on @fastify/busboy|sluice on @fastify/busboy, 1 MiB tap buffers').split('|');

/** Wraps an experiment server in the BenchServer interface (it answers `bytes` as the file size). */
async function startVariant(variant: string): Promise<BenchServer> {
  const child = Child.start(`exp ${variant}`, path.join(here, 'exp-server.ts'), [variant], ['--expose-gc']);
  const { port } = await child.request<{ port: number }>({ type: 'port' });
  const server = Object.create(BenchServer.prototype) as BenchServer;
  Object.assign(server, { kind: 'sluice-discard', child, port, dir: '/nonexistent' });
  return server;
}

const servers: Array<[string, BenchServer]> = [
  ['drain only', await BenchServer.start('drain')],
  ['raw busboy', await BenchServer.start('busboy-discard')],
  ['raw @fastify/busboy', await BenchServer.start('fastify-busboy-discard')],
  ['Express + Sluice (the benchmark server)', await BenchServer.start('sluice-discard')],
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
for (const [name, server] of servers) await (variants.includes(name) ? server.child.stop() : server.stop());
