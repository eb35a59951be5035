import net from 'node:net';

/**
 * One thing the raw client does, in order. Malformed framing, drips, stalls and
 * half-closes cannot be expressed with `fetch` or `http.request`, so a case is
 * a script of exact bytes and pauses on a bare TCP socket.
 */
export type RawStep =
  /** Write bytes (waiting for the socket to drain, like a real upload). */
  | { kind: 'write'; data: Buffer }
  /** Write `data` a few bytes at a time with a pause between writes (slowloris). */
  | { kind: 'drip'; data: Buffer; bytesPerWrite: number; intervalMs: number }
  /** Do nothing for a while (a client that stalls). */
  | { kind: 'wait'; ms: number }
  /** Wait until a final (non-1xx) response is complete, or `ms` passed. */
  | { kind: 'awaitResponse'; ms: number }
  /** Wait until `100 Continue` or a final response arrived, or `ms` passed (what a client sending `Expect: 100-continue` does). */
  | { kind: 'awaitContinue'; ms: number }
  /** Wait until `condition()` holds (polled every 10 ms), or `ms` passed; e.g. until the server has read enough. */
  | { kind: 'until'; condition: () => boolean; ms: number }
  /** Half-close: send FIN and keep reading (`socket.end()`). */
  | { kind: 'end' }
  /** Vanish: destroy the socket (the client aborted). */
  | { kind: 'destroy' };

/** Shorthands for {@link RawStep}s. */
export const step = {
  write: (data: Buffer | string): RawStep => ({ kind: 'write', data: Buffer.from(data) }),
  drip: (data: Buffer | string, bytesPerWrite: number, intervalMs: number): RawStep => ({ kind: 'drip', data: Buffer.from(data), bytesPerWrite, intervalMs }),
  wait: (ms: number): RawStep => ({ kind: 'wait', ms }),
  awaitResponse: (ms: number): RawStep => ({ kind: 'awaitResponse', ms }),
  awaitContinue: (ms: number): RawStep => ({ kind: 'awaitContinue', ms }),
  until: (condition: () => boolean, ms: number): RawStep => ({ kind: 'until', condition, ms }),
  end: (): RawStep => ({ kind: 'end' }),
  destroy: (): RawStep => ({ kind: 'destroy' }),
};

/** What came back over the socket. */
export interface RawResponse {
  /** The final status, or `undefined` when no complete final status line arrived. */
  status: number | undefined;
  /** The final response's headers, lower-cased; repeated names joined with ", ". */
  headers: Record<string, string>;
  /** The final response's body, de-chunked. */
  body: Buffer;
  /** The body parsed as JSON when it parses, else `undefined`. */
  // biome-ignore lint/suspicious/noExplicitAny: a test client reads whatever JSON the server sent; each test asserts its shape
  json: any;
  /** Statuses of interim (1xx) responses, in order, e.g. `[100]`. */
  informational: number[];
  /** True when the final response arrived whole (by its Content-Length, chunked framing, or close). */
  complete: boolean;
  /** True when the connection was reset (ECONNRESET/EPIPE) before a complete final response. */
  resetBeforeResponse: boolean;
  /** True when the server closed (or reset) the connection during the exchange. */
  closedByServer: boolean;
  /** The first socket error code, if any (ECONNRESET, EPIPE ...). */
  socketError: string | undefined;
  /** True when the exchange hit its overall timeout (the server hangs). */
  timedOut: boolean;
  /** Bytes written (head and body) when the first byte of the final response arrived; all written bytes if none did. */
  bytesSentBeforeResponse: number;
  /** Bytes written in all. */
  bytesSent: number;
  /** Milliseconds from connect to the complete final response (or to the end of the exchange). */
  elapsedMs: number;
  /** Every byte received, for diagnostics. */
  raw: Buffer;
}

