import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTusHandler } from '../../src/tus/create-tus-handler.js';
import type { TusHandler, TusOptions } from '../../src/tus/types.js';

/** A tus handler served by a plain node:http server through `handleNode`. */
export interface TusServer {
  handler: TusHandler;
  server: Server;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** The endpoint URL (`origin` + mount path). */
  endpoint: string;
  close(): Promise<void>;
}

/** Starts a loopback server whose only route is the tus endpoint at `options.path` (default `/files`). */
export async function startTusServer(options: Partial<TusOptions> & Pick<TusOptions, 'store'>): Promise<TusServer> {
  const path = options.path ?? '/files';
  const handler = createTusHandler({ ...options, path });
  const server = createServer((req, res) => {
    handler.handleNode(req, res).catch((error) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    handler,
    server,
    origin,
    endpoint: origin + path,
    async close() {
      await handler.close();
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The headers every tus request carries. */
export const TUS = { 'Tus-Resumable': '1.0.0' };

/** Base64 of UTF-8 text, for Upload-Metadata. */
export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** Deterministic test bytes that start with a neutral text line (never sniffed as a binary format). */
export function testBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  const head = Buffer.from('sluice tus test data\n');
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = i < head.length ? head[i]! : 0x20 + ((x >>> 0) % 90);
  }
  return out;
}

/** Creates an upload and returns its absolute URL. */
export async function createUpload(server: TusServer, length: number | undefined, metadata = `filename ${b64('notes.txt')},filetype ${b64('text/plain')}`): Promise<string> {
  const headers: Record<string, string> = { ...TUS, 'Upload-Metadata': metadata };
  if (length === undefined) headers['Upload-Defer-Length'] = '1';
  else headers['Upload-Length'] = String(length);
  const res = await fetch(server.endpoint, { method: 'POST', headers });
  if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`);
  return new URL(res.headers.get('location')!, server.origin).toString();
}

/** Sends one PATCH. */
export function patch(url: string, offset: number, body: Uint8Array, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'PATCH', headers: { ...TUS, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': String(offset), ...headers }, body: body as unknown as BodyInit });
}

/** The Upload-Offset a HEAD reports. */
export async function headOffset(url: string): Promise<number> {
  const res = await fetch(url, { method: 'HEAD', headers: TUS });
  if (res.status !== 200) throw new Error(`HEAD answered ${res.status}`);
  return Number(res.headers.get('upload-offset'));
}
