import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ownTypeErrors, run, runOk, startServer } from '../src/command.js';
import { manifest, pinned, publishablePackages } from '../src/packages.js';
import { createScratchProject, type ScratchProject } from '../src/scratch.js';
import { curlUpload, makeTestFile } from '../src/upload.js';

const packages = publishablePackages();
const hasFastify = packages.some((pkg) => pkg.name === '@sluice/fastify');
let project: ScratchProject;

// One scratch project without the AWS SDK, as most users have: npm installs
// the tarballs and the frameworks at the versions the workspace pins.
beforeAll(async () => {
  project = await createScratchProject('node');
  const frameworks = ['express', 'koa', 'hono', '@hono/node-server', 'typescript', '@types/express', '@types/koa', '@types/node', ...(hasFastify ? ['fastify'] : [])];
  await project.npmInstall([...Object.values(inject('tarballs')), ...frameworks.map(pinned)]);
});
afterAll(() => project?.remove());

describe('npm install of the tarballs', () => {
  it('installs one copy of each package, built, with a LICENSE and a README, and no workspace: ranges', async () => {
    for (const pkg of packages) {
      expect(await project.installedVersion(pkg.name), pkg.name).toBe(pkg.version);
      const dir = path.join(project.dir, 'node_modules', pkg.name);
      const installed = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(JSON.stringify(installed), pkg.name).not.toContain('workspace:');
      expect(JSON.stringify(installed.exports), pkg.name).not.toContain('/src/');
      expect(existsSync(path.join(dir, 'dist/index.js')), pkg.name).toBe(true);
      expect(existsSync(path.join(dir, 'dist/index.d.ts')), pkg.name).toBe(true);
      expect(await readFile(path.join(dir, 'LICENSE'), 'utf8'), pkg.name).toContain('Copyright (c) 2026 The Sluice authors');
      expect(existsSync(path.join(dir, 'README.md')), pkg.name).toBe(true);
      expect(existsSync(path.join(dir, 'src')), `${pkg.name} ships no TypeScript sources`).toBe(false);
      // An adapter resolving its own (registry) copy of core would mean the tarball's range missed the packed version.
      expect(existsSync(path.join(dir, 'node_modules/@sluice/core')), `${pkg.name} has a nested @sluice/core`).toBe(false);
    }
  });

  it('ships no source maps (dist is plain tsc output, readable as it is)', async () => {
    const { stdout } = await runOk('find', ['-L', 'node_modules/@sluice', '-name', '*.map'], { cwd: project.dir });
    expect(stdout.trim()).toBe('');
  });
});

