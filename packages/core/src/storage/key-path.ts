import path from 'node:path';
import { isSafeKey } from '../naming/safe-key.js';

/**
 * Resolves a storage key to a file path strictly inside `root`. Unsafe keys
 * are refused rather than "fixed", because a key like that means a bug or an
 * attack upstream.
 */
export function resolveKeyPath(root: string, key: string): string {
  if (!isSafeKey(key)) throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
  const resolvedRoot = path.resolve(root);
  const target = path.resolve(resolvedRoot, ...key.split('/'));
  // Belt and braces: the checks above already rule this out.
  if (!target.startsWith(resolvedRoot + path.sep)) throw new Error(`storage key escapes the root: ${JSON.stringify(key)}`);
  return target;
}
