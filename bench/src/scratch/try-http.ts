import { runThroughput, runMemory } from '../http/section.js';
import { browserLikeBoundary } from '../lib/content.js';
const failures: string[] = [];
const cfg = { quick: true, boundary: browserLikeBoundary(), log: console.log, failures };
const t = Date.now();
const r = await runThroughput(cfg);
for (const k of r.kinds) { const m = r.rows[k]![0]; if (m) console.log(k, Math.round(m.mbps), m.cpuPerGiB.toFixed(2), (m.idleRss/2**20).toFixed(0), (m.sampledPeakRss/2**20).toFixed(0), (m.kernelPeakRss/2**20).toFixed(0), m.minorFaults); }
console.log('throughput s', (Date.now()-t)/1000);
const mem = await runMemory(cfg);
for (const tbl of [...mem.sizes, mem.concurrent]) for (const k of tbl.kinds) { const m = tbl.rows[k]![0]; if (m) console.log(tbl.fileBytes/2**20, tbl.concurrency, k, Math.round(m.mbps), (m.idleRss/2**20).toFixed(0), (m.sampledPeakRss/2**20).toFixed(0), (m.kernelPeakRss/2**20).toFixed(0)); }
console.log(failures, (Date.now()-t)/1000);
