import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's location (tests may run from any cwd). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SCRIPTS = path.join(REPO_ROOT, 'scripts/redis-local');

/** A throw-away redis-server started by scripts/redis-local/start.sh. */
export interface LocalRedis {
  /** `redis://127.0.0.1:PORT` */
  url: string;
  /** Its directory (pid file, log, env); stopping removes it. */
  dir: string;
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [path.join(SCRIPTS, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    // The scripts have their own deadlines; this only guards against a wedged bash.
    const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return env;
}

/**
 * Starts a redis-server (in `dir`, a new temp dir by default; an earlier
 * `dir` restarts on the same port, empty). Rejects with the script's
 * diagnostics when it cannot.
 */
export async function startLocalRedis(dir?: string): Promise<LocalRedis> {
  const { code, stdout, stderr } = await run('start.sh', dir ? [dir] : []);
  const env = parseEnv(stdout);
  if (code !== 0 || !env.REDIS_URL || !env.REDIS_DIR) {
    throw new Error(`scripts/redis-local/start.sh failed (exit ${code}):\n${stderr.split('\n').slice(-30).join('\n')}`);
  }
  return { url: env.REDIS_URL, dir: env.REDIS_DIR };
}

/**
 * Stops the server. `keepDir` keeps its directory (and so its port) for
 * {@link startLocalRedis} to restart; `crash` SIGKILLs it instead of a clean
 * shutdown.
 */
export async function stopLocalRedis(dir: string, options: { keepDir?: boolean; crash?: boolean } = {}): Promise<void> {
  const { code, stderr } = await run('stop.sh', [dir], {
    REDIS_LOCAL_KEEP_DIR: options.keepDir ? '1' : '0',
    REDIS_LOCAL_SIGNAL: options.crash ? 'KILL' : 'TERM',
  });
  if (code !== 0) throw new Error(`scripts/redis-local/stop.sh ${dir} failed: ${stderr}`);
}

/** A crash and a restart on the same port: the new server starts empty (no persistence). */
export async function restartLocalRedis(redis: LocalRedis, options: { downForMs?: number } = {}): Promise<LocalRedis> {
  await stopLocalRedis(redis.dir, { keepDir: true, crash: true });
  if (options.downForMs) await new Promise((resolve) => setTimeout(resolve, options.downForMs));
  return startLocalRedis(redis.dir);
}

/** The pid of the running server, for tests that signal it themselves. */
export async function redisPid(redis: LocalRedis): Promise<number> {
  return Number((await readFile(path.join(redis.dir, 'redis.pid'), 'utf8')).trim());
}
