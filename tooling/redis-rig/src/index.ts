/**
 * @sluice/redis-rig: a real Redis for the test suites. `global-setup` starts
 * one per vitest project and provides its URL ({@link redisUrl}); tests that
 * crash or restart Redis start a server of their own with {@link startLocalRedis}.
 */
import { inject } from 'vitest';
import './provided.js';

export { REPO_ROOT, startLocalRedis, stopLocalRedis, restartLocalRedis, redisPid, type LocalRedis } from './local-redis.js';

/** The URL of the suite's shared redis-server (from global-setup). */
export function redisUrl(): string {
  return inject('redisUrl');
}
