/**
 * A lease holder in its own process, for tests that SIGKILL it: takes the
 * lease on an upload id through the Redis locker and prints `TOKEN <n>`, then
 * keeps renewing until killed.
 *
 *   node --import tsx hold-lease-child.ts <redis url> <prefix> <id> <ttlMs> <renewEveryMs> <commandTimeoutMs>
 */
import { redisLocker } from '@sluice/core/redis';

const [url, prefix, id, ttlMs, renewEveryMs, commandTimeoutMs] = process.argv.slice(2);
const locker = redisLocker({ url: url!, prefix: prefix!, ttlMs: Number(ttlMs), renewEveryMs: Number(renewEveryMs), commandTimeoutMs: Number(commandTimeoutMs) });
const lease = await locker.acquire(id!);
process.stdout.write(`TOKEN ${lease.token}\n`);
// The lease's timers are unref'd; this keeps the process (and its renewals) alive.
setInterval(() => {}, 1_000);
