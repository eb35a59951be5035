import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createUploadHandler } from '../../src/session/create-upload-handler.js';
import { UploadError } from '../../src/errors/upload-error.js';
import { memoryStorage } from '../../src/storage/memory-storage.js';
import { clientGoneSignal, handleNodeUpload, sendUploadError, type DrainOptions } from '../../src/node/index.js';
import { buildMultipart } from '../../src/testing/multipart-body.js';
import { socketTransport } from '../../src/testing/http-client.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface Started {
  url: string;
  port: number;
  /** Server-side sockets, to see how much they read and when they closed. */
  sockets: net.Socket[];
}

async function startServer(listener: http.RequestListener): Promise<Started> {
  const server = http.createServer(listener);
  servers.push(server);
  const sockets: net.Socket[] = [];
  server.on('connection', (socket) => sockets.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port, sockets };
}

/** A plain node:http upload endpoint over the bridge, with a 1 KiB file limit. */
function uploadServer(drain?: DrainOptions | false): Promise<Started> {
  const handler = createUploadHandler({ storage: memoryStorage(), limits: { fileSize: 1024 } });
  return startServer(async (req, res) => {
    try {
      const result = await handleNodeUpload(handler, req, res, { drain });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(result));
    } catch (error) {
      sendUploadError(res, error);
    }
  });
}

const closed = (socket: net.Socket): Promise<void> => (socket.destroyed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve())));

describe('handleNodeUpload on node:http', () => {
  it('lets a client that is still sending read the error, with Connection: close, then closes once the body is drained', async () => {
    const server = await uploadServer();
    const { body, contentType } = buildMultipart([{ name: 'file', filename: 'big.bin', content: randomBytes(3 * 1024 * 1024) }]);
    const response = await socketTransport(server.url).send({ headers: { 'content-type': contentType }, body });
    expect(response.status).toBe(413);
    expect(response.headers.connection).toBe('close');
    expect(response.json).toEqual({ error: { code: 'LIMIT_FILE_SIZE', message: 'File too large', limit: 'fileSize', max: 1024 } });
    expect(response.clientError).toBeUndefined();
    await closed(server.sockets[0]!);
    expect(server.sockets[0]!.bytesRead).toBeGreaterThanOrEqual(body.length);
  });

  it('destroys the connection once more than drain.maxBytes were discarded', async () => {
    const server = await uploadServer({ maxBytes: 64 * 1024 });
    const { body, contentType } = buildMultipart([{ name: 'file', filename: 'big.bin', content: randomBytes(8 * 1024 * 1024) }]);
    await socketTransport(server.url)
      .send({ headers: { 'content-type': contentType }, body })
      .catch(() => undefined);
    await closed(server.sockets[0]!);
    expect(server.sockets[0]!.bytesRead).toBeLessThan(body.length / 2);
  });

  it('destroys the connection of a client that stops sending after drain.timeoutMs', async () => {
    const server = await uploadServer({ timeoutMs: 200 });
    const { body, contentType } = buildMultipart([{ name: 'file', filename: 'big.bin', content: randomBytes(1024 * 1024) }]);
    // allowHalfOpen: a client that keeps its side open after the server's FIN, like a stalled uploader.
    const client = net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true });
    let received = '';
    client.on('data', (chunk) => (received += chunk.toString()));
    client.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`);
    client.write(body.subarray(0, 100_000));
    const started = Date.now();
    await expect.poll(() => server.sockets.length).toBe(1);
    await closed(server.sockets[0]!);
    const elapsed = Date.now() - started;
    client.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received).toContain('"code":"LIMIT_FILE_SIZE"');
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(3000);
  });

  it('with drain: false, closes right after the response without reading the rest', async () => {
    const server = await uploadServer(false);
    const { body, contentType } = buildMultipart([{ name: 'file', filename: 'big.bin', content: randomBytes(8 * 1024 * 1024) }]);
    await socketTransport(server.url)
      .send({ headers: { 'content-type': contentType }, body })
      .catch(() => undefined);
    await closed(server.sockets[0]!);
    expect(server.sockets[0]!.bytesRead).toBeLessThan(body.length / 2);
  });

  it('keeps the connection for the next request when the failed body was read to the end', async () => {
    const server = await uploadServer();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (payload: Buffer, type: string): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http.request(server.url, { method: 'POST', agent, headers: { 'content-type': type, 'content-length': payload.length } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end(payload);
      });
    const ok = buildMultipart([{ name: 'a', value: 'b' }]);
    expect(await post(Buffer.from('not multipart'), 'text/plain')).toBe(415);
    expect(await post(ok.body, ok.contentType)).toBe(200);
    agent.destroy();
  });

  it('aborts the upload when the client goes away before the response', async () => {
    const storage = memoryStorage();
    const handler = createUploadHandler({ storage, progress: { bytes: 16 * 1024 } });
    const failures: string[] = [];
    let signalAborted = false;
    const server = await startServer(async (req, res) => {
      const gone = clientGoneSignal(res);
      gone.signal.addEventListener('abort', () => (signalAborted = true));
      await handleNodeUpload(handler, req, res).catch((error: UploadError) => failures.push(error.code));
    });
    const { body, contentType } = buildMultipart([{ name: 'file', filename: 'big.bin', content: randomBytes(1024 * 1024) }]);
    let seen = 0;
    handler.on('progress', ({ bytesReceived }) => (seen = bytesReceived));
    await socketTransport(server.url).sendAndAbort({ headers: { 'content-type': contentType }, body }, 200_000, async () => {
      while (seen < 100_000) await new Promise((resolve) => setTimeout(resolve, 10));
    });
    await expect.poll(() => failures).toEqual(['CLIENT_ABORTED']);
    expect(signalAborted).toBe(true);
    expect(storage.keys()).toEqual([]);
  });
});

describe('sendUploadError', () => {
  it('answers an unknown error as 500 INTERNAL without its message or stack', async () => {
    const server = await startServer((_req, res) => {
      sendUploadError(res, new Error('ENOENT: /srv/secret/path.key'));
    });
    const response = await socketTransport(server.url).send({ headers: {}, body: Buffer.alloc(0) });
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.json).toEqual({ error: { code: 'INTERNAL', message: 'Internal error' } });
    expect(response.body.toString()).not.toContain('secret');
  });

  it('answers an UploadError with its status and details', async () => {
    const server = await startServer((_req, res) => {
      sendUploadError(res, new UploadError('TYPE_NOT_ALLOWED', { message: 'File type not allowed: text/html', details: { type: 'text/html' } }));
    });
    const response = await socketTransport(server.url).send({ headers: {}, body: Buffer.alloc(0) });
    expect(response.status).toBe(415);
    expect(response.json).toEqual({ error: { code: 'TYPE_NOT_ALLOWED', message: 'File type not allowed: text/html', type: 'text/html' } });
  });

  it('destroys a response whose headers are already out instead of ending it as a success', async () => {
    const server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial ');
      setTimeout(() => sendUploadError(res, new UploadError('STORAGE_FAILED')), 20);
    });
    // The client sees the connection cut, not a clean end.
    const errored = await new Promise<boolean>((resolve) => {
      http.get(server.url, (res) => {
        res.on('error', () => resolve(true));
        res.on('end', () => resolve(false));
        res.resume();
      });
    });
    expect(errored).toBe(true);
  });
});
