import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bounds on reading the rest of a failed request's body. */
export interface DrainOptions {
  /** Give up and close the connection after this long. Default 5000 ms. */
  timeoutMs?: number;
  /** Give up and close the connection after discarding this many bytes. Default 8 MiB. */
  maxBytes?: number;
}

/** The defaults of {@link DrainOptions}. */
export const DEFAULT_DRAIN: Readonly<Required<DrainOptions>> = Object.freeze({ timeoutMs: 5_000, maxBytes: 8 * 1024 * 1024 });

type Socket = NonNullable<IncomingMessage['socket']>;

/**
 * Makes sure a client that is still sending gets the error response instead
 * of a TCP reset (Apache's and Go's "lingering close").
 *
 * Node closes the socket of a `Connection: close` response the moment the
 * response is written, while upload bytes are still arriving; the kernel
 * answers them with a reset, which can wipe the unread response out of the
 * client's buffers. So: once the response is written, half-close (the client
 * sees the end of the response), read and discard the rest of the body within
 * `timeoutMs` / `maxBytes`, and only then close. A client that keeps sending
 * past either bound has its connection destroyed.
 */
export function discardAfterResponse(req: IncomingMessage, res: ServerResponse, options: DrainOptions = {}): void {
  const maybeSocket = req.socket as Socket | null;
  if (!maybeSocket || maybeSocket.destroyed || req.readableEnded || req.destroyed) return;
  const socket: Socket = maybeSocket;
  // Already arranged for this connection.
  if (Object.hasOwn(socket, 'destroySoon')) return;
  const { timeoutMs, maxBytes } = { ...DEFAULT_DRAIN, ...options };
  let closeWanted = false;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let discarded = 0;

  // Node calls destroySoon() on this socket when the response finishes; defer it.
  socket.destroySoon = function deferDestroySoon(): void {
    closeWanted = true;
    if (socket.writable) socket.end();
  };

  const restore = (): void => {
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', done);
    socket.off('close', restore);
    res.off('finish', start);
    res.off('close', start);
    // Back to the prototype's method.
    delete (socket as Partial<Socket>).destroySoon;
  };
  const onData = (chunk: Buffer): void => {
    discarded += chunk.length;
    if (discarded > maxBytes) giveUp();
  };
  function done(): void {
    restore();
    if (closeWanted && !socket.destroyed) socket.destroySoon();
  }
  function giveUp(): void {
    restore();
    socket.destroy();
  }
  function start(): void {
    if (started) return;
    started = true;
    if (socket.destroyed) return restore();
    if (req.readableEnded) return done();
    timer = setTimeout(giveUp, timeoutMs);
    timer.unref();
    // Whoever read the body before is done with it (e.g. a Node-to-Web stream
    // bridge that would pause the request again on every chunk); Node's own
    // IncomingMessage._dump() does the same before discarding a body.
    req.removeAllListeners('data');
    req.on('data', onData);
    req.once('end', done);
    req.resume();
  }

  socket.once('close', restore);
  if (res.writableFinished) start();
  else {
    res.once('finish', start);
    // A response that closes without finishing (client gone) has nothing to protect.
    res.once('close', start);
  }
}
