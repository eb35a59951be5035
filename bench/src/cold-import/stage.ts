import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

interface Manifest {
  name: string;
  version: string;
  type?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  publishConfig?: { exports?: unknown };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'))
    .map((file) => path.join(dir, file));
}

/**
 * Lays out `packages` under `<stageDir>/node_modules` as npm would install
 * their tarballs: each package's manifest with its publishConfig exports and
 * its src compiled to dist (per file with TypeScript's own emit, no type
 * check: the same JavaScript `tsc -p tsconfig.build.json` writes, in a second
 * instead of half a minute). Third-party dependencies and peers are links to
 * the workspace's installed copies. Plain Node can then import the packages
 * from the stage directory, with no tsx in the way.
 */
export function stagePackages(repoRoot: string, stageDir: string, packages: readonly string[]): void {
  rmSync(stageDir, { recursive: true, force: true });
  const modules = path.join(stageDir, 'node_modules');
  const linked = new Set<string>();
  for (const dir of packages) {
    const packageDir = path.join(repoRoot, 'packages', dir);
    const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as Manifest;
    const target = path.join(modules, manifest.name);
    mkdirSync(target, { recursive: true });
    const published = { name: manifest.name, version: manifest.version, type: manifest.type, exports: manifest.publishConfig?.exports, dependencies: manifest.dependencies };
    writeFileSync(path.join(target, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
    const src = path.join(packageDir, 'src');
    for (const file of sourceFiles(src)) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        fileName: file,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true, sourceMap: false },
      });
      const out = path.join(target, 'dist', path.relative(src, file)).replace(/\.ts$/, '.js');
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, outputText);
    }
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
      const installed = path.join(packageDir, 'node_modules', name);
      if (name.startsWith('@sluice/') || linked.has(name) || !existsSync(installed)) continue;
      mkdirSync(path.dirname(path.join(modules, name)), { recursive: true });
      symlinkSync(realpathSync(installed), path.join(modules, name), 'dir');
      linked.add(name);
    }
  }
}

/** Links an installed package of the bench workspace into the stage (e.g. multer). */
export function linkInstalled(benchDir: string, stageDir: string, name: string): void {
  const link = path.join(stageDir, 'node_modules', name);
  if (existsSync(link)) return;
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(realpathSync(path.join(benchDir, 'node_modules', name)), link, 'dir');
}
