import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Upload } from 'tus-js-client';
import type { TestSpace } from '@sluice/s3-rig';
import { childEnv, recordCommands } from '@sluice/s3-rig';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../src/cli/run-cli.js';
import { memoryLocker } from '../../../src/lock/memory-locker.js';
import { sweepExpiredS3Uploads } from '../../../src/storage/s3/resumable-sweep.js';
import { createTusHandler } from '../../../src/tus/create-tus-handler.js';
import { headOffset, patch, startTusServer, testBytes, TUS, type TusServer } from '../support.js';
import { MiB, createSpace, readObject, spaceStore } from './support.js';

function runUpload(endpoint: string, data: Buffer, options: { uploadUrl?: string; stopAt?: number; retryDelays?: number[] } = {}): Promise<{ url: string; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(data, {
      endpoint,
      uploadUrl: options.uploadUrl,
      retryDelays: options.retryDelays ?? [],
      metadata: { filename: 'clip.bin', filetype: 'application/octet-stream' },
      onProgress(sent, total) {
        if (options.stopAt !== undefined && sent / total >= options.stopAt) upload.abort().then(() => resolve({ url: upload.url!, aborted: true }), reject);
      },
      onSuccess: () => resolve({ url: upload.url!, aborted: false }),
      onError: reject,
    });
    upload.start();
  });
}

