import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A round-robin HTTP load balancer on loopback: a stand-in for the one in front of a real cluster. */
export interface Balancer {
  url: string;
  /** Requests forwarded to each backend so far. */
  counts: number[];
  /** Connections the balancer cut on purpose (see `dropEvery`). */
  dropped: number;
  close(): Promise<void>;
}

/** Options of {@link startBalancer}. */
export interface BalancerOptions {
  /**
   * Cuts a forwarded request's body (both sockets destroyed) after a random
   * point, for this share of PATCH requests (0 to 1): a connection lost
   * mid-upload, as a client on a mobile network sees it.
   */
  dropShare?: number;
  /** Random source for the drops (deterministic runs). */
  random?: () => number;
}

/**
 * Forwards every request to the next backend in turn, streaming both bodies
 * (no request buffering, as a resumable-upload proxy must be configured) and
 * keeping the `Host` header, so `Location` URLs point at the balancer. A
 * request may thus land on a different instance each time.
 */
export async function startBalancer(backends: string[], options: BalancerOptions = {}): Promise<Balancer> {
  const random = options.random ?? Math.random;
  const counts = backends.map(() => 0);
  let turn = 0;
  const state = { dropped: 0 };
  const server = http.createServer((req, res) => {
    const index = turn++ % backends.length;
    counts[index]!++;
    const target = new URL(req.url ?? '/', backends[index]);
    const upstream = http.request(target, { method: req.method, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' }).end('Bad gateway');
      else res.destroy();
    });
    req.on('aborted', () => upstream.destroy());
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    const length = Number(req.headers['content-length'] ?? 0);
    if (req.method === 'PATCH' && length > 0 && options.dropShare && random() < options.dropShare) {
      const cutAt = Math.floor(random() * length);
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen < cutAt) return;
        state.dropped++;
        upstream.destroy();
        req.socket.destroy();
      });
    }
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    get dropped() {
      return state.dropped;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
