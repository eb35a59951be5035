import type { Readable } from 'node:stream';

/** What the parser tells the engine about a file part as it begins. */
export interface FilePartInfo {
  /** The part's field name ('' when the part had none). */
  field: string;
  /** The client's file name, decoded as UTF-8; `undefined` when absent. */
  filename: string | undefined;
  /** The part's declared Content-Type. */
  mimeType: string;
}

/**
 * Where the engine wants a file's bytes: `feed` takes the next chunk and
 * returns false when the source should wait for `onWantMore`; `finish` says
 * the file is complete. (The engine's per-file stage, FileTap, is one.)
 */
export interface FileSink {
  feed(chunk: Buffer): boolean;
  finish(): void;
  onWantMore: () => void;
}

/**
 * A file stream that can skip its own Readable buffer: once `feedInto(sink)`
 * is called, the parser hands every later chunk of the file straight to the
 * sink (and ends it), and the stream itself carries only errors and 'close'.
 * Optional: a parser that hands out plain Readables is read with 'data'.
 */
export interface DirectFileStream extends Readable {
  feedInto(sink: FileSink): void;
}

/** True when `stream` offers {@link DirectFileStream.feedInto}. */
export function isDirectFileStream(stream: Readable): stream is DirectFileStream {
  return typeof (stream as Partial<DirectFileStream>).feedInto === 'function';
}

/** Which count-based limit the parser saw exceeded. */
export type ParserLimit = 'files' | 'fields' | 'parts' | 'headerPairs';

/** Callbacks from a parser to the engine. */
export interface PartParserEvents {
  /** A file part began. `stream` yields its bytes and must be consumed or destroyed. */
  onFile(stream: Readable, info: FilePartInfo): void;
  /** A text field arrived whole. `truncated` means it exceeded the parser's own cut-off. */
  onField(name: string, value: string, info: { nameTruncated: boolean; valueTruncated: boolean }): void;
  /** A count limit was exceeded. */
  onLimit(limit: ParserLimit): void;
  /** The body is malformed (or a part stream failed). */
  onError(error: Error): void;
  /** Every part has been parsed and every file stream has ended. */
  onFinish(): void;
}

/**
 * The seam between the engine and a multipart parser: bytes in, parts out,
 * with backpressure. `write` returns false when the caller should wait for
 * `onDrain` before writing more. Keeping the engine behind this interface is
 * what lets the parser be swapped (busboy, @fastify/busboy) and measured.
 */
export interface PartParser {
  write(chunk: Buffer): boolean;
  /** No more bytes will come. */
  end(): void;
  /** Registers the single drain callback. */
  onDrain(callback: () => void): void;
  /** Stops parsing at once; safe to call more than once and from any callback. */
  destroy(): void;
}
