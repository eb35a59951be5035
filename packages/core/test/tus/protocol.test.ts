import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryResumable, type MemoryResumable } from '../../src/storage/memory-resumable.js';
import { createTusHandler } from '../../src/tus/create-tus-handler.js';
import type { TusHandler, TusOptions } from '../../src/tus/types.js';
import { b64, startTusServer, testBytes, TUS, type TusServer } from './support.js';

/** Sends one request over a real socket (handleNode) or straight into handler.fetch (the Web path). */
type Send = (method: string, path: string, headers?: Record<string, string>, body?: Uint8Array) => Promise<Response>;

interface Rig {
  send: Send;
  store: MemoryResumable;
  handler: TusHandler;
  close(): Promise<void>;
}

async function nodeRig(options: Partial<TusOptions>): Promise<Rig> {
  const store = memoryResumable();
  const server: TusServer = await startTusServer({ store, ...options });
  return {
    store,
    handler: server.handler,
    send: (method, path, headers = {}, body) => fetch(server.origin + path, { method, headers, body: body as unknown as BodyInit, ...(body ? { duplex: 'half' } : {}) } as RequestInit),
    close: () => server.close(),
  };
}

async function fetchRig(options: Partial<TusOptions>): Promise<Rig> {
  const store = memoryResumable();
  const handler = createTusHandler({ store, path: '/files', ...options });
  return {
    store,
    handler,
    send: (method, path, headers = {}, body) =>
      handler.fetch(new Request(`http://example.test${path}`, { method, headers, body: body as unknown as BodyInit, ...(body ? { duplex: 'half' } : {}) } as RequestInit)),
    close: () => handler.close(),
  };
}

const PATCH_HEADERS = { ...TUS, 'Content-Type': 'application/offset+octet-stream' };
const META = `filename ${b64('notes.txt')},filetype ${b64('text/plain')}`;

