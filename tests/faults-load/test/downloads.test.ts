import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMOS } from '../src/demos.js';
import { openDescriptors, startDemoProcess } from '../src/demo-process.js';
import { downloadDigest, postBody } from '../src/http.js';
import { genBody } from '../src/multipart.js';

const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the first `bytes` of a download, then drops the connection (a browser tab closed mid-download). */
function cutDownload(baseUrl: string, urlPath: string, bytes: number): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: hostname, port, path: urlPath, agent: false }, (res) => {
      let got = 0;
      res.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= bytes) {
          req.destroy();
          resolve(got);
        }
      });
      res.on('end', () => resolve(got));
    });
    req.on('error', (error) => (req.destroyed ? undefined : reject(error)));
  });
}

let root: string;
beforeAll(async () => (root = await mkdtemp(path.join(tmpdir(), 'sluice-downloads-'))));
afterAll(async () => rm(root, { recursive: true, force: true }));

// Found by the load test: a stored file's descriptor stayed open after some downloads.
describe('downloads (GET /files/<key>) close the stored file, however the client leaves', () => {
  it.each(DEMOS)('%s demo (server.ts, STORAGE=disk): 20 complete downloads on closing connections and 20 cut off mid-file leave no file open', async (name) => {
    const dir = path.join(root, name);
    const proc = await startDemoProcess(name, { STORAGE: 'disk', UPLOAD_DIR: dir, MAX_FILE_SIZE: '16MiB' });
    try {
      const openFiles = async () => (await openDescriptors(proc.pid)).filter((fd) => fd.startsWith(dir));
      const urls: Array<{ url: string; size: number; sha256: string }> = [];
      for (const [i, size] of [100 * 1024, 8 * MiB].entries()) {
        const body = genBody(7, [{ id: `dl-${i}`, size, filename: `dl-${i}.bin` }]);
        const response = await postBody(proc.url, body);
        expect(response.status, response.text).toBe(200);
        urls.push({ url: response.json.files[0].url, size, sha256: body.sha256[0]! });
      }
      for (let i = 0; i < 20; i++) {
        // Complete, on a connection the client closes once it has every byte.
        expect(await downloadDigest(proc.url, urls[0]!.url)).toEqual({ status: 200, size: urls[0]!.size, sha256: urls[0]!.sha256 });
        // Cut off after the first 256 KiB of 8 MiB.
        expect(await cutDownload(proc.url, urls[1]!.url, 256 * 1024)).toBeGreaterThanOrEqual(256 * 1024);
      }
      let open = await openFiles();
      for (let i = 0; i < 20 && open.length > 0; i++) {
        await sleep(100);
        open = await openFiles();
      }
      expect(open).toEqual([]);
    } finally {
      await proc.kill();
    }
  });
});
