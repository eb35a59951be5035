import { ACTIVE_TYPES, sniffMarkup } from './sniff-markup.js';
import { importWithoutEnvPermission } from './without-env-permission.js';

/** How many leading bytes are held back to recognise a file's type. */
export const SNIFF_BYTES = 4100;

const OCTET_STREAM = 'application/octet-stream';

type FileTypeModule = typeof import('file-type');
// The part of mime-types Sluice uses, typed here: the published .d.ts must not need @types/mime-types.
type MimeTypesModule = { lookup(filenameOrExtension: string): string | false };

// Both are big (file-type's detectors, mime-db's JSON): loaded on the first
// file, never at import, so an app that stores nothing pays nothing for them.
// file-type reads the environment as it loads (see without-env-permission.ts).
let fileTypeModule: Promise<FileTypeModule> | undefined;
let mimeTypesModule: Promise<MimeTypesModule> | undefined;
// Once loaded, used without an await (a tick per file on the hot path).
let fileTypeLoaded: FileTypeModule | undefined;
let mimeTypesLoaded: MimeTypesModule | undefined;
const loadFileType = (): Promise<FileTypeModule> => (fileTypeModule ??= importWithoutEnvPermission(() => import('file-type')).then((module) => (fileTypeLoaded = module)));

/**
 * Starts loading type detection in the background, so that the first file of
 * a handler does not wait for it. Called by `createUploadHandler`: every
 * handler sniffs, but importing `@sluice/core` alone loads nothing.
 */
export function preloadTypeDetection(): void {
  loadFileType().catch(() => {});
  loadMimeTypes().catch(() => {});
}

/** mime-types, loaded on first use (it pulls in the whole mime-db). */
export function loadMimeTypes(): Promise<MimeTypesModule> {
  mimeTypesModule ??= import('mime-types').then((module) => (mimeTypesLoaded = ((module as { default?: MimeTypesModule }).default ?? module) as MimeTypesModule));
  return mimeTypesModule;
}

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
  const { fileTypeFromBuffer, supportedMimeTypes } = fileTypeLoaded ?? (await loadFileType());
  const fromBytes = head.length > 0 ? await fileTypeFromBuffer(head) : undefined;
  // file-type stops at "XML"; the markup sniff can tell SVG (script-capable) apart.
  const detectedType = fromBytes && fromBytes.mime !== 'application/xml' ? fromBytes.mime : (sniffMarkup(head) ?? fromBytes?.mime);
  if (detectedType) {
    return { declaredType, detectedType, type: detectedType, mismatch: declared !== OCTET_STREAM && declared !== detectedType };
  }
  const byExtension = (mimeTypesLoaded ?? (await loadMimeTypes())).lookup(filename) || undefined;
  const claimed = declared !== OCTET_STREAM && declared !== '' ? declared : byExtension;
  const needsSignature = (candidate: string | undefined): boolean => candidate !== undefined && (supportedMimeTypes.has(candidate as never) || ACTIVE_TYPES.includes(candidate));
  const type = claimed === undefined || needsSignature(claimed) ? OCTET_STREAM : claimed;
  return { declaredType, detectedType: undefined, type, mismatch: needsSignature(claimed) && head.length > 0 };
}
