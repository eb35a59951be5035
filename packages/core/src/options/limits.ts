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
