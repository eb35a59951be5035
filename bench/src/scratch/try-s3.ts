import { runS3 } from '../s3/section.js';
import { browserLikeBoundary } from '../lib/content.js';
const failures: string[] = [];
const t = Date.now();
const r = await runS3({ quick: false, boundary: browserLikeBoundary(), log: console.log, failures });
console.log(r.measured, r.reason);
for (const [k, ms] of Object.entries(r.rows)) console.log(k, ms!.map((m) => `${Math.round(m.mbps)}MB/s idle ${(m.idleRss/2**20).toFixed(0)} peak ${(m.kernelPeakRss/2**20).toFixed(0)} cpu ${m.cpuPerGiB.toFixed(2)}`).join(' | '));
for (const [k, m] of Object.entries(r.concurrent)) console.log('concurrent', k, Math.round(m!.mbps), (m!.idleRss/2**20).toFixed(0), (m!.kernelPeakRss/2**20).toFixed(0));
console.log(failures, (Date.now() - t) / 1000);
