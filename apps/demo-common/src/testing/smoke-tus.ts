import { describe, expect, it } from 'vitest';
import { demoStarter } from './demo-starter.js';
import type { StartDemo } from './smoke.js';
import { neutralContent, settledTusOffset, tusClientUpload, tusOffset } from './tus-client.js';

const MiB = 1024 * 1024;

/**
 * The resumable side of every demo, on disk and on S3 (a fresh bucket on the
 * server the s3-rig global setup provides): tus-js-client uploads a file,
 * is cut off at 40 %, resumes from the offset the server kept, and the file
 * is then listed in `GET /files` and downloaded byte for byte from
 * `GET /files/<key>`; `MAX_FILE_SIZE` and the type policy apply as for
 * `POST /upload`, and a refused upload leaves nothing behind.
 */
export function runTusSmokeTests(framework: string, start: StartDemo): void {
  const startWith = demoStarter(framework, start, 'tus', { MAX_FILE_SIZE: '16MiB' });

  for (const storage of ['disk', 's3'] as const) {
    describe(`${framework} demo, STORAGE=${storage}: resumable uploads at /tus`, () => {
      it('tus-js-client cut off at 40 % resumes from the kept offset; the file is listed and downloads byte for byte', async () => {
        const demo = await startWith(storage);
        // Over S3's 5 MiB part size, so the S3 store both uploads a part and keeps a remainder.
        const content = neutralContent(8 * MiB + 321);
        const first = await tusClientUpload(`${demo.url}/tus`, content, { name: 'trip video.bin', abortAt: 0.4 });
        expect(first.error).toBeUndefined();
        expect(new URL(first.url).pathname).toMatch(/^\/tus\/[^/]+$/);
        const kept = await settledTusOffset(first.url);
        expect(kept).toBeGreaterThan(0);
        // No more than went out before the cut (40 % and the piece in flight).
        expect(kept).toBeLessThanOrEqual(content.length * 0.4 + 64 * 1024);

        const second = await tusClientUpload(`${demo.url}/tus`, content, { name: 'trip video.bin', uploadUrl: first.url });
        expect(second.error).toBeUndefined();
        expect(second.patches[0]).toBe(kept);
        expect(await tusOffset(first.url)).toBe(content.length);

        const listed = (await (await fetch(`${demo.url}/files`)).json()).files as Array<{ key: string; name: string; size: number; url: string }>;
        expect(listed.map((f) => [f.name, f.size])).toEqual([['trip video.bin', content.length]]);
        const download = await fetch(`${demo.url}${listed[0]!.url}`);
        expect(download.status).toBe(200);
        expect(Buffer.from(await download.arrayBuffer()).equals(content)).toBe(true);
        if (demo.space) expect((await demo.space.leftovers()).filter((entry) => entry.startsWith('upload:'))).toEqual([]);
        // The upload's state is not a file: its id is the capability to continue it.
        const id = new URL(first.url).pathname.split('/').pop()!;
        expect((await fetch(`${demo.url}/files/.tus/${id}.info`)).status).toBe(404);
      });

      it('applies MAX_FILE_SIZE and the type policy; a refused upload leaves nothing listed', async () => {
        const demo = await startWith(storage, { MAX_FILE_SIZE: '1MiB' });
        const options = await fetch(`${demo.url}/tus`, { method: 'OPTIONS' });
        expect(options.headers.get('tus-max-size')).toBe(String(MiB));
        const tooBig = await fetch(`${demo.url}/tus`, { method: 'POST', headers: { 'Tus-Resumable': '1.0.0', 'Upload-Length': String(MiB + 1) } });
        expect(tooBig.status).toBe(413);

        // Without ALLOWED_TYPES the demo refuses active content, judged on the bytes whatever the name says.
        const html = Buffer.from('<!doctype html><script>alert(document.cookie)</script>');
        const refused = await tusClientUpload(`${demo.url}/tus`, html, { name: 'cat.png', type: 'image/png' });
        expect(refused.status).toBe(415);
        expect((await (await fetch(`${demo.url}/files`)).json()).files).toEqual([]);
        if (demo.space) expect(await demo.space.leftovers()).toEqual([]);
      });
    });
  }
}
