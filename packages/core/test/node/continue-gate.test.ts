import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createUploadHandler, type UploadHandler } from '../../src/session/create-upload-handler.js';
import { memoryStorage, type MemoryStorage } from '../../src/storage/memory-storage.js';
import { handleNodeUpload, installContinueGate, sendUploadError, type ContinueGateOptions } from '../../src/node/index.js';
import { buildMultipart } from '../../src/testing/multipart-body.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

interface Gated {
  port: number;
  handler: UploadHandler;
  storage: MemoryStorage;
  /** How many requests reached the 'request' listener. */
  requests: () => number;
  removeGate: () => void;
}

async function gatedServer(gate: ContinueGateOptions = {}): Promise<Gated> {
  const storage = memoryStorage();
  const handler = createUploadHandler({ storage, limits: { totalSize: 64 * 1024 } });
  let requests = 0;
  const server = http.createServer(async (req, res) => {
    requests += 1;
    try {
      const result = await handleNodeUpload(handler, req, res);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(result));
    } catch (error) {
      sendUploadError(res, error);
    }
  });
  servers.push(server);
  const removeGate = installContinueGate(server, handler, gate);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, handler, storage, requests: () => requests, removeGate };
}

/**
 * Sends a request head with `Expect: 100-continue`, waits for the server's
 * first answer, and sends `body` only if that answer is `100 Continue` (what
 * a well-behaved client does). Resolves with everything received.
 */
function expectContinue(port: number, headers: Record<string, string>, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sentBody = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer; got ${JSON.stringify(received)}`));
    }, 3000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (!sentBody && received.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        sentBody = true;
        socket.write(body);
      }
      const final = received.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
      const length = /\r\ncontent-length: (\d+)/i.exec(final);
      const headEnd = final.indexOf('\r\n\r\n');
      if (length && headEnd >= 0 && final.length >= headEnd + 4 + Number(length[1])) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
    const head = ['POST /upload HTTP/1.1', 'Host: x', 'Expect: 100-continue', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)];
    socket.write(`${head.join('\r\n')}\r\n\r\n`);
  });
}

const upload = buildMultipart([{ name: 'file', filename: 'a.txt', content: 'hello', contentType: 'text/plain' }]);

describe('installContinueGate', () => {
  it('answers a declared Content-Length over totalSize with 413 and no 100 Continue, without running the request listener', async () => {
    const server = await gatedServer();
    const answer = await expectContinue(server.port, { 'content-type': upload.contentType, 'content-length': String(10 * 1024 ** 3) }, upload.body);
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).not.toContain('100 Continue');
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(answer).toContain('"code":"LIMIT_TOTAL_SIZE"');
    expect(server.requests()).toBe(0);
  });

  it('answers a media type or Content-Encoding the handler refuses with 415, and a bad boundary with 400', async () => {
    const server = await gatedServer();
    expect(await expectContinue(server.port, { 'content-type': 'application/json', 'content-length': '2' }, Buffer.from('{}'))).toMatch(/^HTTP\/1\.1 415 [\s\S]*UNSUPPORTED_MEDIA_TYPE/);
    expect(await expectContinue(server.port, { 'content-type': upload.contentType, 'content-encoding': 'gzip', 'content-length': '10' }, Buffer.alloc(10))).toMatch(
      /^HTTP\/1\.1 415 [\s\S]*UNSUPPORTED_CONTENT_ENCODING/,
    );
    expect(await expectContinue(server.port, { 'content-type': 'multipart/form-data', 'content-length': '10' }, Buffer.alloc(10))).toMatch(/^HTTP\/1\.1 400 [\s\S]*MISSING_BOUNDARY/);
    expect(server.requests()).toBe(0);
  });

  it('sends 100 Continue for an acceptable request and hands it to the request listener', async () => {
    const server = await gatedServer();
    const answer = await expectContinue(server.port, { 'content-type': upload.contentType, 'content-length': String(upload.body.length) }, upload.body);
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(server.requests()).toBe(1);
    expect(server.storage.keys()).toHaveLength(1);
  });

  it('leaves requests that `match` rejects to Node: 100 Continue, then the handler refuses as usual', async () => {
    const server = await gatedServer({ match: (req) => req.url === '/elsewhere' });
    const answer = await expectContinue(server.port, { 'content-type': upload.contentType, 'content-length': String(10 * 1024 ** 3) }, upload.body);
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 413 /);
    expect(server.requests()).toBe(1);
  });

  it('is removed by the function it returns (Node answers 100 by itself again)', async () => {
    const server = await gatedServer();
    server.removeGate();
    const answer = await expectContinue(server.port, { 'content-type': upload.contentType, 'content-length': String(10 * 1024 ** 3) }, upload.body);
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 413 /);
  });
});
