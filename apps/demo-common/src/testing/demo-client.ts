import http from 'node:http';

/** A response read whole. */
export interface Fetched {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * A GET with `node:http`, which (unlike `fetch`) sends the path exactly as
 * given: `/files/../../etc/passwd` reaches the server un-normalised.
 */
export function rawGet(baseUrl: string, path: string): Promise<Fetched> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.get({ host: hostname === 'localhost' ? '127.0.0.1' : hostname, port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${path}: no answer within 10 s`)));
  });
}