/** One exchange on a fresh connection. */
export interface RawExchange {
  port: number;
  host?: string;
  steps: readonly RawStep[];
  /** The whole exchange, from connect to the response, must fit in this. */
  timeoutMs: number;
  /** Keep writing after a final response arrived (default true: clients such as `http.request` and curl do). */
  writeAfterResponse?: boolean;
}

interface Parsed {
  status: number | undefined;
  headers: Record<string, string>;
  body: Buffer;
  informational: number[];
  complete: boolean;
  /** Where the final response began in the received bytes (-1: not yet). */
  finalStart: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * Parses what has been received so far. `closed` tells whether the server
 * has ended the stream, which completes a body framed by the close.
 */
export function parseResponse(raw: Buffer, closed: boolean): Parsed {
  const informational: number[] = [];
  let offset = 0;
  for (;;) {
    const end = raw.indexOf(HEADER_END, offset);
    if (end < 0)
      return {
        status: undefined,
        headers: {},
        body: Buffer.alloc(0),
        informational,
        complete: false,
        finalStart: offset < raw.length && !raw.subarray(offset).toString('latin1').startsWith('HTTP/1.1 1') ? offset : -1,
      };
    const head = raw.subarray(offset, end).toString('latin1').split('\r\n');
    const match = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(head[0] ?? '');
    if (!match) return { status: undefined, headers: {}, body: Buffer.alloc(0), informational, complete: false, finalStart: offset };
    const status = Number(match[1]);
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    const bodyStart = end + HEADER_END.length;
    if (status >= 100 && status < 200) {
      informational.push(status);
      offset = bodyStart;
      continue;
    }
    const rest = raw.subarray(bodyStart);
    if (status === 204 || status === 304) return { status, headers, body: Buffer.alloc(0), informational, complete: true, finalStart: offset };
    if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const { body, complete } = dechunk(rest);
      return { status, headers, body, informational, complete, finalStart: offset };
    }
    if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      return { status, headers, body: rest.subarray(0, length), informational, complete: rest.length >= length, finalStart: offset };
    }
    return { status, headers, body: rest, informational, complete: closed, finalStart: offset };
  }
}

