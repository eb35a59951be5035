import { UploadError } from '../errors/upload-error.js';
import { detectType, type TypeVerdict } from './detect-type.js';

/** What {@link judgeType} needs beyond the bytes. */
export interface TypeRules {
  /** Media types accepted (`image/png`, `image/*`); `undefined` accepts any type. */
  allowedTypes?: readonly string[] | undefined;
}

/**
 * True when `type` matches one of `patterns`: exact types (`image/png`) or
 * wildcards (`image/*`, `*\/*`). Parameters such as `; charset=` are ignored.
 */
export function isTypeAllowed(type: string, patterns: readonly string[]): boolean {
  const bare = type.split(';')[0]!.trim().toLowerCase();
  return patterns.some((pattern) => {
    const wanted = pattern.trim().toLowerCase();
    if (wanted === '*/*' || wanted === '*') return true;
    if (wanted.endsWith('/*')) return bare.startsWith(wanted.slice(0, -1));
    return bare === wanted;
  });
}

/**
 * The type gate of the per-file pipeline: decides a file's type from its first
 * bytes (up to `SNIFF_BYTES`; fewer only when the file is shorter), the
 * type the client declared and its name, and refuses a type outside
 * `rules.allowedTypes` with `TYPE_NOT_ALLOWED` (415). Call it before a byte of
 * the file reaches storage; a resumable upload calls it once, on the first
 * bytes of its first request.
 *
 * @returns the verdict; `verdict.mismatch` is worth a warning.
 * @throws UploadError `TYPE_NOT_ALLOWED`
 *
 * @example
 * const verdict = await judgeType(firstBytes, 'image/png', 'cat.png', { allowedTypes: ['image/*'] });
 * verdict.type; // 'image/png' when the bytes carry the PNG signature
 */
export async function judgeType(head: Uint8Array, declaredType: string, name: string, rules: TypeRules = {}): Promise<TypeVerdict> {
  const verdict = await detectType(head, declaredType, name);
  const { allowedTypes } = rules;
  if (allowedTypes && !isTypeAllowed(verdict.type, allowedTypes)) {
    throw new UploadError('TYPE_NOT_ALLOWED', { message: `File type not allowed: ${verdict.type}`, details: { type: verdict.type } });
  }
  return verdict;
}
