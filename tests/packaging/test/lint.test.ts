import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { run } from '../src/command.js';
import { publishablePackages, REPO } from '../src/packages.js';

// The linters come from this package's pinned devDependencies, run with node.
const bin = (name: string) => path.join(REPO, 'tests/packaging/node_modules/.bin', name);

describe.each(publishablePackages().map((pkg) => pkg.name))('%s tarball', (name) => {
  it('passes publint --strict (warnings are errors)', async () => {
    const result = await run(bin('publint'), ['--strict', inject('tarballs')[name]!], { cwd: REPO });
    expect(result.stdout + result.stderr).not.toMatch(/Warnings?:|Errors?:/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  // esm-only: the packages are ESM by decision (CommonJS users get require(esm)
  // on Node >= 20.19), so attw's node16-from-CJS column is expected to say so;
  // every other resolution (node10 excepted) must find the types.
  it('passes attw --profile esm-only', async () => {
    const result = await run(bin('attw'), ['--profile', 'esm-only', '--format', 'table-flipped', '--no-color', inject('tarballs')[name]!], { cwd: REPO });
    expect(result.stdout).toContain("(ignoring resolutions: 'node10', 'node16-cjs')");
    expect(result.stdout).toContain('🟢');
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});

describe('publishing from a package folder', () => {
  // npm would publish the workspace manifest as is: exports into src/*.ts and a
  // workspace: dependency. The prepublishOnly guard stops it before anything is
  // packed (a dry run, so nothing could be published even if the guard failed).
  it('npm publish is refused with the reason, pnpm is named', async () => {
    const result = await run('npm', ['publish', '--dry-run', '--ignore-scripts=false'], { cwd: path.join(REPO, 'packages/express') });
    expect(result.stderr).toContain('Publish with pnpm');
    expect(result.code).not.toBe(0);
  });
});
