import { DelimiterScanner, NOT_FOUND } from './delimiter-scanner.js';
import { MALFORMED, NEED_MORE, PartHeaderReader, type PartHeaders } from './part-headers.js';

/** What {@link MultipartFramer} finds in a body, in order. */
export interface MultipartSink {
  /** A part's header block was read; its body follows. */
  onPartStart(headers: PartHeaders): void;
  /** Bytes of the current part's body (slices of the input; copies only where they straddled two chunks). */
  onPartData(data: Buffer): void;
  /** The current part's body ended at a delimiter. */
  onPartEnd(): void;
  /** The close delimiter (`--boundary--`) was read; the rest is epilogue. */
  onClose(): void;
  /** The body is malformed; nothing more is reported. */
  onMalformed(reason: string): void;
}

enum State {
  Preamble,
  AfterDelimiter,
  AfterDash,
  Padding,
  AfterCr,
  Headers,
  Body,
  Epilogue,
}

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;
const SP = 0x20;
const HTAB = 0x09;

const ignore = (): void => {};

/**
 * The multipart/form-data framing (RFC 2046 §5.1.1, RFC 7578) as a state
 * machine over chunks: preamble → delimiter → header block → body →
 * delimiter → ... → close delimiter → epilogue. It only frames; what a part
 * means (field or file, limits) is the sink's business.
 *
 * - The first delimiter is `--boundary` at the very start of the body or
 *   `\r\n--boundary` anywhere; every later one is `\r\n--boundary`. The
 *   preamble before it is skipped by the same linear search (3 MiB of CRLF
 *   cost one pass).
 * - After a delimiter: `--` closes the body; otherwise optional transport
 *   padding (spaces, tabs) and CRLF begin a part. Anything else is malformed:
 *   busboy silently skips such a "delimiter" and every byte up to the next
 *   one, which loses parts without a word.
 * - A part whose body begins with `--boundary` right after its blank line is
 *   malformed: by RFC 2046 that CRLF belongs to a delimiter (an empty part),
 *   busboy reads it otherwise, and honest clients never send it.
 * - The epilogue is ignored, unless it holds `--boundary` again: parts after
 *   the end are a parser differential (another reader may take them).
 */
export class MultipartFramer {
  /** True once the close delimiter was read. */
  closed = false;

  private state = State.Preamble;
  private stopped = false;
  private readonly scanner: DelimiterScanner;
  private readonly epilogue: DelimiterScanner;
  private readonly headers: PartHeaderReader;
  private readonly onData: (data: Buffer) => void;

  /** @param boundary the boundary parameter of the request's Content-Type (1-70 characters). */
  constructor(
    boundary: string,
    private readonly sink: MultipartSink,
  ) {
    const dashBoundary = Buffer.from(`--${boundary}`, 'latin1');
    this.scanner = new DelimiterScanner(Buffer.concat([Buffer.from('\r\n'), dashBoundary]));
    this.scanner.reset(true);
    this.epilogue = new DelimiterScanner(dashBoundary);
    this.headers = new PartHeaderReader(dashBoundary);
    this.onData = (data) => sink.onPartData(data);
  }

  /** Stops at once: later bytes are ignored and nothing more is reported. */
  stop(): void {
    this.stopped = true;
  }

  /** Parses one more chunk of the body. */
  write(chunk: Buffer): void {
    const length = chunk.length;
    let pos = 0;
    while (pos < length && !this.stopped) {
      switch (this.state) {
        case State.Preamble: {
          const end = this.scanner.next(chunk, pos, ignore);
          if (end === NOT_FOUND) return;
          pos = end;
          this.state = State.AfterDelimiter;
          break;
        }
        case State.Body: {
          const end = this.scanner.next(chunk, pos, this.onData);
          if (end === NOT_FOUND || this.stopped) return;
          if (this.scanner.matchedVirtual) return this.fail('a part header block directly followed by a delimiter');
          pos = end;
          this.state = State.AfterDelimiter;
          this.sink.onPartEnd();
          break;
        }
        case State.AfterDelimiter: {
          const byte = chunk[pos++];
          if (byte === DASH) this.state = State.AfterDash;
          else if (byte === CR) this.state = State.AfterCr;
          else if (byte === SP || byte === HTAB) this.state = State.Padding;
          else return this.fail('a delimiter followed by neither CRLF nor "--"');
          break;
        }
        case State.AfterDash: {
          if (chunk[pos++] !== DASH) return this.fail('a delimiter followed by neither CRLF nor "--"');
          this.state = State.Epilogue;
          this.closed = true;
          this.epilogue.reset(false);
          this.sink.onClose();
          break;
        }
        case State.Padding: {
          while (pos < length && (chunk[pos] === SP || chunk[pos] === HTAB)) pos++;
          if (pos === length) return;
          if (chunk[pos++] !== CR) return this.fail('a delimiter followed by neither CRLF nor "--"');
          this.state = State.AfterCr;
          break;
        }
        case State.AfterCr: {
          if (chunk[pos++] !== LF) return this.fail('a delimiter line not ended by CRLF');
          this.state = State.Headers;
          this.headers.reset();
          break;
        }
        case State.Headers: {
          const end = this.headers.push(chunk, pos);
          if (end === NEED_MORE) return;
          if (end === MALFORMED) return this.fail(this.headers.reason);
          pos = end;
          this.state = State.Body;
          // The blank line's CRLF may begin a delimiter: see the class comment.
          this.scanner.reset(true);
          this.sink.onPartStart(this.headers.headers);
          break;
        }
        case State.Epilogue: {
          if (this.epilogue.next(chunk, pos, ignore) !== NOT_FOUND) this.fail('parts after the closing boundary');
          return;
        }
      }
    }
  }

  private fail(reason: string): void {
    this.stopped = true;
    this.sink.onMalformed(reason);
  }
}
