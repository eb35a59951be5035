import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's location (tests may run from any cwd). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPTS = path.join(REPO_ROOT, 'scripts/s3-local');

/** A running throw-away radosgw started by scripts/s3-local/start.sh. */
export interface LocalCluster {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  dir: string;
}

function run(script: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(SCRIPTS, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    // start.sh has its own deadline; this one only guards against a wedged bash.
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parses the `KEY=value` lines start.sh prints last (and writes to DIR/env). */
export function parseEnvLines(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

/** Starts a fresh cluster (in `dir`, or a new temp dir). Rejects with start.sh's diagnostics if it cannot. */
export async function startLocalCluster(dir?: string): Promise<LocalCluster> {
  const { code, stdout, stderr } = await run('start.sh', dir ? [dir] : [], 120_000);
  const env = parseEnvLines(stdout.split('\n').slice(-8).join('\n'));
  if (code !== 0 || !env.S3_ENDPOINT || !env.S3_LOCAL_DIR) {
    throw new Error(`scripts/s3-local/start.sh failed (exit ${code}):\n${stderr.split('\n').slice(-40).join('\n')}`);
  }
  return {
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION ?? 'us-east-1',
    accessKeyId: env.AWS_ACCESS_KEY_ID!,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    dir: env.S3_LOCAL_DIR,
  };
}

/** Stops a cluster and deletes its directory (idempotent). */
export async function stopLocalCluster(dir: string): Promise<void> {
  const { code, stderr } = await run('stop.sh', [dir], 30_000);
  if (code !== 0) throw new Error(`scripts/s3-local/stop.sh ${dir} failed: ${stderr}`);
}

const RGW = 'client.rgw.a';

/** SIGKILLs the cluster's radosgw only (mon and OSD keep running), like a crash of the S3 endpoint. */
export async function killRadosgw(dir: string): Promise<void> {
  const pid = Number((await readFile(path.join(dir, 'pids', `${RGW}.pid`), 'utf8')).trim());
  process.kill(pid, 'SIGKILL');
  // Wait until it is gone (or a zombie), so the port is really closed.
  for (let i = 0; i < 100; i++) {
    const state = await readFile(`/proc/${pid}/stat`, 'utf8').then(
      (s) => s.split(' ')[2],
      () => 'gone',
    );
    if (state === 'gone' || state === 'Z') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`radosgw ${pid} did not die`);
}

/**
 * Starts radosgw again on the same port, the way start.sh does (detached, its
 * pid where stop.sh will find it), and waits until it answers HTTP.
 */
export async function restartRadosgw(cluster: LocalCluster): Promise<void> {
  const conf = path.join(cluster.dir, 'ceph.conf');
  const out = openSync(path.join(cluster.dir, 'log', `${RGW}.stdio`), 'a');
  const child = spawn('radosgw', ['-c', conf, '-n', RGW, '-f'], { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  closeSync(out);
  await writeFile(path.join(cluster.dir, 'pids', `${RGW}.pid`), `${child.pid}\n`);
  const until = Date.now() + 30_000;
  for (;;) {
    const up = await fetch(cluster.endpoint).then(
      async (response) => (await response.arrayBuffer(), true),
      () => false,
    );
    if (up) return;
    if (Date.now() > until) throw new Error('radosgw did not come back within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
