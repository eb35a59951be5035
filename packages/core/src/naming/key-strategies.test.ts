import { describe, expect, it } from 'vitest';
import { datedKey, randomKey, sessionKey, type KeyContext } from './key-strategies.js';
import { isSafeKey } from './safe-key.js';

const context = (overrides: Partial<KeyContext> = {}): KeyContext => ({
  field: 'f',
  name: 'My Photo.JPG',
  safeName: 'My Photo.JPG',
  type: 'image/jpeg',
  requestId: 'r1',
  request: { user: 'alice/../bob' },
  now: new Date(Date.UTC(2026, 0, 5)),
  ...overrides,
});

describe('key strategies', () => {
  it('dated: <prefix>/YYYY/MM/<32 hex>-<name>', async () => {
    expect(await datedKey({ prefix: '/uploads/' })(context())).toMatch(/^uploads\/2026\/01\/[0-9a-f]{32}-My Photo\.JPG$/);
    expect(await datedKey()(context())).toMatch(/^2026\/01\/[0-9a-f]{32}-My Photo\.JPG$/);
  });

  it('random: with and without the extension (formaline holdFilesExtensions)', async () => {
    expect(await randomKey()(context())).toMatch(/^[0-9a-f]{32}\.jpg$/);
    expect(await randomKey({ keepExtension: false, prefix: 'x' })(context())).toMatch(/^x\/[0-9a-f]{32}$/);
  });

  it('session: a per-session folder from the request, sanitized into one segment', async () => {
    const key = await sessionKey((request: { user: string }) => request.user)(context() as KeyContext<{ user: string }>);
    expect(key).toMatch(/^alice____bob\/2026\/01\/[0-9a-f]{32}-My Photo\.JPG$/);
    expect(isSafeKey(key)).toBe(true);
    await expect(sessionKey(() => undefined)(context())).rejects.toThrow(/session id/);
  });

  it('never repeats a key (collision-free by construction)', async () => {
    const make = datedKey();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(await make(context()));
    expect(seen.size).toBe(10_000);
  });
});

describe('isSafeKey', () => {
  it.each(['a', 'a/b.txt', '2026/01/x-y z.png'])('accepts %j', (key) => expect(isSafeKey(key)).toBe(true));
  it.each(['', '/a', 'a/', 'a//b', '../a', 'a/./b', 'a\\b', 'a\nb', 'x'.repeat(1025)])('refuses %j', (key) => expect(isSafeKey(key)).toBe(false));
});
