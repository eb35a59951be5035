import { type FormCharset, textCharsetLabel, utf8Else } from './charsets.js';
import { fieldNameOf, fileNameOf, parseContentDisposition } from './content-disposition.js';
import { parsePartContentType } from './part-content-type.js';
import type { PartHeaders } from './part-headers.js';

/** What a part is, read from its headers: everything the engine needs to route it. */
export interface FormPart {
  /** The field name, decoded (see {@link fieldNameOf}); '' when the part has none. */
  name: string;
  /** The client's file name, decoded (see {@link fileNameOf}); '' for `filename=""`; `undefined` when the part names no file. */
  filename: string | undefined;
  /** The declared media type, lowercased; `text/plain` when absent or unreadable (RFC 7578 §4.4, busboy 1.6). */
  mimeType: string;
  /** The charset label to decode a text field's value with (`FieldCollector.value`). */
  charset: string;
  /** True when the part is a file (see {@link isFilePart}). */
  isFile: boolean;
}

/**
 * A part is a file when it has a `filename` parameter, whatever its
 * Content-Type (an empty one too: `new File([bytes], "", { type:
 * "text/plain" })` is still a file, and reading it as text would lose its
 * bytes), or when it is declared `application/octet-stream` (busboy 1.6's
 * rule, for blobs appended without a name).
 */
export function isFilePart(filename: string | undefined, mimeType: string): boolean {
  return filename !== undefined || mimeType === 'application/octet-stream';
}

/**
 * True when a part may be a file input the user left empty: browsers send
 * those as `filename=""` with no bytes. Whether it is one is known only at
 * the end of its body: with no bytes it is skipped (not a file, not counted
 * against `files`); with bytes it is a file with an empty name.
 */
export function mayBeUnchosenFileInput(part: FormPart): boolean {
  return part.isFile && part.filename === '';
}

/**
 * Reads a part's headers as the engine routes it, or `undefined` when the
 * part does not have exactly one `form-data` Content-Disposition (malformed).
 * Names are decoded in `charset`, the form's charset; text fields that
 * declare no charset in `values` (`undefined`: UTF-8, as RFC 7578 §4.5 and
 * busboy have it).
 */
export function describePart(headers: PartHeaders, charset: FormCharset = utf8Else(), values?: FormCharset): FormPart | undefined {
  if (headers.dispositions.length !== 1) return undefined;
  const disposition = parseContentDisposition(headers.dispositions[0]!);
  if (disposition?.type !== 'form-data') return undefined;
  const filename = fileNameOf(disposition, charset);
  const declared = headers.contentType === undefined ? undefined : parsePartContentType(headers.contentType);
  const mimeType = declared?.mimeType ?? 'text/plain';
  return {
    name: fieldNameOf(disposition, charset),
    filename,
    mimeType,
    charset: textCharsetLabel(declared?.charset, values),
    isFile: isFilePart(filename, mimeType),
  };
}