describe('tus on S3 (radosgw)', () => {
  let space: TestSpace;
  const servers: TusServer[] = [];
  beforeEach(async () => {
    space = await createSpace('tus-client');
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    await space.cleanup();
  });
  const serve = async (extra: Parameters<typeof startTusServer>[0]) => {
    const server = await startTusServer(extra);
    servers.push(server);
    return server;
  };

  it('tus-js-client: aborted at 40 %, resumed through another handler and store instance, byte-exact; sweeping leaves only the file', async () => {
    const data = testBytes(24 * MiB, 21);
    // os.tmpdir() follows TMPDIR: anything spooled to a temp file would show up here.
    const scratch = path.resolve(import.meta.dirname, '../../../.tmp');
    await mkdir(scratch, { recursive: true });
    const tmpdir = await mkdtemp(path.join(scratch, 'ostmp-'));
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmpdir;
    const key = (ctx: { safeName: string }) => `${space.prefix}files/${ctx.safeName}`;
    // One lock for both "processes", as a shared (Redis) locker would be: the
    // resume may meet the first PATCH still persisting its bytes, and gets 423.
    const locker = memoryLocker();
    const first = await serve({ store: spaceStore(space), key, checksums: ['sha256'], locker });
    const ended = new Promise<void>((resolve) => {
      const stop = first.handler.on('loadend', (event) => {
        if (event.error) {
          stop();
          resolve();
        }
      });
    });
    const started = await runUpload(first.endpoint, data, { stopAt: 0.4 });
    expect(started.aborted).toBe(true);
    // The aborted PATCH has persisted what arrived once its loadend fires.
    await ended;
    const offset = await headOffset(started.url);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(data.length);
    // Another "process": its own handler, store object and S3 client, the same bucket.
    const second = await serve({ store: spaceStore(space), key, checksums: ['sha256'], locker });
    const loads: Array<{ key: string; checksums: Record<string, string> }> = [];
    second.handler.on('load', (event) => {
      if (event.kind === 'file') loads.push(event.file);
    });
    const resumeUrl = started.url.replace(first.origin, second.origin);
    const done = await runUpload(second.endpoint, data, { uploadUrl: resumeUrl, retryDelays: [200, 500, 1000, 2000, 4000] });
    expect(done.aborted).toBe(false);
    expect(loads).toHaveLength(1);
    expect(loads[0]!.key).toBe(`${space.prefix}files/clip.bin`);
    // Hashed by reading the object back: the second process did not see the first bytes.
    const { createHash } = await import('node:crypto');
    expect(loads[0]!.checksums.sha256).toBe(createHash('sha256').update(data).digest('hex'));
    expect((await readObject(space.client, space.bucket, loads[0]!.key))?.equals(data)).toBe(true);
    const left = await space.leftovers();
    expect(left.filter((name) => name.startsWith('upload:'))).toEqual([]);
    expect(await second.handler.sweepExpired(new Date(Date.now() + 48 * 3600_000))).toEqual({ removed: 1 });
    expect(await space.leftovers()).toEqual([loads[0]!.key]);
    process.env.TMPDIR = savedTmp;
    if (savedTmp === undefined) delete process.env.TMPDIR;
    expect(await readdir(tmpdir)).toEqual([]);
    await rm(tmpdir, { recursive: true, force: true });
  });

  it('judges the type on bytes held in the tail object across small PATCHes, then crosses a part', async () => {
    const store = spaceStore(space);
    const server = await serve({ store, key: () => `${space.prefix}pic.png`, allowedTypes: ['image/png'] });
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), testBytes(6 * MiB)]);
    const create = await fetch(server.endpoint, { method: 'POST', headers: { ...TUS, 'Upload-Length': String(png.length) } });
    const url = server.origin + create.headers.get('location');
    const cuts = [0, 1000, 3000, 5000, png.length];
    for (let i = 0; i + 1 < cuts.length; i++) expect((await patch(url, cuts[i]!, png.subarray(cuts[i], cuts[i + 1]))).status).toBe(204);
    const info = await store.getInfo(url.split('/').pop()!);
    expect(info?.file.type).toBe('image/png');
    expect((await readObject(space.client, space.bucket, `${space.prefix}pic.png`))?.equals(png)).toBe(true);
  });

  it('sweepExpiredS3Uploads (no handler, as a CLI would) removes an expired upload: multipart upload, tail and info', async () => {
    const server = await serve({ store: spaceStore(space), key: () => `${space.prefix}old.bin`, expiresAfterMs: 60_000 });
    const create = await fetch(server.endpoint, { method: 'POST', headers: { ...TUS, 'Upload-Length': String(20 * MiB) } });
    const url = server.origin + create.headers.get('location');
    expect((await patch(url, 0, testBytes(7 * MiB))).status).toBe(204);
    const before = await space.leftovers();
    expect(before.some((name) => name.startsWith('upload:'))).toBe(true);
    expect(before.some((name) => name.includes('.partial.'))).toBe(true);
    expect(await sweepExpiredS3Uploads({ client: space.client, bucket: space.bucket, statePrefix: `${space.prefix}.tus/` })).toEqual({ removed: 0 });
    expect(await sweepExpiredS3Uploads({ client: space.client, bucket: space.bucket, statePrefix: `${space.prefix}.tus/`, now: new Date(Date.now() + 120_000) })).toEqual({ removed: 1 });
    expect(await space.leftovers()).toEqual([]);
  });

  it('sluice sweep --tus-state keeps live uploads, then removes them once expired: multipart upload, tail and info', async () => {
    const server = await serve({ store: spaceStore(space), key: ({ safeName }) => `${space.prefix}${safeName}`, expiresAfterMs: 60_000 });
    const urls: string[] = [];
    for (const name of ['a', 'b']) {
      const create = await fetch(server.endpoint, {
        method: 'POST',
        headers: { ...TUS, 'Upload-Length': String(20 * MiB), 'Upload-Metadata': `filename ${Buffer.from(`${name}.bin`).toString('base64')}` },
      });
      urls.push(server.origin + create.headers.get('location'));
    }
    expect((await patch(urls[0]!, 0, testBytes(7 * MiB))).status).toBe(204);
    // The CLI's S3 client takes credentials from the process environment, as it does for an operator.
    const env = childEnv();
    vi.stubEnv('AWS_ACCESS_KEY_ID', env.AWS_ACCESS_KEY_ID);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', env.AWS_SECRET_ACCESS_KEY);
    const output: string[] = [];
    const io = { stdout: { write: (text: string) => output.push(text) }, stderr: { write: (text: string) => output.push(text) }, env };
    const sweep = (now: number) => runCli(['sweep', '--bucket', space.bucket, '--tus-state', `${space.prefix}.tus/`, '--force-path-style'], { ...io, now: () => now });
    const code = await sweep(Date.now());
    expect(output.join(''), 'the sweep output').toContain('removed 0');
    expect(code).toBe(0);
    expect(output.join('')).toContain('removed 0 expired resumable upload(s)');
    const later = Date.now() + 120_000;
    expect(await sweep(later)).toBe(0);
    expect(output.join('')).toContain('removed 2 expired resumable upload(s)');
    expect(await space.leftovers()).toEqual([]);
    expect(await runCli(['sweep', '--bucket', space.bucket, '--tus-state', '.tus/', '--dry-run'], io)).toBe(2);
    vi.unstubAllEnvs();
  });

  it('termination aborts the multipart upload and deletes info and partial objects', async () => {
    const server = await serve({ store: spaceStore(space), key: () => `${space.prefix}x.bin` });
    const create = await fetch(server.endpoint, { method: 'POST', headers: { ...TUS, 'Upload-Length': String(20 * MiB) } });
    const url = server.origin + create.headers.get('location');
    expect((await patch(url, 0, testBytes(6 * MiB))).status).toBe(204);
    expect((await space.leftovers()).some((name) => name.startsWith('upload:'))).toBe(true);
    expect((await fetch(url, { method: 'DELETE', headers: TUS })).status).toBe(204);
    expect(await space.leftovers()).toEqual([]);
  });

  it('a second handler answers HEAD and a retried final PATCH makes one object', async () => {
    const store = spaceStore(space);
    const commands = recordCommands(store.context.client);
    const server = await serve({ store, key: () => `${space.prefix}y.bin` });
    const data = testBytes(7 * MiB, 4);
    const create = await fetch(server.endpoint, { method: 'POST', headers: { ...TUS, 'Upload-Length': String(data.length) } });
    const path = create.headers.get('location')!;
    expect((await patch(server.origin + path, 0, data.subarray(0, 3 * MiB))).status).toBe(204);
    const other = createTusHandler({ store: spaceStore(space), path: '/files' });
    const head = await other.fetch(new Request(`http://other.test${path}`, { method: 'HEAD', headers: TUS }));
    expect(head.headers.get('upload-offset')).toBe(String(3 * MiB));
    expect((await patch(server.origin + path, 3 * MiB, data.subarray(3 * MiB))).status).toBe(204);
    const retry = await other.fetch(
      new Request(`http://other.test${path}`, { method: 'PATCH', headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(data.length) } }),
    );
    expect(retry.status).toBe(204);
    expect(commands.filter((name) => name === 'CompleteMultipartUploadCommand')).toHaveLength(1);
    expect((await readObject(space.client, space.bucket, `${space.prefix}y.bin`))?.equals(data)).toBe(true);
    await other.close();
  });
});
