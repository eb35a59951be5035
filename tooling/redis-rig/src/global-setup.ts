import type { TestProject } from 'vitest/node';
import { type LocalRedis, startLocalRedis, stopLocalRedis } from './local-redis.js';
import './provided.js';

/**
 * Gives a suite a real Redis: the one in REDIS_URL if set, else a throw-away
 * redis-server from scripts/redis-local (stopped on teardown). If none can be
 * had, the run FAILS loudly (under CI=true as well as locally): a Redis suite
 * that silently skips looks exactly like one that passed.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  if (process.env.REDIS_URL) {
    project.provide('redisUrl', process.env.REDIS_URL);
    return;
  }
  let redis: LocalRedis;
  try {
    redis = await startLocalRedis();
  } catch (error) {
    const ci = process.env.CI === 'true' ? ' (CI=true)' : '';
    throw new Error(
      [
        '',
        '==================================================================',
        `  ${project.name}: THE REDIS SUITE DID NOT RUN${ci}: no redis-server could be started.`,
        '  Fix: install it once, as root:   bash scripts/system/redis.sh',
        '  or point the suite at a server:  REDIS_URL=redis://127.0.0.1:6379',
        '==================================================================',
        (error as Error).message,
      ].join('\n'),
    );
  }
  project.provide('redisUrl', redis.url);
  return () => stopLocalRedis(redis.dir);
}
