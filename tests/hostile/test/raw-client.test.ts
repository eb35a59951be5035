import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseResponse, rawExchange, step } from '../src/raw-client.js';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A TCP server that runs `onConnection` for each client, on an ephemeral port. */
async function tcpServer(onConnection: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    sockets.push(socket);
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('parseResponse', () => {
  it('skips interim responses and reads a Content-Length body', () => {
    const parsed = parseResponse(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 413 Payload Too Large\r\nContent-Length: 2\r\nX-A: 1\r\nX-A: 2\r\n\r\n{}'), false);
    expect(parsed).toMatchObject({ status: 413, informational: [100], complete: true, headers: { 'content-length': '2', 'x-a': '1, 2' } });
    expect(parsed.body.toString()).toBe('{}');
  });

  it('de-chunks a chunked body and knows when it is incomplete', () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(parseResponse(Buffer.from(`${head}3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n`), false)).toMatchObject({ status: 200, complete: true, body: Buffer.from('abcde') });
    expect(parseResponse(Buffer.from(`${head}3\r\nabc\r\n2\r\nd`), false)).toMatchObject({ complete: false });
  });

  it('completes a body without framing only when the server closed', () => {
    const raw = Buffer.from('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    expect(parseResponse(raw, false).complete).toBe(false);
    expect(parseResponse(raw, true)).toMatchObject({ status: 400, complete: true });
  });

  it('has no status for a head that has not ended', () => {
    expect(parseResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Le'), false)).toMatchObject({ status: undefined, complete: false });
  });
});

describe('rawExchange', () => {
  it('sends exact bytes, reads the response and counts what was sent before it', async () => {
    let received = '';
    const port = await tcpServer((socket) => {
      socket.on('data', (chunk) => {
        received += chunk.toString('latin1');
        if (received.endsWith('\r\n\r\n')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
      });
    });
    const response = await rawExchange({ port, steps: [step.write('GET / HTTP/1.1\r\n'), step.drip('Host: x\r\n\r\n', 3, 5)], timeoutMs: 3000 });
    expect(received).toBe('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(response).toMatchObject({ status: 200, complete: true, timedOut: false, resetBeforeResponse: false, bytesSentBeforeResponse: received.length });
    expect(response.body.toString()).toBe('hello');
  });

  it('reports a reset before any response', async () => {
    const port = await tcpServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    const response = await rawExchange({ port, steps: [step.write('POST / HTTP/1.1\r\n'), step.wait(2000)], timeoutMs: 3000 });
    expect(response.status).toBeUndefined();
    expect(response.resetBeforeResponse).toBe(true);
    expect(response.closedByServer).toBe(true);
  });

  it('reports a server that never answers as timed out', async () => {
    const port = await tcpServer(() => {});
    const response = await rawExchange({ port, steps: [step.write('POST / HTTP/1.1\r\n\r\n')], timeoutMs: 300 });
    expect(response).toMatchObject({ status: undefined, timedOut: true });
  });

  it('half-closes on `end` and still reads the answer', async () => {
    const port = await tcpServer((socket) => {
      socket.on('end', () => socket.end('HTTP/1.1 204 No Content\r\n\r\n'));
      socket.resume();
    });
    const response = await rawExchange({ port, steps: [step.write('x'), step.end(), step.awaitResponse(2000)], timeoutMs: 3000 });
    expect(response).toMatchObject({ status: 204, complete: true });
  });
});
