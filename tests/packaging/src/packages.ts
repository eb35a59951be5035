import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file is tests/packaging/src/packages.ts). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The packages a user installs, in dependency order (core first). Fastify is included once it exists. */
const CANDIDATES = ['core', 'express', 'koa', 'hono', 'fastify'] as const;

/** One publishable workspace package. */
export interface PublishablePackage {
  /** The folder under packages/. */
  dir: string;
  name: string;
  version: string;
}

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  devDependencies?: Record<string, string>;
}

/** The manifest of packages/<dir>. */
export function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(REPO, 'packages', dir, 'package.json'), 'utf8')) as Manifest;
}

/** Every publishable package present in this checkout. */
export function publishablePackages(): PublishablePackage[] {
  return CANDIDATES.filter((dir) => existsSync(path.join(REPO, 'packages', dir, 'package.json')))
    .map((dir) => ({ dir, ...manifest(dir) }))
    .filter((pkg) => !pkg.private)
    .map(({ dir, name, version }) => ({ dir, name, version }));
}

/**
 * `name@version` as the workspace pins it in some package's devDependencies,
 * so the scratch projects run the framework versions CI runs everywhere else.
 */
export function pinned(name: string): string {
  for (const dir of CANDIDATES) {
    if (!existsSync(path.join(REPO, 'packages', dir, 'package.json'))) continue;
    const version = manifest(dir).devDependencies?.[name];
    if (version && /^\d/.test(version)) return `${name}@${version}`;
  }
  const root = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as Manifest;
  const version = root.devDependencies?.[name];
  if (version && /^\d/.test(version)) return `${name}@${version}`;
  throw new Error(`no pinned version of ${name} in the workspace`);
}
