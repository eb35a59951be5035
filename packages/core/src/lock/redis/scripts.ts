import { createHash } from 'node:crypto';

/** A Lua script and its SHA-1, for EVALSHA with an EVAL fallback. */
export interface LuaScript {
  source: string;
  sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/**
 * Grant the lease when nobody holds it. KEYS: lock, fence. ARGV: owner, ttl
 * ms, fence key ttl ms. Returns the fencing token, or 0 when the lease is held.
 * The fence counter is INCR'd; a missing counter (first use, expiry, or a
 * Redis restart without persistence) first starts from the server clock in
 * microseconds, so tokens never go back below any issued before.
 */
export const ACQUIRE = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then
  local t = redis.call('TIME')
  redis.call('SET', KEYS[2], t[1] .. string.rep('0', 6 - #t[2]) .. t[2])
end
local token = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return token
`);

/** Compare-and-renew. KEYS: lock. ARGV: owner, ttl ms. Returns 1 when renewed, 0 when the lease is not this owner's. */
export const RENEW = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);

/** Compare-and-delete. KEYS: lock. ARGV: owner. Returns 1 when deleted, 0 when the lease was not this owner's. */
export const RELEASE = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);
