import type { PartLimit } from '../limits/limits.js';
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

/** Which count-based limit a part broke (decided by the limits module's PartCounter). */
export type ParserLimit = PartLimit;

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
 * what lets the parser be swapped (Sluice's own, busboy) and measured.
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