function dechunk(data: Buffer): { body: Buffer; complete: boolean } {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) return { body: Buffer.concat(parts), complete: false };
    const size = parseInt(data.subarray(offset, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (Number.isNaN(size)) return { body: Buffer.concat(parts), complete: false };
    if (size === 0) return { body: Buffer.concat(parts), complete: data.indexOf('\r\n\r\n', lineEnd) >= 0 };
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return { body: Buffer.concat([...parts, data.subarray(start, Math.min(data.length, start + size))]), complete: false };
    parts.push(data.subarray(start, start + size));
    offset = start + size + 2;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: a test client reads whatever JSON the server sent; each test asserts its shape
function parseJson(body: Buffer): any {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one exchange: connects, plays the steps, and reads the raw response.
 * Never rejects: every failure (reset, hang, close) is reported in the result
 * so a case can assert on it.
 */
export function rawExchange(exchange: RawExchange): Promise<RawResponse> {
  const { port, host = '127.0.0.1', steps, timeoutMs, writeAfterResponse = true } = exchange;
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ port, host });
    socket.setNoDelay(true);
    const received: Buffer[] = [];
    let raw = Buffer.alloc(0);
    let parsed: Parsed = parseResponse(raw, false);
    let closed = false;
    let socketError: string | undefined;
    let resetBeforeResponse = false;
    let bytesSent = 0;
    let bytesSentBeforeResponse: number | undefined;
    let respondedAt: number | undefined;
    let stepsDone = false;
    let settled = false;
    const waiters = new Set<() => void>();
    const wake = (): void => {
      for (const waiter of [...waiters]) waiter();
    };

    const finish = (timedOut: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      wake();
      resolve({
        status: parsed.status,
        headers: parsed.headers,
        body: parsed.body,
        json: parseJson(parsed.body),
        informational: parsed.informational,
        complete: parsed.complete,
        resetBeforeResponse,
        closedByServer: closed,
        socketError,
        timedOut,
        bytesSentBeforeResponse: bytesSentBeforeResponse ?? bytesSent,
        bytesSent,
        elapsedMs: (respondedAt ?? Date.now()) - started,
        raw,
      });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    const maybeFinish = (): void => {
      if (closed || (stepsDone && parsed.complete && parsed.status !== undefined)) finish(false);
    };

    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      raw = Buffer.concat(received);
      parsed = parseResponse(raw, false);
      if (parsed.finalStart >= 0 && bytesSentBeforeResponse === undefined) bytesSentBeforeResponse = bytesSent;
      if (parsed.complete && parsed.status !== undefined && respondedAt === undefined) respondedAt = Date.now();
      wake();
      maybeFinish();
    });
    const onGone = (): void => {
      if (closed) return;
      closed = true;
      parsed = parseResponse(raw, true);
      if (parsed.complete && parsed.status !== undefined && respondedAt === undefined) respondedAt = Date.now();
      wake();
      // Let a pending step notice; finish once the steps have had their say.
      setImmediate(maybeFinish);
    };
    socket.on('end', onGone);
    socket.on('close', onGone);
    socket.on('error', (error: NodeJS.ErrnoException) => {
      socketError ??= error.code ?? error.message;
      if ((error.code === 'ECONNRESET' || error.code === 'EPIPE') && !(parsed.complete && parsed.status !== undefined)) resetBeforeResponse = true;
    });

    const waitFor = (condition: () => boolean, ms: number): Promise<void> =>
      new Promise((done) => {
        if (condition() || settled) return done();
        const timeout = setTimeout(stop, ms);
        function check(): void {
          if (condition() || settled) stop();
        }
        function stop(): void {
          clearTimeout(timeout);
          waiters.delete(check);
          done();
        }
        waiters.add(check);
      });

    const responded = (): boolean => parsed.complete && parsed.status !== undefined;
    const stopWriting = (): boolean => settled || closed || socket.destroyed || !socket.writable || (!writeAfterResponse && responded());

    const write = (data: Buffer): Promise<void> =>
      new Promise((done) => {
        if (stopWriting()) return done();
        bytesSent += data.length;
        if (socket.write(data)) return done();
        const onDrain = (): void => {
          socket.off('close', onDrain);
          done();
        };
        socket.once('drain', onDrain);
        socket.once('close', onDrain);
      });

    const play = async (): Promise<void> => {
      await new Promise<void>((connected) => {
        socket.once('connect', () => connected());
        socket.once('close', () => connected());
      });
      for (const current of steps) {
        if (settled) return;
        switch (current.kind) {
          case 'write':
            // Large writes go in 64 KiB pieces so that a response can interleave.
            for (let offset = 0; offset < current.data.length && !stopWriting(); offset += 64 * 1024) await write(current.data.subarray(offset, offset + 64 * 1024));
            break;
          case 'drip':
            for (let offset = 0; offset < current.data.length && !stopWriting(); offset += current.bytesPerWrite) {
              await write(current.data.subarray(offset, offset + current.bytesPerWrite));
              await sleep(current.intervalMs);
            }
            break;
          case 'wait':
            await waitFor(() => closed, current.ms);
            break;
          case 'awaitResponse':
            await waitFor(() => responded() || closed, current.ms);
            break;
          case 'awaitContinue':
            await waitFor(() => parsed.informational.length > 0 || responded() || closed, current.ms);
            break;
          case 'until': {
            const deadline = Date.now() + current.ms;
            while (!current.condition() && Date.now() < deadline && !closed && !settled) await sleep(10);
            break;
          }
          case 'end':
            if (!socket.destroyed && socket.writable) socket.end();
            break;
          case 'destroy':
            socket.destroy();
            break;
        }
      }
    };
    void play().then(() => {
      stepsDone = true;
      maybeFinish();
    });
  });
}
