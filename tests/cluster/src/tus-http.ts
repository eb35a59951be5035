import { createHash } from 'node:crypto';
import http from 'node:http';

/** A tus reply as seen on the wire. */
export interface TusReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const TUS = { 'Tus-Resumable': '1.0.0' };

/** Sends one request over a fresh connection and reads the whole answer. */
export function send(url: string, method: string, headers: Record<string, string>, body?: Buffer | ((req: http.ClientRequest) => void)): Promise<TusReply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (typeof body === 'function') body(req);
    else req.end(body);
  });
}

/** `POST <base>/tus`: creates an upload of `length` bytes; resolves with its URL path (`/tus/<id>`). */
export async function createUpload(base: string, length: number, filename: string): Promise<string> {
  const metadata = `filename ${Buffer.from(filename).toString('base64')},filetype ${Buffer.from('application/octet-stream').toString('base64')}`;
  const answer = await send(`${base}/tus`, 'POST', { ...TUS, 'Upload-Length': String(length), 'Upload-Metadata': metadata });
  if (answer.status !== 201 || typeof answer.headers.location !== 'string') throw new Error(`creation answered ${answer.status}: ${answer.body}`);
  return new URL(answer.headers.location, base).pathname;
}

/** `HEAD`: the stored offset (throws unless 200). */
export async function offsetOf(base: string, upload: string): Promise<number> {
  const answer = await send(`${base}${upload}`, 'HEAD', TUS);
  if (answer.status !== 200) throw new Error(`HEAD answered ${answer.status}`);
  return Number(answer.headers['upload-offset']);
}

/** `PATCH` with a whole body at `offset`. */
export function patch(base: string, upload: string, offset: number, bytes: Buffer): Promise<TusReply> {
  return send(`${base}${upload}`, 'PATCH', { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset), 'Content-Length': String(bytes.length) }, bytes);
}

/**
 * `PATCH` whose body trickles: `bytes` in `pieces` writes, `everyMs` apart,
 * so that it is still running while a test does something else.
 * `onPiece(i)` runs after each write (it may kill the server); when it
 * returns `'stall'` no further piece is sent and the request stays open,
 * so that the server's answer arrives while the client is not writing.
 */
export function slowPatch(base: string, upload: string, offset: number, bytes: Buffer, pieces: number, everyMs: number, onPiece?: (index: number) => unknown): Promise<TusReply> {
  return send(`${base}${upload}`, 'PATCH', { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset), 'Content-Length': String(bytes.length) }, (req) => {
    const size = Math.ceil(bytes.length / pieces);
    let index = 0;
    const next = (): void => {
      if (req.destroyed) return;
      const piece = bytes.subarray(index * size, (index + 1) * size);
      index++;
      if (index >= pieces) {
        req.end(piece);
        onPiece?.(index - 1);
        return;
      }
      req.write(piece);
      if (onPiece?.(index - 1) === 'stall') return;
      setTimeout(next, everyMs);
    };
    next();
  });
}

/** `GET /files` then `GET /files/<key>` for the file named `filename`: its bytes, from `base`. */
export async function download(base: string, filename: string): Promise<Buffer> {
  const list = await fetch(`${base}/files`);
  const { files } = (await list.json()) as { files: Array<{ name: string; key: string; url: string }> };
  const file = files.find((entry) => entry.name === filename);
  if (!file) throw new Error(`${filename} is not listed on ${base}/files (${files.length} files)`);
  const answer = await fetch(`${base}${file.url}`);
  if (answer.status !== 200) throw new Error(`download of ${file.key} answered ${answer.status}`);
  return Buffer.from(await answer.arrayBuffer());
}

/** SHA-256 in hex, for byte-exact comparisons with short failure messages. */
export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