describe.each([
  ['node:http + handleNode', nodeRig],
  ['handler.fetch', fetchRig],
])('tus protocol over %s', (_name, makeRig) => {
  let rig: Rig;
  const open = async (options: Partial<TusOptions> = {}) => {
    rig = await makeRig({ limits: { fileSize: 1_000_000 }, ...options });
    return rig;
  };
  afterEach(() => rig?.close());

  async function create(length: number | undefined, headers: Record<string, string> = {}): Promise<string> {
    const res = await rig.send('POST', '/files', { ...TUS, ...(length === undefined ? { 'Upload-Defer-Length': '1' } : { 'Upload-Length': String(length) }), 'Upload-Metadata': META, ...headers });
    expect(res.status).toBe(201);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/files\/[0-9a-f]{32}$/);
    return location;
  }

  it('OPTIONS announces version, extensions, max size and checksum algorithms', async () => {
    await open();
    const res = await rig.send('OPTIONS', '/files');
    expect(res.status).toBe(204);
    expect(res.headers.get('tus-version')).toBe('1.0.0');
    expect(res.headers.get('tus-extension')?.split(',')).toEqual(expect.arrayContaining(['creation', 'creation-with-upload', 'creation-defer-length', 'termination', 'expiration', 'checksum']));
    expect(res.headers.get('tus-max-size')).toBe('1000000');
    expect(res.headers.get('tus-checksum-algorithm')?.split(',')).toEqual(expect.arrayContaining(['sha1', 'crc32c']));
  });

  it('answers 412 without Tus-Resumable or with another version', async () => {
    await open();
    expect((await rig.send('POST', '/files', { 'Upload-Length': '5' })).status).toBe(412);
    const other = await rig.send('POST', '/files', { 'Tus-Resumable': '0.2.2', 'Upload-Length': '5' });
    expect(other.status).toBe(412);
    expect(other.headers.get('tus-version')).toBe('1.0.0');
  });

  it('creates, HEADs, PATCHes in two steps and completes byte-exact', async () => {
    await open();
    const data = testBytes(5000);
    const url = await create(data.length);
    const head = await rig.send('HEAD', url, TUS);
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('0');
    expect(head.headers.get('upload-length')).toBe('5000');
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect(head.headers.get('upload-metadata')).toBe(META);
    const first = await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '0' }, data.subarray(0, 3000));
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe('3000');
    expect(first.headers.get('upload-expires')).toMatch(/GMT$/);
    const second = await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '3000' }, data.subarray(3000));
    expect(second.headers.get('upload-offset')).toBe('5000');
    const info = await rig.store.getInfo(url.split('/').pop()!);
    expect(info?.completed?.size).toBe(5000);
    expect(rig.store.storage.read(info!.key!)?.equals(data)).toBe(true);
    // A retried final PATCH (its response was lost) changes nothing and makes no second object.
    const retry = await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '5000' });
    expect(retry.status).toBe(204);
    expect(rig.store.storage.keys()).toHaveLength(1);
  });

  it('refuses a wrong offset (409), a missing offset (400), a wrong content type (415)', async () => {
    await open();
    const url = await create(100);
    const wrong = await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '10' }, testBytes(5));
    expect(wrong.status).toBe(409);
    expect((await rig.send('PATCH', url, PATCH_HEADERS, testBytes(5))).status).toBe(400);
    expect((await rig.send('PATCH', url, { ...TUS, 'Content-Type': 'application/octet-stream', 'Upload-Offset': '0' }, testBytes(5))).status).toBe(415);
    expect((await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '-1' }, testBytes(5))).status).toBe(400);
    expect((await rig.store.getInfo(url.split('/').pop()!))?.offset).toBe(0);
  });

  it('refuses a PATCH past the length (413) and a length over limits.fileSize (413)', async () => {
    await open();
    const url = await create(10);
    expect((await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '0' }, testBytes(11))).status).toBe(413);
    expect((await rig.send('POST', '/files', { ...TUS, 'Upload-Length': '1000001' })).status).toBe(413);
  });

  it('refuses malformed creation headers with 400 and stores nothing', async () => {
    await open();
    const cases: Array<Record<string, string>> = [
      {},
      { 'Upload-Length': '5', 'Upload-Defer-Length': '1' },
      { 'Upload-Defer-Length': '2' },
      { 'Upload-Length': '5', 'Upload-Metadata': `filename${' x'.repeat(2)}` },
      { 'Upload-Length': '5', 'Upload-Metadata': 'filename !!!!' },
      { 'Upload-Length': '5', 'Upload-Metadata': `a ${b64('1')},a ${b64('2')}` },
      { 'Upload-Length': '5', 'Upload-Metadata': `filename ${'QUFB'.repeat(3000)}` },
      { 'Upload-Length': '5', 'Upload-Concat': 'partial' },
    ];
    for (const headers of cases) expect((await rig.send('POST', '/files', { ...TUS, ...headers })).status, JSON.stringify(headers).slice(0, 80)).toBe(400);
    const left = [];
    for await (const entry of rig.store.list()) left.push(entry);
    expect(left).toEqual([]);
  });

  it('answers 404 for unknown ids, traversal and malformed ids', async () => {
    await open();
    for (const path of ['/files/0123456789abcdef0123456789abcdef', '/files/..%2F..%2Fetc%2Fpasswd', '/files/..%5C..%5Cwin.ini', '/files/ABC', '/files/a/b']) {
      expect((await rig.send('HEAD', path, TUS)).status, path).toBe(404);
    }
  });

  it('verifies Upload-Checksum: sha1 and crc32c accepted, 460 discards the chunk, 400 for unknown algorithms', async () => {
    await open();
    const data = testBytes(4000);
    const url = await create(data.length);
    const sha1 = createHash('sha1').update(data.subarray(0, 1000)).digest('base64');
    const ok = await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '0', 'Upload-Checksum': `sha1 ${sha1}` }, data.subarray(0, 1000));
    expect(ok.status).toBe(204);
    const bad = await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '1000', 'Upload-Checksum': `sha1 ${sha1}` }, data.subarray(1000, 2000));
    expect(bad.status).toBe(460);
    expect((await rig.send('HEAD', url, TUS)).headers.get('upload-offset')).toBe('1000');
    const unknown = await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '1000', 'Upload-Checksum': `whirlpool ${sha1}` }, data.subarray(1000, 2000));
    expect(unknown.status).toBe(400);
    // CRC32C of "123456789" is e3069283 (RFC 3720, B.4).
    const crc = Buffer.from('e3069283', 'hex').toString('base64');
    const check = await create(9);
    expect((await rig.send('PATCH', check, { ...PATCH_HEADERS, 'Upload-Offset': '0', 'Upload-Checksum': `crc32c ${crc}` }, Buffer.from('123456789'))).status).toBe(204);
    const other = await create(9);
    expect((await rig.send('PATCH', other, { ...PATCH_HEADERS, 'Upload-Offset': '0', 'Upload-Checksum': `crc32c ${crc}` }, Buffer.from('123456780'))).status).toBe(460);
  });

  it('whole-file digests stay right when a chunk was discarded (460) and sent again', async () => {
    await open({ checksums: ['sha256', 'md5'] });
    const files: Array<{ checksums: Record<string, string> }> = [];
    rig.handler.on('load', (event) => {
      if (event.kind === 'file') files.push(event.file);
    });
    const data = testBytes(9000, 9);
    const url = await create(data.length);
    expect((await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '0' }, data.subarray(0, 5000))).status).toBe(204);
    const wrong = createHash('sha1').update('something else').digest('base64');
    expect((await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '5000', 'Upload-Checksum': `sha1 ${wrong}` }, data.subarray(5000))).status).toBe(460);
    const right = createHash('sha1').update(data.subarray(5000)).digest('base64');
    expect((await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '5000', 'Upload-Checksum': `sha1 ${right}` }, data.subarray(5000))).status).toBe(204);
    expect(files).toHaveLength(1);
    expect(files[0]!.checksums).toEqual({ sha256: createHash('sha256').update(data).digest('hex'), md5: createHash('md5').update(data).digest('hex') });
  });

  it('terminates an upload (204, then 404) and leaves nothing', async () => {
    await open();
    const url = await create(100);
    await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '0' }, testBytes(50));
    expect((await rig.send('DELETE', url, TUS)).status).toBe(204);
    expect((await rig.send('HEAD', url, TUS)).status).toBe(404);
    const left = [];
    for await (const entry of rig.store.list()) left.push(entry);
    expect(left).toEqual([]);
  });

  it('expires incomplete uploads: 410 afterwards, removed by sweepExpired', async () => {
    await open({ expiresAfterMs: 50 });
    const url = await create(100);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await rig.send('HEAD', url, TUS)).status).toBe(410);
    expect((await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '0' }, testBytes(5))).status).toBe(410);
    expect(await rig.handler.sweepExpired()).toEqual({ removed: 1 });
    expect((await rig.send('HEAD', url, TUS)).status).toBe(404);
  });

  it('creation-with-upload and creation-defer-length', async () => {
    await open();
    const data = testBytes(3000);
    const res = await rig.send('POST', '/files', { ...PATCH_HEADERS, 'Upload-Length': '3000', 'Upload-Metadata': META }, data.subarray(0, 1000));
    expect(res.status).toBe(201);
    expect(res.headers.get('upload-offset')).toBe('1000');
    const deferred = await create(undefined);
    expect((await rig.send('HEAD', deferred, TUS)).headers.get('upload-defer-length')).toBe('1');
    await rig.send('PATCH', deferred, { ...PATCH_HEADERS, 'Upload-Offset': '0' }, data.subarray(0, 1000));
    const last = await rig.send('PATCH', deferred, { ...PATCH_HEADERS, 'Upload-Offset': '1000', 'Upload-Length': '3000' }, data.subarray(1000));
    expect(last.status).toBe(204);
    const info = await rig.store.getInfo(deferred.split('/').pop()!);
    expect(info?.completed?.size).toBe(3000);
  });

  it('judges allowedTypes on the bytes: a PNG declared as text is refused with 415 and removed', async () => {
    await open({ allowedTypes: ['text/plain'] });
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(5000, 1)]);
    const url = await create(png.length);
    const res = await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '0' }, png);
    expect(res.status).toBe(415);
    expect((await rig.send('HEAD', url, TUS)).status).toBe(404);
    expect(rig.store.storage.keys()).toEqual([]);
  });

  it('judges the type across small PATCHes: held until 4100 bytes are there, then the verdict holds for the whole upload', async () => {
    await open({ allowedTypes: ['image/png'] });
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(6000, 7)]);
    const url = await create(png.length);
    for (let at = 0; at < png.length; at += 1000) {
      const res = await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': String(at) }, png.subarray(at, at + 1000));
      expect(res.status).toBe(204);
    }
    const info = await rig.store.getInfo(url.split('/').pop()!);
    expect(info?.file.type).toBe('image/png');
    expect(rig.store.storage.read(info!.key!)?.equals(png)).toBe(true);
    const text = testBytes(6000);
    const refused = await create(text.length);
    let status = 0;
    for (let at = 0; at < text.length && status !== 415; at += 1000) {
      status = (await rig.send('PATCH', refused, { ...PATCH_HEADERS, 'Upload-Offset': String(at) }, text.subarray(at, at + 1000))).status;
      if (at + 1000 < 4100) expect(status).toBe(204);
    }
    expect(status).toBe(415);
    expect((await rig.send('HEAD', refused, TUS)).status).toBe(404);
  });

  it('sanitizes the file name from metadata and reports a StoredFile with whole-file checksums', async () => {
    await open({ checksums: ['sha256', 'crc32c'] });
    const files: unknown[] = [];
    rig.handler.on('load', (event) => files.push(event));
    const data = testBytes(2000);
    const res = await rig.send('POST', '/files', { ...PATCH_HEADERS, 'Upload-Length': '2000', 'Upload-Metadata': `filename ${b64('../../etc/pass\u202Ewd.txt')}` }, data);
    expect(res.status).toBe(201);
    expect(files).toHaveLength(1);
    const file = (files[0] as { file: { safeName: string; key: string; checksums: Record<string, string>; size: number } }).file;
    expect(file.safeName).not.toMatch(/[/\\\u202E]/);
    expect(file.key).not.toContain('..');
    expect(file.size).toBe(2000);
    expect(file.checksums.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('one writer per upload: a concurrent PATCH gets 423 while the first is still streaming', async () => {
    await open();
    const url = await create(20_000);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(testBytes(1000));
        await gate;
        controller.enqueue(testBytes(1000, 2));
        controller.close();
      },
    });
    const first = rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '0' }, slow as unknown as Uint8Array);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = await rig.send('PATCH', url, { ...PATCH_HEADERS, 'Upload-Offset': '0' }, testBytes(10));
    expect(second.status).toBe(423);
    release();
    expect((await first).status).toBe(204);
    expect((await rig.send('HEAD', url, TUS)).headers.get('upload-offset')).toBe('2000');
  });
});

describe('CORS', () => {
  let rig: Rig;
  beforeEach(async () => {
    rig = await nodeRig({ cors: true });
  });
  afterEach(() => rig.close());

  it('answers a preflight and exposes the headers a browser client reads', async () => {
    const pre = await rig.send('OPTIONS', '/files', {
      Origin: 'http://app.test',
      'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'tus-resumable,upload-length,x-request-id',
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toMatch(/X-Request-ID/);
    const res = await rig.send('POST', '/files', { ...TUS, Origin: 'http://app.test', 'Upload-Length': '5' });
    const exposed = res.headers.get('access-control-expose-headers') ?? '';
    for (const name of ['Location', 'Upload-Offset', 'Upload-Length', 'Upload-Expires', 'Tus-Resumable', 'Upload-Metadata']) expect(exposed).toContain(name);
  });
});
