import http from 'node:http';

/** What one tus upload took, from its creation to the last PATCH's answer. */
export interface TusUploadReply {
  ms: number;
  /** The upload URL's path. */
  location: string;
  patches: number;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(port: number, method: string, path: string, headers: Record<string, string>, body?: { bytes: number; block: Buffer }): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { 'tus-resumable': '1.0.0', ...headers } }, (res) => {
      // The answers carry no body worth keeping; read them so the socket is reused.
      res.resume();
      res.on('end', () => resolve(res));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (!body) {
      req.end();
      return;
    }
    let left = body.bytes;
    const writeMore = (): void => {
      while (left > 0) {
        const slice = left >= body.block.length ? body.block : body.block.subarray(0, left);
        left -= slice.length;
        if (!req.write(slice)) {
          req.once('drain', writeMore);
          return;
        }
      }
      req.end();
    };
    writeMore();
  });
}

/**
 * One tus upload of `total` bytes to 127.0.0.1:`port`: `POST` with
 * `Upload-Length`, then `PATCH`es of `patchBytes` each, one after the other
 * as tus-js-client sends them with a `chunkSize`. The content is `block`,
 * repeated; the client never holds more than one block. Throws unless every
 * answer has the status and the `Upload-Offset` the protocol requires.
 */
export async function tusUpload(port: number, path: string, total: number, patchBytes: number, block: Buffer): Promise<TusUploadReply> {
  const start = performance.now();
  const created = await request(port, 'POST', path, { 'upload-length': String(total), 'upload-metadata': `filename ${Buffer.from('bench.bin').toString('base64')}` });
  const location = created.headers.location;
  if (created.statusCode !== 201 || !location) throw new Error(`POST ${path}: HTTP ${created.statusCode}, Location ${location}`);
  const url = new URL(location, `http://127.0.0.1:${port}`).pathname;
  let offset = 0;
  let patches = 0;
  while (offset < total) {
    const bytes = Math.min(patchBytes, total - offset);
    const res = await request(port, 'PATCH', url, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(bytes) }, { bytes, block });
    const next = Number(res.headers['upload-offset']);
    if (res.statusCode !== 204 || next !== offset + bytes)
      throw new Error(`PATCH ${url} at ${offset}: HTTP ${res.statusCode}, Upload-Offset ${res.headers['upload-offset']}, expected ${offset + bytes}`);
    offset = next;
    patches += 1;
  }
  return { ms: performance.now() - start, location: url, patches };
}
