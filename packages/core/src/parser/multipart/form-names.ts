/**
 * How the names a client sends in a Content-Disposition (the field `name`
 * and the `filename`) become the strings Sluice reports. The result is the
 * client's own, untrusted name: only `safeName` and keys are made safe
 * (src/naming/).
 */

const WHATWG_ESCAPE = /%(?:22|0D|0A)/g;
const UNESCAPED: Readonly<Record<string, string>> = { '%22': '"', '%0D': '\r', '%0A': '\n' };

/**
 * Undoes the escapes of the WHATWG multipart/form-data encoding algorithm,
 * which browsers, curl, undici's fetch and Python's requests apply to names:
 * `"` is sent as `%22`, CR as `%0D`, LF as `%0A`. Exactly these three
 * (uppercase, as the algorithm writes them); every other `%` stays. A name
 * that really contains the text `%22` arrives the same way as one containing
 * `"`, and is read as `"`: the encoding itself cannot tell them apart.
 */
export function decodeWhatwgEscapes(name: string): string {
  return name.includes('%') ? name.replace(WHATWG_ESCAPE, (sequence) => UNESCAPED[sequence]!) : name;
}

const WINDOWS_ABSOLUTE_PATH = /^(?:[A-Za-z]:)?\\/;

/**
 * True for a Windows absolute path, what old Internet Explorer sent as a
 * file name: `X:\…`, `\\host\…`, or `\…` (a UNC path sent unescaped loses
 * one backslash to the quoted-string rule, and `\dir\…` is the root of the
 * current drive).
 */
export function isWindowsAbsolutePath(name: string): boolean {
  return WINDOWS_ABSOLUTE_PATH.test(name);
}

/**
 * The file name part of what a client sent as `filename`: a Windows absolute
 * path ({@link isWindowsAbsolutePath}) loses its directory (old IE sent `C:\Users\me\photo.jpg`); anything
 * else keeps its backslashes, a legal character in Linux and macOS names. A
 * `/`, which no file system allows in a name, always separates directories
 * (`../../etc/passwd` is `passwd`), and a name of `.` or `..` is ''.
 */
export function clientFileName(name: string): string {
  let last = name;
  if (isWindowsAbsolutePath(last)) last = last.slice(last.lastIndexOf('\\') + 1);
  const slash = last.lastIndexOf('/');
  if (slash !== -1) last = last.slice(slash + 1);
  return last === '.' || last === '..' ? '' : last;
}
