import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { socketTransport } from './http-client.js';
import type { HttpSubject } from './run-http-cases.js';

/**
 * The {@link HttpSubject} of a Node HTTP server told to listen on 127.0.0.1
 * (port 0, e.g. `app.listen(0, '127.0.0.1')`): resolves once it listens, and
 * talks to it over a real socket. `close` ends every open connection first,
 * so that a case's half-sent body cannot hold the server open.
 */
export async function serverSubject(server: Server): Promise<HttpSubject> {
  if (!server.listening) await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    transport: socketTransport(`http://127.0.0.1:${port}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
