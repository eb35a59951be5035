import { fileTypeFromBuffer, supportedMimeTypes } from 'file-type';
import { lookup as lookupByExtension } from 'mime-types';
import { ACTIVE_TYPES, sniffMarkup } from './sniff-markup.js';

/** How many leading bytes are held back to recognise a file's type. */
export const SNIFF_BYTES = 4100;

const OCTET_STREAM = 'application/octet-stream';

/** The three views of a file's type, and the one Sluice acts on. */
export interface TypeVerdict {
  /** What the client declared for the part. */
  declaredType: string;
  /** What the first bytes say, when recognised. */
  detectedType: string | undefined;
  /** The type used for `allowedTypes`, storage metadata and the result. */
  type: string;
  /** True when the declared type disagrees with the detected one. */
  mismatch: boolean;
}

/**
 * Decides a file's type from its first bytes, its declared type and its name.
 *
 * A type that should carry a recognisable signature (PNG, PDF, ZIP ...) or
 * that is active markup is only believed when the bytes say so: a client that
 * declares `image/png` for bytes without the PNG signature gets
 * `application/octet-stream`. Formats without a signature (plain text, CSV,
 * JSON) fall back to the declared type, then the extension.
 */
export async function detectType(head: Uint8Array, declaredType: string, filename: string): Promise<TypeVerdict> {
  const declared = declaredType.toLowerCase();
  const fromBytes = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
  // file-type stops at "XML"; the markup sniff can tell SVG (script-capable) apart.
  const detectedType = fromBytes && fromBytes.mime !== 'application/xml' ? fromBytes.mime : (sniffMarkup(head) ?? fromBytes?.mime);
  if (detectedType) {
    return { declaredType, detectedType, type: detectedType, mismatch: declared !== OCTET_STREAM && declared !== detectedType };
  }
  const byExtension = lookupByExtension(filename) || undefined;
  const claimed = declared !== OCTET_STREAM && declared !== '' ? declared : byExtension;
  const needsSignature = (candidate: string | undefined): boolean => candidate !== undefined && (supportedMimeTypes.has(candidate as never) || ACTIVE_TYPES.includes(candidate));
  const type = claimed === undefined || needsSignature(claimed) ? OCTET_STREAM : claimed;
  return { declaredType, detectedType: undefined, type, mismatch: needsSignature(claimed) && head.length > 0 };
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
