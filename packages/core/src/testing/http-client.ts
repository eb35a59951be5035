import http from 'node:http';
import net from 'node:net';

/** One request a test sends to `POST <path>`. */
export interface TestRequest {
  path?: string;
  headers: Record<string, string>;
  body: Buffer;
  /** Send without Content-Length (Transfer-Encoding: chunked). */
  chunked?: boolean;
  /** Bytes per write; the body goes out in pieces like a real upload. Default 64 KiB. */
  chunkSize?: number;
}

/** What came back, or how the exchange failed on the client side. */
export interface TestResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body parsed as JSON, when it is JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON the server sent (error.code, files ...)
  json: any;
  /** A client-side error code seen during the exchange (EPIPE, ECONNRESET ...), if any. */
  clientError: string | undefined;
}

/** How a shared HTTP case reaches an app: a real socket, or a `fetch`-style function. */
export interface HttpTransport {
  /** Sends a request and resolves with the response; rejects only when no response came. */
  send(request: TestRequest, timeoutMs?: number): Promise<TestResponse>;
  /**
   * Sends the headers and the first `afterBytes` bytes of the body, waits for
   * `beforeAbort`, then kills the connection (or errors the body stream).
   */
  sendAndAbort(request: TestRequest, afterBytes: number, beforeAbort: () => Promise<void>): Promise<void>;
}

function flatHeaders(headers: http.IncomingHttpHeaders | Headers): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers)
    headers.forEach((value, name) => {
      out[name] = value;
    });
  else for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: see TestResponse.json
function parseJson(body: Buffer, contentType: string | undefined): any {
  if (!contentType?.includes('json')) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Builds a {@link TestResponse}. */
export function testResponse(status: number, headers: http.IncomingHttpHeaders | Headers, body: Buffer, clientError?: string): TestResponse {
  const flat = flatHeaders(headers);
  return { status, headers: flat, body, json: parseJson(body, flat['content-type']), clientError };
}

/** A transport over real TCP to `baseUrl` (e.g. `http://127.0.0.1:PORT`), with `node:http` and `node:net`. */
export function socketTransport(baseUrl: string): HttpTransport {
  const url = new URL(baseUrl);
  const port = Number(url.port);
  const host = url.hostname;
  return {
    send(request, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        let clientError: string | undefined;
        const headers = { ...request.headers };
        if (!request.chunked) headers['content-length'] = String(request.body.length);
        const req = http.request({ host, port, method: 'POST', path: request.path ?? '/upload', headers, agent: false });
        const timer = setTimeout(() => {
          req.destroy();
          reject(new Error(`no response within ${timeoutMs} ms (the server hangs)`));
        }, timeoutMs);
        req.on('error', (error: NodeJS.ErrnoException) => {
          clientError = error.code ?? error.message;
        });
        let answered = false;
        req.on('close', () => {
          if (!answered) {
            clearTimeout(timer);
            reject(new Error(`connection closed without a response (${clientError ?? 'no error'})`));
          }
        });
        req.on('response', (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', () => {});
          res.on('close', () => {
            clearTimeout(timer);
            // Let a write error that races the response surface first.
            setImmediate(() => resolve(testResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks), clientError)));
          });
        });
        writeBody(req, request.body, request.chunkSize ?? 64 * 1024);
      });
    },
    sendAndAbort(request, afterBytes, beforeAbort) {
      return new Promise((resolve, reject) => {
        const socket = net.connect(port, host);
        socket.on('error', () => {});
        socket.on('connect', () => {
          const head = [`POST ${request.path ?? '/upload'} HTTP/1.1`, `Host: ${host}:${port}`, `Content-Length: ${request.body.length}`];
          for (const [name, value] of Object.entries(request.headers)) head.push(`${name}: ${value}`);
          socket.write(`${head.join('\r\n')}\r\n\r\n`);
          socket.write(request.body.subarray(0, afterBytes));
          beforeAbort().then(
            () => {
              socket.destroy();
              resolve();
            },
            (error: unknown) => {
              socket.destroy();
              reject(error);
            },
          );
        });
      });
    },
  };
}

function writeBody(req: http.ClientRequest, body: Buffer, chunkSize: number): void {
  let offset = 0;
  const pump = (): void => {
    while (offset < body.length) {
      const chunk = body.subarray(offset, offset + chunkSize);
      offset += chunk.length;
      if (!req.write(chunk)) {
        req.once('drain', pump);
        return;
      }
    }
    req.end();
  };
  req.on('error', () => {});
  pump();
}

/**
 * A transport that calls a Fetch-style handler directly (Hono's `app.fetch`,
 * a Worker's `fetch`) with a `Request` whose body is a Web ReadableStream.
 */
export function fetchTransport(fetchFn: (request: Request) => Response | Promise<Response>, origin = 'http://localhost'): HttpTransport {
  const toRequest = (request: TestRequest, body: ReadableStream<Uint8Array>, signal?: AbortSignal): Request => {
    const headers = new Headers(request.headers);
    if (!request.chunked) headers.set('content-length', String(request.body.length));
    return new Request(new URL(request.path ?? '/upload', origin), { method: 'POST', headers, body, duplex: 'half', signal } as RequestInit);
  };
  return {
    async send(request, timeoutMs = 10_000) {
      const size = request.chunkSize ?? 64 * 1024;
      let offset = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= request.body.length) return controller.close();
          controller.enqueue(new Uint8Array(request.body.subarray(offset, offset + size)));
          offset += size;
        },
      });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no response within ${timeoutMs} ms (the handler hangs)`)), timeoutMs);
      });
      try {
        const response = await Promise.race([fetchFn(toRequest(request, body)), timeout]);
        const bytes = Buffer.from(await Promise.race([response.arrayBuffer(), timeout]));
        return testResponse(response.status, response.headers, bytes);
      } finally {
        clearTimeout(timer);
      }
    },
    async sendAndAbort(request, afterBytes, beforeAbort) {
      const controller = new AbortController();
      const body = new ReadableStream<Uint8Array>({
        start(stream) {
          stream.enqueue(new Uint8Array(request.body.subarray(0, afterBytes)));
          void beforeAbort().finally(() => {
            controller.abort(new Error('client went away'));
            stream.error(new Error('client went away'));
          });
        },
      });
      try {
        await fetchFn(toRequest(request, body, controller.signal));
      } catch {
        // The abort may surface as a rejected fetch: that is the point.
      }
    },
  };
}
