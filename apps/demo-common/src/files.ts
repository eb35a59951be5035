import type { Readable } from 'node:stream';
import { create as contentDisposition } from 'content-disposition';
import { lookup } from 'mime-types';
import { ACTIVE_TYPES, isSafeKey, type StorageDriver, type StoredFile, type UploadResult } from '@sluice/core';
import { isTusState } from './tus.js';

/** The URL path a stored key is downloaded from. */
export function downloadPath(key: string): string {
  return `/files/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** The storage key in a `/files/<key>` path (the part after `/files/`), or `undefined` if it is not a safe key. */
export function keyFromPath(encoded: string): string | undefined {
  let key: string;
  try {
    key = encoded.split('/').map(decodeURIComponent).join('/');
  } catch {
    return undefined;
  }
  return isSafeKey(key) ? key : undefined;
}

/** The file name a key was made from: its last segment without the random prefix of `keys.dated()`. */
export function nameFromKey(key: string): string {
  const last = key.slice(key.lastIndexOf('/') + 1);
  return last.replace(/^[0-9a-f]{32}-/, '') || last;
}

/** One stored file in the demo's JSON: the core's `StoredFile` plus its download URL. */
export type DemoFile = StoredFile & { url: string };

/** The body of `POST /upload`: stored files as one flat list, plus fields and stats. */
export interface DemoUploadResponse {
  requestId: string;
  files: DemoFile[];
  fields: UploadResult['fields'];
  stats: UploadResult['stats'];
}

/** Flattens a result's files (grouped by field) into the demo's response. */
export function uploadResponse(result: UploadResult): DemoUploadResponse {
  const files = Object.values(result.files)
    .flat()
    .map((file) => ({ ...file, url: downloadPath(file.key) }));
  return { requestId: result.requestId, files, fields: result.fields, stats: result.stats };
}

/** One entry of `GET /files`. */
export interface ListedFile {
  key: string;
  name: string;
  size: number;
  lastModified: string;
  url: string;
}

/** Lists what is stored, newest first (at most `max` entries). */
export async function listFiles(storage: StorageDriver, max = 500): Promise<{ files: ListedFile[] }> {
  const files: ListedFile[] = [];
  if (!storage.list) return { files };
  for await (const entry of storage.list()) {
    if (isTusState(entry.key)) continue;
    files.push({ key: entry.key, name: nameFromKey(entry.key), size: entry.size, lastModified: entry.lastModified.toISOString(), url: downloadPath(entry.key) });
    if (files.length >= max) break;
  }
  files.sort((a, b) => b.lastModified.localeCompare(a.lastModified));
  return { files };
}

// Types a browser may show in the page's origin without running anything.
const INLINE_TYPES = /^(image\/(png|jpeg|gif|webp|avif)|audio\/[\w.+-]+|video\/[\w.+-]+|text\/plain|application\/pdf)$/;

/** A stored file ready to stream back: its body and the headers to send. */
export interface Download {
  body: Readable;
  headers: Record<string, string>;
}

/**
 * Opens a stored file for download, or `undefined` (answer 404) when the key
 * is unsafe or nothing is stored under it. The headers never let the browser
 * run what it gets: active types (HTML, SVG, XML, JS) and anything unknown are
 * always `attachment`, with `nosniff` and a sandboxing CSP.
 */
export async function openDownload(storage: StorageDriver, encodedKey: string): Promise<Download | undefined> {
  const key = keyFromPath(encodedKey);
  if (key === undefined || isTusState(key) || !storage.get) return undefined;
  const object = await storage.get(key).catch(() => undefined);
  if (!object) return undefined;
  const type = (object.contentType || lookup(key) || 'application/octet-stream').toLowerCase();
  const bare = type.split(';')[0]!.trim();
  const inline = INLINE_TYPES.test(bare) && !ACTIVE_TYPES.includes(bare);
  const headers: Record<string, string> = {
    'Content-Type': type,
    'Content-Length': String(object.size),
    'Content-Disposition': contentDisposition(nameFromKey(key), { type: inline ? 'inline' : 'attachment' }),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'private, no-cache',
  };
  if (bare !== 'application/pdf') headers['Content-Security-Policy'] = "default-src 'none'; sandbox";
  if (object.lastModified) headers['Last-Modified'] = object.lastModified.toUTCString();
  return { body: object.body, headers };
}
