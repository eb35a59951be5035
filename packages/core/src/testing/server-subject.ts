import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { socketTransport } from './http-client.js';
import type { HttpSubject } from './run-http-cases.js';

/** Waits until a server told to listen on 127.0.0.1 listens; resolves with its `http://127.0.0.1:PORT`. */
async function loopbackUrl(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Closes a server after ending every open connection, so that a half-sent body cannot hold it open. */
function closeNow(server: Server, done?: () => void): void {
  server.closeAllConnections();
  server.close(() => done?.());
}

/**
 * The {@link HttpSubject} of a Node HTTP server told to listen on 127.0.0.1
 * (port 0, e.g. `app.listen(0, '127.0.0.1')`): resolves once it listens, and
 * talks to it over a real socket. `close` ends every open connection first,
 * so that a case's half-sent body cannot hold the server open.
 */
export async function serverSubject(server: Server): Promise<HttpSubject> {
  const transport = socketTransport(await loopbackUrl(server));
  return { transport, close: () => new Promise<void>((resolve) => closeNow(server, resolve)) };
}

/**
 * For a test file that starts servers in its tests: registers an `afterEach`
 * that closes every server started in the test (with its open connections),
 * and returns `listening(server)`, which takes a server told to listen on
 * 127.0.0.1 (port 0), waits until it listens and resolves with its
 * `http://127.0.0.1:PORT`.
 */
export function loopbackServers(): (server: Server) => Promise<string> {
  const servers: Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) closeNow(server);
  });
  return (server) => {
    servers.push(server);
    return loopbackUrl(server);
  };
}
