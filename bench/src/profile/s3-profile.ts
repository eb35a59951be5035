/**
 * CPU-profiles the S3 servers (Sluice and multer-s3) over a few 64 MiB
 * uploads to a throw-away radosgw (scripts/s3-local):
 *
 *   tsx bench/src/profile/s3-profile.ts [uploads] [dir]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { BenchServer, measureLibStorage, measureUpload } from '../http/bench-server.js';
import { uploadBody } from '../http/client.js';
import type { ServerKind } from '../http/kinds.js';
import { browserLikeBoundary, noiseOf } from '../lib/content.js';
import { MiB } from '../lib/stats.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const uploads = Number(process.argv[2] ?? 6);
const outDir = path.resolve(process.argv[3] ?? path.join(repoRoot, 'bench/.out/profiles/s3'));
const started = execFileSync('bash', ['scripts/s3-local/start.sh'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const env: Record<string, string> = {};
for (const line of started.trim().split('\n')) {
  const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
  if (match) env[match[1]!] = match[2]!;
}
try {
  const bucket = `prof-${Date.now().toString(36)}`;
  const client = new S3Client({
    endpoint: env.S3_ENDPOINT,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  const body = uploadBody(browserLikeBoundary(), 64 * MiB);
  const block = noiseOf(MiB);
  for (const kind of ['sluice-s3', 'multer-s3', 'lib-storage'] as ServerKind[]) {
    const dir = path.join(outDir, kind);
    const server = await BenchServer.start(kind, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=200'], {
      ...env,
      S3_BUCKET: bucket,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    let cpu = 0;
    let mbps = 0;
    for (let i = 0; i < uploads; i++) {
      const m = kind === 'lib-storage' ? await measureLibStorage(server, 64 * MiB) : await measureUpload(server, body, block);
      cpu += m.cpuPerGiB / uploads;
      mbps += m.mbps / uploads;
    }
    await server.stop();
    console.log(
      `${kind}: ${mbps.toFixed(0)} MB/s, ${cpu.toFixed(2)} CPU s/GiB; ${readdirSync(dir)
        .filter((f) => f.includes('.0.'))
        .map((f) => path.join(dir, f))
        .join(' ')}`,
    );
  }
} finally {
  execFileSync('bash', ['scripts/s3-local/stop.sh', env.S3_LOCAL_DIR!], { cwd: repoRoot, stdio: 'ignore' });
}
