import type { TestProject } from 'vitest/node';
import type { S3Connection } from './connection.js';
import { startLocalCluster, stopLocalCluster } from './local-cluster.js';

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '::1' || host === '[::1]' || host.startsWith('127.');
  } catch {
    return false;
  }
}

/** The connection from S3_ENDPOINT and the AWS env vars, when the caller brings a server. */
function fromEnv(env: NodeJS.ProcessEnv): S3Connection {
  const { S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY } = env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
    throw new Error('core-s3: S3_ENDPOINT is set, so AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set too');
  }
  return {
    endpoint: S3_ENDPOINT!,
    region: env.S3_REGION ?? env.AWS_REGION ?? 'us-east-1',
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true',
    bucket: env.S3_BUCKET || undefined,
    local: isLoopback(S3_ENDPOINT!),
  };
}

/**
 * Gives the S3 suite a real S3 server: the one in S3_ENDPOINT if set, else a
 * throw-away radosgw from scripts/s3-local (stopped on teardown). If no server
 * can be had, the run FAILS: an S3 suite that silently skips looks exactly
 * like one that passed.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // The SDK warns on Node 20 about releases after early 2027; we pin the SDK instead.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  if (process.env.S3_ENDPOINT) {
    project.provide('s3', fromEnv(process.env));
    return;
  }
  let cluster: Awaited<ReturnType<typeof startLocalCluster>>;
  try {
    cluster = await startLocalCluster();
  } catch (error) {
    const why = (error as Error).message;
    const ci = process.env.CI === 'true' ? ' (CI=true)' : '';
    throw new Error(
      [
        '',
        '==================================================================',
        `  core-s3: THE S3 SUITE DID NOT RUN${ci}: no S3 server could be started.`,
        '  Fix: install Ceph radosgw once, as root:',
        '      bash scripts/s3-local/install.sh',
        '  or point the suite at a server: S3_ENDPOINT=... AWS_ACCESS_KEY_ID=...',
        '  AWS_SECRET_ACCESS_KEY=... [S3_BUCKET=...] [S3_FORCE_PATH_STYLE=true]',
        '==================================================================',
        why,
      ].join('\n'),
    );
  }
  const { dir, ...rest } = cluster;
  project.provide('s3', { ...rest, localDir: dir, local: true });
  return () => stopLocalCluster(dir);
}