describe('JavaScript consumers upload with curl', () => {
  it('ESM: Express, Koa and Hono store the uploaded bytes on disk', async () => {
    const store = path.join(project.dir, 'store-esm');
    const server = await startServer('esm-server.mjs', { cwd: project.dir, env: { ...process.env, SLUICE_STORE: store } });
    try {
      expect(Object.keys(server.ports).sort()).toEqual(['express', 'hono', 'koa']);
      for (const [adapter, port] of Object.entries(server.ports)) {
        const file = await makeTestFile(project.dir, `${adapter}.bin`, 300_000);
        const answer = await curlUpload(port, file, `${adapter} photo.bin`);
        expect(answer.fields, adapter).toEqual({ note: 'hello from curl' });
        const [stored] = answer.files.file ?? [];
        expect(stored, adapter).toMatchObject({ name: `${adapter} photo.bin`, size: file.bytes.length, checksums: { sha256: file.sha256 } });
        expect((await readFile(path.join(store, adapter, stored!.key))).equals(file.bytes), adapter).toBe(true);
      }
    } finally {
      await server.stop();
    }
  });

  it('CommonJS: require("@sluice/express") on this Node stores the uploaded bytes', async () => {
    const store = path.join(project.dir, 'store-cjs');
    const server = await startServer('cjs-server.cjs', { cwd: project.dir, env: { ...process.env, SLUICE_STORE: store } });
    try {
      const file = await makeTestFile(project.dir, 'cjs.bin', 200_000);
      const answer = await curlUpload(server.ports.cjs!, file, 'report.bin');
      const [stored] = answer.files.file ?? [];
      expect(stored).toMatchObject({ size: file.bytes.length, checksums: { sha256: file.sha256 } });
      expect((await readFile(path.join(store, 'cjs', stored!.key))).equals(file.bytes)).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('every package imports (ESM) and requires (CommonJS) with the same exports', async () => {
    const names = packages.map((pkg) => pkg.name);
    const imported = JSON.parse((await runOk(process.execPath, ['import-all.mjs', ...names], { cwd: project.dir })).stdout) as Record<string, string[]>;
    const required = JSON.parse((await runOk(process.execPath, ['require-all.cjs', ...names], { cwd: project.dir })).stdout) as Record<string, string[]>;
    expect(Object.keys(imported).sort()).toEqual([...names].sort());
    for (const name of names) expect(imported[name]!.length, name).toBeGreaterThan(0);
    // require(esm) adds __esModule; otherwise CommonJS sees exactly the ESM exports.
    for (const name of names)
      expect(
        required[name]!.filter((key) => key !== '__esModule'),
        name,
      ).toEqual(imported[name]);
    expect(imported['@sluice/core']).toEqual(expect.arrayContaining(['createUploadHandler', 'diskStorage', 'memoryStorage', 'UploadError']));
  });
});

describe('Deno runs the installed packages with --allow-net only', () => {
  // The Deno binary of the npm package, at the version the edge suite runs.
  const deno = path.join(path.dirname(createRequire(import.meta.url).resolve('@deno/linux-x64-glibc/package.json')), 'deno');

  it('Hono on Deno.serve stores an upload and sniffs its type, with no --allow-env and no file access', async () => {
    const server = await startServer('deno-server.mjs', { cwd: project.dir, env: process.env, runtime: [deno, 'run', '--no-prompt', '--allow-net=127.0.0.1'] });
    try {
      // A PNG (signature, a whole IHDR chunk, then an IDAT chunk of random bytes): type detection (file-type) must run.
      // file-type walks the chunks up to IDAT, so the chunk lengths must be real ones.
      const payload = randomBytes(150_000);
      const idatLength = Buffer.alloc(4);
      idatLength.writeUInt32BE(payload.length);
      const bytes = Buffer.concat([
        Buffer.from('89504e470d0a1a0a', 'hex'),
        Buffer.from('0000000d4948445200000001000000010806000000', 'hex'),
        Buffer.from('1f15c489', 'hex'),
        idatLength,
        Buffer.from('IDAT', 'latin1'),
        payload,
      ]);
      const file = { path: path.join(project.dir, 'deno.png'), bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
      await writeFile(file.path, bytes);
      const answer = await curlUpload(server.ports.deno!, file, 'photo.png');
      expect(answer.fields).toEqual({ note: 'hello from curl' });
      expect(answer.files.file?.[0]).toMatchObject({ name: 'photo.png', size: bytes.length, type: 'image/png', checksums: { sha256: file.sha256 } });
      expect(server.output()).not.toMatch(/NotCapable|Requires \w+ access/);
    } finally {
      await server.stop();
    }
  });
});

describe('TypeScript consumers (strict, tsc --noEmit)', () => {
  it.concurrent.each(['node16', 'bundler'])('%s resolution compiles, with typed req.files, ctx.request.files and c.get("files")', async (resolution) => {
    const result = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', `ts/tsconfig.${resolution}.json`], { cwd: project.dir });
    // node16 runs with skipLibCheck off, so Sluice's own .d.ts are checked
    // too (bundler keeps `tsc --init`'s skipLibCheck: the same files twice
    // would double the slowest step). Other packages' declarations are not
    // ours to judge (@types/koa 3.0.3 does not compile against the
    // content-disposition types Koa now installs).
    const { own, thirdParty } = ownTypeErrors(result.stdout + result.stderr);
    expect(own).toEqual([]);
    expect(result.code === 0 || thirdParty.length > 0, result.stdout + result.stderr).toBe(true);
  });
});

describe('the sluice bin without the AWS SDK', () => {
  const sluice = (...args: string[]) => run(path.join(project.dir, 'node_modules/.bin/sluice'), args, { cwd: project.dir });

  it('the SDK really is absent from this project', async () => {
    expect(await project.installedVersion('@aws-sdk/client-s3')).toBeUndefined();
  });

  it('--help prints the usage and exits 0', async () => {
    const help = await sluice('--help');
    expect(help.stderr).toBe('');
    expect(help.stdout).toContain('usage: sluice sweep --bucket B --older-than 24h');
    expect(help.code).toBe(0);
  });

  it('a usage error is reported as one (exit 2), not as a missing SDK', async () => {
    const usage = await sluice('sweep', '--bucket', 'uploads');
    expect(usage.stderr).toContain('--older-than is required');
    expect(usage.code).toBe(2);
  });

  it('sweep says which package to install (exit 1, no stack trace)', async () => {
    const sweep = await sluice('sweep', '--bucket', 'uploads', '--older-than', '24h', '--dry-run');
    expect(sweep.stderr).toContain('@aws-sdk/client-s3 is not installed');
    expect(sweep.stderr).toContain('npm install @aws-sdk/client-s3');
    expect(sweep.stderr).not.toMatch(/\n\s+at /);
    expect(sweep.code).toBe(1);
  });
});

// The manifests the tarballs came from, checked where a wrong field would only show after publishing.
describe('the workspace manifests', () => {
  it.each(packages.map((pkg) => pkg.dir))('packages/%s declares engines >= 20.19, a repository and a prepack build', (dir) => {
    const pkg = manifest(dir) as unknown as Record<string, Record<string, string> | undefined>;
    expect(pkg.engines?.node).toBe('>=20.19');
    expect(pkg.repository).toMatchObject({ type: 'git', url: 'git+https://github.com/sluice-dev/sluice.git', directory: `packages/${dir}` });
    expect(pkg.scripts?.prepack).toContain('tsc -b tsconfig.build.json');
  });
});
