/**
 * A throw-away Ceph radosgw for the S3 and tus sections, started and stopped
 * with the repository's scripts/s3-local scripts, and whether those sections
 * can run here at all.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Runs a command from the repository root; resolves with its exit code and output, and never rejects. */
function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.on('error', (error) => resolve({ code: 1, stdout, stderr: String(error) }));
  });
}

/**
 * Why a section on S3 cannot run here (the S3 driver cannot be imported, or
 * this checkout has no scripts/s3-local/start.sh), or `undefined` when it can.
 */
export async function s3Unavailable(): Promise<string | undefined> {
  try {
    await import('@sluice/core/s3');
  } catch (error) {
    return `@sluice/core/s3 cannot be imported: ${(error as Error).message}`;
  }
  if (!existsSync(path.join(repoRoot, 'scripts/s3-local/start.sh'))) return 'scripts/s3-local/start.sh is missing';
  return undefined;
}

/**
 * Starts a radosgw with scripts/s3-local/start.sh. Resolves with the
 * `KEY=value` lines it prints (S3_ENDPOINT, AWS_ACCESS_KEY_ID, S3_LOCAL_DIR ...),
 * or with why it failed (the last lines of its stderr).
 */
export async function startRadosgw(): Promise<{ env: Record<string, string> } | { failure: string }> {
  const started = await run('bash', ['scripts/s3-local/start.sh']);
  if (started.code !== 0) return { failure: `scripts/s3-local/start.sh failed: ${started.stderr.trim().split('\n').slice(-3).join(' / ')}` };
  const env: Record<string, string> = {};
  for (const line of started.stdout.trim().split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]!] = match[2]!;
  }
  return { env };
}

/** Stops the radosgw that {@link startRadosgw} started in `dir` (its S3_LOCAL_DIR). */
export async function stopRadosgw(dir: string): Promise<void> {
  await run('bash', ['scripts/s3-local/stop.sh', dir]);
}
