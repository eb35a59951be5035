/**
 * The limits module: every limit Sluice enforces, its default, its error, and
 * the one place each is decided. Parsers report what they saw (a part began,
 * its header lines, a value cut off past its limit); the checks below decide.
 *
 * | limit            | code                    | decided where                                                                     |
 * | ---------------- | ----------------------- | --------------------------------------------------------------------------------- |
 * | `totalSize`      | `LIMIT_TOTAL_SIZE`      | {@link exceedsDeclaredLength} on the headers, then every body chunk (session/body-reader.ts) |
 * | `urlencodedSize` | `LIMIT_URLENCODED_SIZE` | the same, for a urlencoded body when smaller than `totalSize` ({@link bodyByteLimit}) |
 * | `fileSize`       | `LIMIT_FILE_SIZE`       | every chunk of a file, in its FileTap (file/file-tap.ts)                         |
 * | `headerPairs`    | `LIMIT_HEADER_PAIRS`    | {@link PartCounter.tooManyHeaderLines} when a part's headers are complete         |
 * | `files`          | `LIMIT_FILES`           | {@link PartCounter.begin} when a file part begins                                |
 * | `fields`         | `LIMIT_FIELDS`          | {@link PartCounter.begin} when a field part begins                               |
 * | `parts`          | `LIMIT_PARTS`           | {@link PartCounter.begin}, after the files/fields count                          |
 * | `fieldNameSize`  | `LIMIT_FIELD_NAME_SIZE` | {@link fieldNameError} when a file or field part is reported                     |
 * | `fieldSize`      | `LIMIT_FIELD_SIZE`      | {@link fieldValueError} when a field is complete                                 |
 *
 * "Exactly the limit" is always accepted; one more is refused with 413.
 * Parsers buffer a field value or name at most one unit past its limit, so
 * that "over" is a fact they can report (`valueTruncated`, `nameTruncated`).
 */
import { UploadError } from '../errors/upload-error.js';
/**
 * Every limit Sluice enforces while the body streams. A value of `Infinity`
 * turns a limit off. "Exactly the limit" is always accepted; one more is
 * refused with a 413.
 */
export interface UploadLimits {
  /** Bytes of one file. Default 100 MiB. */
  fileSize: number;
  /** Bytes of the whole request body, formaline's `uploadThreshold`. Default 1 GiB. */
  totalSize: number;
  /** Number of files. Default 100. */
  files: number;
  /** Number of text fields. Default 1000. */
  fields: number;
  /** Bytes of one text field's value. Default 1 MiB. */
  fieldSize: number;
  /** Bytes of one field (or file field) name. Default 200. */
  fieldNameSize: number;
  /** Number of parts (files + fields + unnamed parts). Default 1100. */
  parts: number;
  /**
   * Header lines of one part (`LIMIT_HEADER_PAIRS`). busboy 1.6 keeps at most
   * 1999 lines of a part (ignoring the rest) and refuses a part header block
   * over 16 KiB with 400, so values from 1999 up act as those caps.
   */
  headerPairs: number;
  /** Bytes of an `application/x-www-form-urlencoded` body (formaline's serialized-field threshold). Default 1 MiB. */
  urlencodedSize: number;
}

const MiB = 1024 * 1024;

/** The defaults: generous for real uploads, small enough that a stranger cannot fill a disk with one request. */
export const DEFAULT_LIMITS: Readonly<UploadLimits> = Object.freeze({
  fileSize: 100 * MiB,
  totalSize: 1024 * MiB,
  files: 100,
  fields: 1000,
  fieldSize: 1 * MiB,
  fieldNameSize: 200,
  parts: 1100,
  headerPairs: 2000,
  urlencodedSize: 1 * MiB,
});

/** Fills in defaults and refuses nonsense (negative, fractional, NaN) at start-up. */
export function resolveLimits(partial: Partial<UploadLimits> = {}): UploadLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [name, value] of Object.entries(partial) as Array<[keyof UploadLimits, unknown]>) {
    if (!(name in DEFAULT_LIMITS)) throw new TypeError(`sluice: unknown limit "${name}"`);
    if (value === undefined) continue;
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (Number.isFinite(value) && !Number.isInteger(value))) {
      throw new TypeError(`sluice: limits.${name} must be a whole number >= 0 or Infinity, got ${String(value)}`);
    }
    limits[name] = value;
  }
  return limits;
}

