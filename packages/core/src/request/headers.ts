/** Headers as Node (`IncomingHttpHeaders`) or the Fetch API (`Headers`) give them. */
export type HeaderSource = Headers | Record<string, string | string[] | number | undefined>;

/** Lower-cased header names to single string values (repeats joined with ", "). */
export type FlatHeaders = Record<string, string>;

/** Normalises either header shape to {@link FlatHeaders}. */
export function flattenHeaders(source: HeaderSource): FlatHeaders {
  const out: FlatHeaders = Object.create(null) as FlatHeaders;
  if (typeof (source as Headers).forEach === 'function' && typeof (source as Headers).get === 'function') {
    (source as Headers).forEach((value, name) => {
      out[name.toLowerCase()] = value;
    });
    return out;
  }
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** The declared body length, or `undefined` when absent or not a plain number. */
export function contentLengthOf(headers: FlatHeaders): number | undefined {
  const raw = headers['content-length'];
  if (raw === undefined || !/^\d+$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}
