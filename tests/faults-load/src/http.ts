import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { GenBody } from './multipart.js';

/** What came back from one upload, or how the exchange failed on the client side. */
export interface PostResult {
  /** 0 when no response arrived. */
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a test client reads whatever JSON the server sent; each test asserts its shape
  json: any;
  text: string;
  /** A client-side error code (ECONNRESET, EPIPE ...), if the exchange broke. */
  clientError?: string;
  /** Body bytes written before the response (or the error) arrived. */
  sent: number;
  ms: number;
}

/** How to pace an upload: full speed for `fastBytes`, then one chunk every `delayMs`. */
export interface Pace {
  fastBytes: number;
  delayMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function target(baseUrl: string): { host: string; port: number } {
  const url = new URL(baseUrl);
  return { host: url.hostname === 'localhost' ? '127.0.0.1' : url.hostname, port: Number(url.port) };
}

/**
 * POSTs a generated body to `<baseUrl>/upload` over its own connection, with
 * backpressure (and optional pacing). Stops sending as soon as a response
 * arrives, like a browser does. Never rejects: a broken exchange is status 0.
 */
export function postBody(
  baseUrl: string,
  body: GenBody,
  { pace, timeoutMs = 120_000, onSent, path = '/upload' }: { pace?: Pace; timeoutMs?: number; onSent?: (bytes: number) => void; path?: string } = {},
): Promise<PostResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let sent = 0;
    let done = false;
    let responded = false;
    const chunks: Buffer[] = [];
    const req = http.request({
      ...target(baseUrl),
      path,
      method: 'POST',
      agent: false,
      headers: { 'content-type': body.contentType, 'content-length': String(body.contentLength) },
    });
    const finish = (status: number, clientError?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      // biome-ignore lint/suspicious/noExplicitAny: a test client reads whatever JSON the server sent; each test asserts its shape
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      req.destroy();
      resolve({ status, json, text, clientError, sent, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(0, 'CLIENT_TIMEOUT'), timeoutMs);
    req.on('response', (res) => {
      responded = true;
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => finish(res.statusCode ?? 0));
      res.on('error', (error: NodeJS.ErrnoException) => finish(res.statusCode ?? 0, error.code ?? error.message));
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A reset after the response arrived is the server closing after its answer; the response decides.
      if (!responded) finish(0, error.code ?? error.message);
    });
    void (async () => {
      for (const chunk of body.chunks()) {
        if (done || responded || req.destroyed) return;
        if (pace && sent >= pace.fastBytes) await sleep(pace.delayMs);
        if (done || responded || req.destroyed) return;
        const ok = req.write(chunk);
        sent += chunk.length;
        onSent?.(sent);
        if (!ok) {
          await new Promise<void>((next) => {
            const go = (): void => {
              req.off('drain', go);
              req.off('close', go);
              req.off('response', go);
              next();
            };
            req.on('drain', go);
            req.on('close', go);
            req.on('response', go);
          });
        }
      }
      if (!done && !responded && !req.destroyed) req.end();
    })();
  });
}

/** GETs a path and hashes the body as it streams. */
export function downloadDigest(baseUrl: string, path: string, timeoutMs = 60_000): Promise<{ status: number; size: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ ...target(baseUrl), path, agent: false }, (res) => {
      const hash = createHash('sha256');
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, size, sha256: hash.digest('hex') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${path}: no answer within ${timeoutMs} ms`)));
  });
}

/** The request head of a multipart POST to /upload, as raw bytes. */
export function requestHead(baseUrl: string, body: Pick<GenBody, 'contentType' | 'contentLength'>): Buffer {
  const { host, port } = target(baseUrl);
  return Buffer.from(`POST /upload HTTP/1.1\r\nHost: ${host}:${port}\r\nContent-Type: ${body.contentType}\r\nContent-Length: ${body.contentLength}\r\nConnection: close\r\n\r\n`);
}

/** How a client goes away: a TCP reset, or a plain close (FIN) of both directions. */
export type AbortMode = 'reset' | 'close';

/** A raw connection that has sent part of a request. */
export interface PartialRequest {
  /** Resolves once the kernel has taken every byte (so the server is reading them). */
  written: Promise<void>;
  /** Kills the connection; resolves once it is closed. */
  abort(mode: AbortMode): Promise<void>;
}

/** Sends `bytes` on a fresh connection, and leaves the killing to the caller. */
export function sendPartial(baseUrl: string, bytes: Buffer, timeoutMs = 20_000): PartialRequest {
  const socket = net.connect(target(baseUrl));
  socket.on('error', () => {});
  socket.on('data', () => {});
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const written = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not read ${bytes.length} bytes within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () =>
      socket.write(bytes, () => {
        clearTimeout(timer);
        resolve();
      }),
    );
    void closed.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    written,
    async abort(mode) {
      if (!socket.destroyed) {
        if (mode === 'reset') socket.resetAndDestroy();
        else socket.destroy();
      }
      await closed;
    },
  };
}

/** Whether a TCP connection to the server is refused right now. */
export function connectionRefused(baseUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(target(baseUrl));
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}
