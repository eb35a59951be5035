import { type FormCharset, canonicalCharset, formCharsetFromField, utf8Else } from './charsets.js';
import { type FormPart, describePart, mayBeUnchosenFileInput } from './form-part.js';
import type { MultipartSink } from './multipart-parser.js';
import type { PartHeaders } from './part-headers.js';
import { type TransferDecoder, transferDecoderFor } from './transfer-encoding.js';

/** What {@link FormReader} reports: a {@link MultipartSink} told what each part is. */
export interface FormSink extends MultipartSink {
  /** A part begins; `part` is its reading ({@link describePart}), `undefined` when its disposition is malformed. */
  onPartStart(headers: PartHeaders, part?: FormPart): void;
}

/** Options of {@link FormReader}. */
export interface FormReaderOptions {
  /**
   * The charset of names that are not valid UTF-8 when the form sends no
   * `_charset_` field (a WHATWG encoding label); default `windows-1252`.
   * When set, text fields without a charset are read the same way (by
   * default they are UTF-8, RFC 7578 §4.5).
   */
  defaultCharset?: string;
}

// A `_charset_` value is a short label; more is not a charset name.
const MAX_CHARSET_FIELD_BYTES = 40;

/**
 * Untouched file inputs skipped per body, at most. Skipped parts count
 * against no limit, so past this many a `filename=""` part with no bytes is
 * reported like any other file (and meets the `files` and `parts` limits):
 * a body of nothing but empty parts costs no more than one of tiny files.
 */
export const MAX_SKIPPED_PARTS = 1000;

/**
 * Sits between the framer and the engine and reads a form the way its
 * client meant it, so that what reaches the engine is already right:
 *
 * - Each part is described once ({@link describePart}), with names decoded in
 *   the form's charset: the `_charset_` field (HTML's way of naming the page
 *   encoding, RFC 7578 §4.6; it applies to the parts after it, to names and
 *   to text fields without a charset) or else UTF-8, falling back to
 *   `defaultCharset` for name bytes that are not UTF-8.
 * - A file part with `filename=""` is held back until its first byte: with
 *   none it is an untouched `<input type=file>` and is dropped without a
 *   word (no start, no end); with some it is a file with an empty name.
 *   (At most {@link MAX_SKIPPED_PARTS} are dropped per body.)
 * - A part's `Content-Transfer-Encoding` is undone as the bytes pass
 *   (base64, quoted-printable); an unknown one, or bytes not valid in it,
 *   make the body malformed.
 */
export class FormReader implements MultipartSink {
  /** The charset of names. */
  private charset: FormCharset;
  /** The charset of text fields that declare none; `undefined`: UTF-8. */
  private values: FormCharset | undefined;
  /** A part whose start waits for its first byte (a possible unchosen file input). */
  private held: { headers: PartHeaders; part: FormPart } | undefined;
  private decoder: TransferDecoder | null = null;
  /** The value of a `_charset_` field being read, else undefined. */
  private charsetField: Buffer[] | undefined;
  private charsetFieldBytes = 0;
  private stopped = false;
  private skipped = 0;

  constructor(
    private readonly sink: FormSink,
    options: FormReaderOptions = {},
  ) {
    const fallback = options.defaultCharset === undefined ? undefined : canonicalCharset(options.defaultCharset);
    if (options.defaultCharset !== undefined && fallback === undefined) throw new TypeError(`sluice: unknown charset ${JSON.stringify(options.defaultCharset)}`);
    this.charset = utf8Else(fallback);
    this.values = fallback === undefined ? undefined : this.charset;
  }

  onPartStart(headers: PartHeaders): void {
    const part = describePart(headers, this.charset, this.values);
    this.held = undefined;
    this.charsetField = undefined;
    const decoder = transferDecoderFor(headers.transferEncoding);
    // The client's value, cut short: it goes to logs (the error's cause), never to the client.
    if (decoder === undefined) return this.malformed(`an unsupported Content-Transfer-Encoding (${headers.transferEncoding!.trim().slice(0, 40)})`);
    this.decoder = decoder;
    if (part !== undefined && !part.isFile && part.name === '_charset_') {
      this.charsetField = [];
      this.charsetFieldBytes = 0;
    }
    if (part !== undefined && mayBeUnchosenFileInput(part) && this.skipped < MAX_SKIPPED_PARTS) {
      this.held = { headers, part };
      return;
    }
    this.sink.onPartStart(headers, part);
  }

  onPartData(data: Buffer): void {
    const decoded = this.decoder === null ? data : this.decoder.write(data);
    if (decoded === undefined) return this.malformed('a part body not valid in its Content-Transfer-Encoding');
    this.forward(decoded);
  }

  onPartEnd(): void {
    if (this.decoder !== null) {
      const rest = this.decoder.end();
      this.decoder = null;
      if (rest === undefined) return this.malformed('a part body not valid in its Content-Transfer-Encoding');
      this.forward(rest);
      if (this.stopped) return;
    }
    if (this.held !== undefined) {
      // No byte came: a file input left empty. Not a part at all.
      this.held = undefined;
      this.skipped += 1;
      return;
    }
    if (this.charsetField !== undefined) {
      const value = Buffer.concat(this.charsetField).toString('latin1');
      this.charset = formCharsetFromField(value, this.charset);
      if (this.charset.kind === 'declared') this.values = this.charset;
      this.charsetField = undefined;
    }
    this.sink.onPartEnd();
  }

  onClose(): void {
    this.sink.onClose();
  }

  onMalformed(reason: string): void {
    this.malformed(reason);
  }

  private forward(data: Buffer): void {
    if (data.length === 0 || this.stopped) return;
    if (this.held !== undefined) {
      const { headers, part } = this.held;
      this.held = undefined;
      this.sink.onPartStart(headers, part);
    }
    if (this.charsetField !== undefined && this.charsetFieldBytes <= MAX_CHARSET_FIELD_BYTES) {
      this.charsetField.push(Buffer.from(data.subarray(0, MAX_CHARSET_FIELD_BYTES + 1)));
      this.charsetFieldBytes += data.length;
    }
    this.sink.onPartData(data);
  }

  private malformed(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    this.sink.onMalformed(reason);
  }
}
