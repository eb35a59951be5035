import { Readable } from 'node:stream';

/**
 * The stream of one file part's bytes, handed to the engine. The parser
 * pushes slices of the request's chunks into it; `_read` (the consumer wants
 * more) is reported back so that a paused request can be resumed.
 */
export class FilePartStream extends Readable {
  /** @param onRead called whenever the consumer asks for more bytes. */
  constructor(private readonly onRead: (stream: FilePartStream) => void) {
    super();
  }

  override _read(): void {
    this.onRead(this);
  }
}

/**
 * Backpressure across the file streams of one body: `write` must return false
 * while any stream refused a push (its buffer is full), and the drain
 * callback runs once every such stream has been read from, has ended or was
 * destroyed. (A stream that ends right after refusing a push is never asked
 * to `_read` again, so its 'end' and 'close' count as well; without that a
 * paused request would never resume.)
 */
export class DrainGate {
  private readonly blocked = new Set<Readable>();
  private owed = false;
  private writing = false;
  private callback: (() => void) | undefined;

  /** Registers the single drain callback. */
  onDrain(callback: () => void): void {
    this.callback = callback;
  }

  /** A write begins: releases during it do not call back (write's return value tells). */
  beginWrite(): void {
    this.writing = true;
  }

  /** The write ended: true when the writer may go on, false when it must wait for the drain callback. */
  endWrite(): boolean {
    this.writing = false;
    if (this.blocked.size === 0) return true;
    this.owed = true;
    return false;
  }

  /** `stream` refused a push. */
  block(stream: Readable): void {
    this.blocked.add(stream);
  }

  /** `stream` was read from, ended or closed: it holds nothing back any more. */
  release(stream: Readable): void {
    if (!this.blocked.delete(stream) || this.writing || !this.owed || this.blocked.size > 0) return;
    this.owed = false;
    this.callback?.();
  }
}
