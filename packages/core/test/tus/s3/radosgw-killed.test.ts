import { request } from 'node:http';
import { killRadosgw, ownCluster, recordCommands, restartRadosgw } from '@sluice/s3-rig';
import { describe, expect, it } from 'vitest';
import { s3Resumable } from '../../../src/storage/s3/resumable-store.js';
import { createUpload, headOffset, patch, startTusServer, testBytes } from '../support.js';
import { nextFailure } from '../random-aborts.js';
import { MiB, readObject } from './support.js';

const own = ownCluster('tus-killed');

/** Streams `data` as one PATCH at about 10 MiB/s, so parts are still going up when radosgw dies. */
function pacedPatch(url: string, offset: number, data: Buffer): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'PATCH',
      headers: { 'Tus-Resumable': '1.0.0', 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset), 'Content-Length': String(data.length) },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(undefined));
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= data.length || req.destroyed) return clearInterval(timer);
      req.write(data.subarray(sent, sent + 256 * 1024));
      sent += 256 * 1024;
      if (sent >= data.length) req.end();
    }, 25);
  });
}

describe('tus on S3: radosgw killed mid-part', () => {
  it('the PATCH fails with a 5xx, the upload stays consistent, and resumes byte-exact once radosgw is back', async () => {
    const { cluster, client, space } = own;
    const store = s3Resumable({ bucket: space.bucket, client, statePrefix: `${space.prefix}.tus/`, partSize: 5 * MiB });
    const commands = recordCommands(client);
    const server = await startTusServer({ store, key: () => `${space.prefix}killed.bin` });
    try {
      const data = testBytes(30 * MiB, 77);
      const url = await createUpload(server, data.length);
      const failed = nextFailure(server);
      const pending = pacedPatch(url, 0, data);
      // Killed once a first part is recorded and more are on their way (two go up at once).
      const id = url.split('/').pop()!;
      while (((await store.getInfo(id))?.offset ?? 0) < 5 * MiB || commands.filter((name) => name === 'UploadPartCommand').length < 2) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await killRadosgw(cluster.dir);
      const status = await pending;
      await failed;
      if (status !== undefined) expect(status).toBeGreaterThanOrEqual(500);
      await restartRadosgw(cluster);
      const offset = await headOffset(url);
      // The part recorded before the kill stays; never more than was sent.
      expect(offset).toBeGreaterThanOrEqual(5 * MiB);
      expect(offset).toBeLessThan(data.length);
      expect((await patch(url, offset, data.subarray(offset))).status).toBe(204);
      expect((await readObject(client, space.bucket, `${space.prefix}killed.bin`))?.equals(data)).toBe(true);
      expect((await space.leftovers()).filter((name) => name.startsWith('upload:'))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
