/**
 * CPU-profiles one benchmark server over `uploads` uploads of 64 MiB
 * (`node --cpu-prof` in the server process; the profile is written when it exits):
 *
 *   tsx bench/src/profile/http-profile.ts sluice-discard 20 bench/.out/profiles/http
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { BenchServer, measureUpload } from '../http/bench-server.js';
import { uploadBody } from '../http/client.js';
import type { ServerKind } from '../http/kinds.js';
import { browserLikeBoundary, noiseOf } from '../lib/content.js';
import { MiB } from '../lib/stats.js';

const [kind = 'sluice-discard', uploadsText = '20', dirArg = 'bench/.out/profiles/http'] = process.argv.slice(2);
const dir = path.resolve(dirArg, kind);
const server = await BenchServer.start(kind as ServerKind, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200']);
const body = uploadBody(browserLikeBoundary(), 64 * MiB);
const block = noiseOf(MiB);
let cpu = 0;
let mbps = 0;
const uploads = Number(uploadsText);
for (let i = 0; i < uploads; i++) {
  const m = await measureUpload(server, body, block);
  cpu += m.cpuPerGiB / uploads;
  mbps += m.mbps / uploads;
}
await server.stop();
console.log(
  `${kind}: ${mbps.toFixed(0)} MB/s, ${cpu.toFixed(2)} CPU s/GiB; profile: ${readdirSync(dir)
    .filter((f) => f.includes('.0.'))
    .map((f) => path.join(dir, f))
    .join(' ')}`,
);