/** A limit with a count or size, by name. */
export type LimitName = keyof UploadLimits;

const LIMIT_CODES = {
  fileSize: 'LIMIT_FILE_SIZE',
  totalSize: 'LIMIT_TOTAL_SIZE',
  files: 'LIMIT_FILES',
  fields: 'LIMIT_FIELDS',
  fieldSize: 'LIMIT_FIELD_SIZE',
  fieldNameSize: 'LIMIT_FIELD_NAME_SIZE',
  parts: 'LIMIT_PARTS',
  headerPairs: 'LIMIT_HEADER_PAIRS',
  urlencodedSize: 'LIMIT_URLENCODED_SIZE',
} as const satisfies Record<LimitName, string>;

/** The error for going over limit `name`: its code, 413, and `{ limit, max }` in the details. */
export function limitError(name: LimitName, max: number, details: Record<string, unknown> = {}): UploadError {
  return new UploadError(LIMIT_CODES[name], { details: { limit: name, max, ...details } });
}

/** The byte limit of a whole body: `totalSize`, or `urlencodedSize` when that is smaller for a urlencoded body. */
export interface BodyByteLimit {
  max: number;
  limit: 'totalSize' | 'urlencodedSize';
}

/** Which byte limit holds for a whole body of this kind. */
export function bodyByteLimit(kind: 'multipart' | 'urlencoded' | 'raw', limits: UploadLimits): BodyByteLimit {
  if (kind === 'urlencoded' && limits.urlencodedSize < limits.totalSize) return { max: limits.urlencodedSize, limit: 'urlencodedSize' };
  return { max: limits.totalSize, limit: 'totalSize' };
}

/** The error for a declared Content-Length over the body limit (formaline's checkContentLength), else `undefined`. */
export function exceedsDeclaredLength(contentLength: number | undefined, bound: BodyByteLimit): UploadError | undefined {
  return contentLength !== undefined && contentLength > bound.max ? limitError(bound.limit, bound.max) : undefined;
}

/** The count limits a part can break when it begins, as parsers report them. */
export type PartLimit = 'files' | 'fields' | 'parts' | 'headerPairs';

/**
 * Counts parts as they begin and says which count limit the new part breaks,
 * checked in busboy's order: its header lines, then files or fields, then
 * parts. Once it has answered a limit, the parser stops. Both engines'
 * adapters report to one counter per request.
 */
export class PartCounter {
  private files = 0;
  private fields = 0;
  private parts = 0;

  constructor(private readonly limits: UploadLimits) {}

  /** True when a part's header block has more lines than `headerPairs` (checked first, before its disposition is read). */
  tooManyHeaderLines(lines: number): boolean {
    return lines > this.limits.headerPairs;
  }

  /** A file or field part began: counts it, or names the count limit it breaks. */
  begin(isFile: boolean): PartLimit | undefined {
    if (isFile) {
      if (this.files >= this.limits.files) return 'files';
      this.files += 1;
    } else {
      if (this.fields >= this.limits.fields) return 'fields';
      this.fields += 1;
    }
    return ++this.parts > this.limits.parts ? 'parts' : undefined;
  }
}

/**
 * The error for a part's field name, or `undefined` when it is acceptable.
 * RFC 7578 section 4.2: every part must have a name; a nameless part is what
 * crashed multer (CVE-2025-48997), here it is simply malformed.
 */
export function fieldNameError(name: string, truncated: boolean, limits: UploadLimits): UploadError | undefined {
  if (name === '') return new UploadError('MALFORMED_REQUEST', { message: 'A form part has no field name' });
  const max = limits.fieldNameSize;
  // Characters <= UTF-8 bytes <= 3 x characters: measure only when it can matter.
  if (!truncated && (name.length <= max / 3 || Buffer.byteLength(name) <= max)) return undefined;
  return limitError('fieldNameSize', max);
}

/** The error for a text field's value over `fieldSize` (in UTF-8 bytes), or `undefined`. */
export function fieldValueError(name: string, value: string, truncated: boolean, limits: UploadLimits): UploadError | undefined {
  const max = limits.fieldSize;
  if (!truncated && (value.length <= max / 3 || Buffer.byteLength(value) <= max)) return undefined;
  return limitError('fieldSize', max, { field: name });
}

/** One unit past `max`: where a parser cuts a value off so that "over the limit" is a fact it reports. */
export function cutOffPast(max: number): number {
  return max === Infinity ? Infinity : max + 1;
}
