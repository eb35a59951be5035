/**
 * @sluice/core/redis: the Redis upload locker for running several instances.
 * Needs the optional peer dependency `redis` (node-redis), loaded only when a
 * locker is created from a URL.
 */
export { redisLocker, type RedisLockerOptions, type RedisScriptClient } from './redis-locker.js';
