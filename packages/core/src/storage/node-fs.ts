/** Node's file system modules. */
export interface NodeFs {
  fs: typeof import('node:fs');
  fsp: typeof import('node:fs/promises');
}

let loaded: Promise<NodeFs> | undefined;

/**
 * `node:fs` and `node:fs/promises`, imported on first use: only a
 * configuration that touches the disk (disk storage, `record`, `storeBody` of
 * a path) loads them, so memory storage runs where there is no file system
 * (Cloudflare Workers).
 */
export function loadNodeFs(): Promise<NodeFs> {
  loaded ??= Promise.all([import('node:fs'), import('node:fs/promises')]).then(([fs, fsp]) => ({ fs, fsp }));
  return loaded;
}
