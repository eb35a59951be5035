/**
 * @sluice/hono with the R2 driver in workerd (miniflare, `nodejs_compat`),
 * bundled by plain esbuild and by wrangler, over real HTTP: the shared case
 * table, an R2 round trip read back through miniflare's bucket API, and a
 * limit hit in the middle of a multipart upload that leaves nothing in the
 * bucket (no object, no pending upload).
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMultipart, socketTransport } from '@sluice/core/testing';
import { bundleWithEsbuild, bundleWithWrangler, EXAMPLE_ENTRY } from '../src/bundle-worker.js';
import { startMiniflare, type MiniflareR2 } from '../src/miniflare-r2.js';
import { runRemoteHttpCases } from '../src/remote-cases.js';
import { casesForServersThatCloseEarly } from '../src/runtime-differences.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function setUp(r2: MiniflareR2, options: object = {}): Promise<void> {
  await r2.clear();
  const response = await fetch(new URL('/_setup', r2.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ options }) });
  expect(response.status).toBe(200);
}

for (const [bundler, bundle] of [
  ['esbuild', () => bundleWithEsbuild()],
  ['wrangler', bundleWithWrangler],
] as const) {
  describe.sequential(`workerd, bundled by ${bundler}`, () => {
    let r2: MiniflareR2;
    beforeAll(async () => {
      r2 = await startMiniflare(await bundle());
    });
    afterAll(() => r2?.dispose());

    runRemoteHttpCases(
      `hono in workerd (${bundler}) with R2`,
      () => ({
        url: r2.url.origin,
        snapshot: () => r2.objects(),
        reset: () => r2.clear(),
        pendingUploads: () => r2.pendingUploads(),
      }),
      casesForServersThatCloseEarly(),
    );

    it('R2 round trip: a 12 MiB file goes up in three parts and reads back byte for byte from the bucket', async () => {
      await setUp(r2);
      const big = randomBytes(12 * MiB);
      const { body, contentType } = buildMultipart([
        { name: 'note', value: 'hello' },
        { name: 'file', filename: 'big.bin', content: big, contentType: 'application/octet-stream' },
      ]);
      const response = await socketTransport(r2.url.origin).send({ headers: { 'content-type': contentType }, body }, 60_000);
      expect(response.status, response.body.toString().slice(0, 300)).toBe(200);
      const [stored] = response.json.files.file;
      expect(stored).toMatchObject({ size: big.length, checksums: { sha256: sha256(big) } });
      const object = await r2.bucket.get(stored.key);
      expect(object?.size).toBe(big.length);
      // R2's entity tag of a multipart object ends in "-<parts>": 5 + 5 + 2 MiB.
      expect(object?.etag).toMatch(/-3$/);
      expect(sha256(Buffer.from(await new Response(object!.body).arrayBuffer()))).toBe(sha256(big));
      expect(await r2.pendingUploads()).toEqual([]);
    });

    it('a fileSize limit hit after the first part went up leaves no object and no pending upload', async () => {
      await setUp(r2, { limits: { fileSize: 7 * MiB } });
      const { body, contentType } = buildMultipart([
        { name: 'first', filename: 'small.bin', content: randomBytes(1000), contentType: 'application/octet-stream' },
        { name: 'file', filename: 'too-big.bin', content: randomBytes(12 * MiB), contentType: 'application/octet-stream' },
      ]);
      const response = await socketTransport(r2.url.origin).send({ headers: { 'content-type': contentType }, body }, 60_000);
      expect(response.status).toBe(413);
      expect(response.json.error).toMatchObject({ code: 'LIMIT_FILE_SIZE', limit: 'fileSize', max: 7 * MiB });
      await expect.poll(async () => [...(await r2.objects()).keys()], { timeout: 10_000 }).toEqual([]);
      await expect.poll(() => r2.pendingUploads(), { timeout: 10_000 }).toEqual([]);
    });
  });
}

describe('the README example, bundled by esbuild', () => {
  let r2: MiniflareR2;
  beforeAll(async () => {
    r2 = await startMiniflare(await bundleWithEsbuild(EXAMPLE_ENTRY), 'UPLOADS');
  });
  afterAll(() => r2?.dispose());

  it('stores an upload in the UPLOADS bucket', async () => {
    const content = randomBytes(70_000);
    const { body, contentType } = buildMultipart([{ name: 'photo', filename: 'cat.bin', content, contentType: 'application/octet-stream' }]);
    const response = await socketTransport(r2.url.origin).send({ headers: { 'content-type': contentType }, body });
    expect(response.status, response.body.toString().slice(0, 300)).toBe(200);
    const object = await r2.bucket.get(response.json.files.photo[0].key);
    expect(sha256(Buffer.from(await new Response(object!.body).arrayBuffer()))).toBe(sha256(content));
  });
});
