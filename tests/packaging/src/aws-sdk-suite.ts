import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { childEnv, createSpace, type TestSpace } from '@sluice/s3-rig';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ownTypeErrors, run, startServer } from './command.js';
import { manifest, pinned } from './packages.js';
import { createScratchProject, type ScratchProject } from './scratch.js';
import { curlPost, curlUpload, makeTestFile } from './upload.js';

/** The floor of the optional peer range, as packages/core/package.json declares it (`^3.x.y`). */
function peerFloor(name: string): string {
  const range = (manifest('core') as unknown as { peerDependencies: Record<string, string> }).peerDependencies[name];
  const match = /^\^(3\.\d+\.\d+)$/.exec(range ?? '');
  if (!match) throw new Error(`${name} peer range is ${range}, expected ^3.x.y`);
  return match[1]!;
}

/** The floor of the `@aws-sdk/client-s3` peer range. */
export const SDK_FLOOR = peerFloor('@aws-sdk/client-s3');

/**
 * The suite for a project that ALREADY has an AWS SDK v3 (`sdk`, an npm
 * version or range) before it adds Sluice. npm must add the tarballs without
 * ERESOLVE and without moving the SDK, and the S3 driver must then store real
 * bytes in radosgw through that SDK. One file per SDK, so they run side by side.
 */
export function describeSdkProject(label: 'floor' | 'latest', sdk: string): void {
  describe(`a project that already has @aws-sdk/client-s3@${sdk}`, () => {
    let project: ScratchProject;
    let space: TestSpace;
    let sdkVersion: string | undefined;

    beforeAll(async () => {
      expect(peerFloor('@aws-sdk/lib-storage')).toBe(SDK_FLOOR);
      space = await createSpace(`pkg-${label}`);
      project = await createScratchProject(`sdk-${label}`);
      await project.npmInstall([`@aws-sdk/client-s3@${sdk}`, `@aws-sdk/lib-storage@${sdk}`]);
      sdkVersion = await project.installedVersion('@aws-sdk/client-s3');
      const tarballs = inject('tarballs');
      await project.npmInstall([tarballs['@sluice/core']!, tarballs['@sluice/express']!, ...['express', 'typescript', '@types/node'].map(pinned)]);
    });
    afterAll(async () => {
      await project?.remove();
      await space?.cleanup();
    });

    it('npm adds the tarballs and leaves the SDK where it was (one copy)', async () => {
      if (label === 'floor') expect(sdkVersion).toBe(SDK_FLOOR);
      expect(await project.installedVersion('@aws-sdk/client-s3')).toBe(sdkVersion);
      expect(await project.installedVersion('@aws-sdk/lib-storage')).toBe(sdkVersion);
      expect(await project.installedVersion('@aws-sdk/client-s3', 'node_modules/@sluice/core')).toBeUndefined();
      expect(await project.installedVersion('@aws-sdk/client-s3', 'node_modules/@aws-sdk/lib-storage')).toBeUndefined();
    });

    it('the S3 driver stores what curl uploads: one part (PutObject) and several (multipart)', async () => {
      const prefix = `${space.prefix}${label}/`;
      const server = await startServer('s3-server.mjs', { cwd: project.dir, env: { ...childEnv(), S3_BUCKET: space.bucket, S3_PREFIX: prefix } });
      const keys: string[] = [];
      try {
        for (const [name, size] of [
          ['small.bin', 100_000],
          ['large.bin', 11 * 1024 * 1024],
        ] as const) {
          const file = await makeTestFile(project.dir, name, size);
          const answer = await curlUpload(server.ports.s3!, file, name);
          const [stored] = answer.files.file ?? [];
          expect(stored, name).toMatchObject({ size: file.bytes.length, checksums: { sha256: file.sha256 } });
          expect(stored!.key.startsWith(prefix), stored!.key).toBe(true);
          keys.push(stored!.key);
          const object = await space.client.send(new GetObjectCommand({ Bucket: space.bucket, Key: stored!.key }));
          expect(Buffer.from(await object.Body!.transformToByteArray()).equals(file.bytes), name).toBe(true);
        }
        // Exactly the two objects, and no multipart upload left pending.
        expect((await space.leftovers()).sort()).toEqual(keys.sort());
      } finally {
        await server.stop();
      }
    });

    it('a part S3 fails is never completed without it: a typed 502, and nothing left in the bucket', async () => {
      const prefix = `${space.prefix}${label}-fail/`;
      const server = await startServer('s3-server.mjs', { cwd: project.dir, env: { ...childEnv(), S3_BUCKET: space.bucket, S3_PREFIX: prefix, S3_FAIL_PART: '2' } });
      try {
        const file = await makeTestFile(project.dir, 'three-parts.bin', 11 * 1024 * 1024);
        const { status, body } = await curlPost(server.ports.s3!, file, 'three-parts.bin');
        expect({ status, body: JSON.parse(body) as unknown }).toMatchObject({ status: 502, body: { error: { code: 'STORAGE_FAILED' } } });
        expect((await space.leftovers()).filter((entry) => entry.replace(/^upload:/, '').startsWith(prefix))).toEqual([]);
      } finally {
        await server.stop();
      }
    });

    it('TypeScript (node16, strict) compiles @sluice/core/s3 against this SDK', async () => {
      const result = await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'ts/tsconfig.s3.json'], { cwd: project.dir });
      const { own, thirdParty } = ownTypeErrors(result.stdout + result.stderr);
      expect(own).toEqual([]);
      expect(result.code === 0 || thirdParty.length > 0, result.stdout + result.stderr).toBe(true);
    });

    it('the sluice bin finds this SDK and sweeps (dry run)', async () => {
      const env = childEnv();
      const pathStyle = env.S3_FORCE_PATH_STYLE === 'true' ? ['--force-path-style'] : [];
      const sweep = await run(
        path.join(project.dir, 'node_modules/.bin/sluice'),
        ['sweep', '--bucket', space.bucket, '--prefix', space.prefix, '--older-than', '0', '--dry-run', '--json', '--endpoint', env.S3_ENDPOINT!, '--region', env.S3_REGION!, ...pathStyle],
        { cwd: project.dir, env },
      );
      expect(sweep.stderr).toBe('');
      expect(JSON.parse(sweep.stdout)).toMatchObject({ found: 0, errors: 0, dryRun: true });
      expect(sweep.code).toBe(0);
    });
  });
}
