import { randomBytes } from 'node:crypto';
import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
// The core S3 suite's helpers, by path: the demo projects run its global setup
// (a throw-away radosgw, or S3_ENDPOINT), so they reach the same server the same way.
import { connection, testClient } from '@sluice/s3-rig';
import { createSpace, type TestSpace } from '@sluice/s3-rig';
import { recordCommands as recordClientCommands } from '@sluice/s3-rig';
import type { Env } from '../config.js';
import type { DemoSetup } from '../setup.js';
import { formWith, keysOf, postForm } from './forms.js';

const MiB = 1024 * 1024;

/** The storage kinds every demo is smoke-tested with. */
export type StorageKind = 'memory' | 'disk' | 's3';

/** A demo the smoke test started. */
export interface StartedDemo {
  url: string;
  setup: DemoSetup;
  /**
   * Everything its storage holds, sorted: stored keys, and on S3 also one
   * `upload:<key>` per pending multipart upload (ListMultipartUploads), so
   * that comparing with the uploaded keys also proves none is left pending.
   */
  stored(): Promise<string[]>;
  /** STORAGE=s3 only: the fresh bucket it stores into. */
  space?: TestSpace;
}

/** Starts the demo under test with one storage kind and extra environment. */
export type StartWith = (storage: StorageKind, env?: Env) => Promise<StartedDemo>;

/**
 * A fresh bucket on the S3 server the global setup provided, and the demo
 * environment that stores into it. Always a bucket of its own, even when
 * S3_BUCKET names a shared one: the smoke tests check that the bucket holds
 * exactly what was uploaded, and a demo has no key prefix to stay inside.
 */
export async function freshS3Bucket(label: string): Promise<{ env: Env; space: TestSpace }> {
  const s3 = connection();
  const space = await createSpace(label.toLowerCase(), testClient());
  const env: Env = {
    STORAGE: 's3',
    S3_BUCKET: space.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_FORCE_PATH_STYLE: String(s3.forcePathStyle),
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
  return { env, space };
}

/** Records the name of every command the demo's S3 driver sends, to show a test took the path it claims. */
function recordCommands(setup: DemoSetup): string[] {
  const client = (setup.storage as { client?: S3Client }).client;
  if (!client) throw new Error('STORAGE=s3 but the demo storage has no S3 client');
  return recordClientCommands(client);
}

/**
 * The S3-only part of the demo smoke test: files over the driver's 5 MiB part
 * size, which go up as multipart uploads. A completed one is stored byte for
 * byte; one cut off by a limit is aborted, and its completed sibling deleted,
 * before the 413 is answered.
 */
export function runS3SmokeTests(framework: string, startWith: StartWith): void {
  describe(`${framework} demo, STORAGE=s3: multipart uploads`, () => {
    it('stores a file over the part size as a multipart upload, byte for byte, and leaves no upload pending', async () => {
      const demo = await startWith('s3', { MAX_FILE_SIZE: '8MiB' });
      const commands = recordCommands(demo.setup);
      const big = randomBytes(6 * MiB + 123);
      const upload = await postForm(
        demo.url,
        formWith([
          { name: 'small.txt', content: 'small\n', type: 'text/plain' },
          { name: 'big.bin', content: big },
        ]),
      );
      expect(upload.status, JSON.stringify(upload.json)).toBe(200);
      expect(commands).toContain('CompleteMultipartUploadCommand');
      const download = await fetch(`${demo.url}${upload.json.files[1].url}`);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(big)).toBe(true);
      // A multipart object's ETag is "<md5 of the part md5s>-<parts>": two parts of 5 MiB and ~1 MiB.
      const head = await demo.space!.client.send(new HeadObjectCommand({ Bucket: demo.space!.bucket, Key: upload.json.files[1].key }));
      expect(head.ETag).toMatch(/-2"$/);
      expect(await demo.stored()).toEqual(keysOf(upload));
    });

    it('a file over MAX_FILE_SIZE after a part went up: 413, its multipart upload aborted, the completed sibling deleted', async () => {
      const demo = await startWith('s3', { MAX_FILE_SIZE: '6MiB' });
      const commands = recordCommands(demo.setup);
      const over = await postForm(
        demo.url,
        formWith([
          { name: 'first.txt', content: 'stored, then rolled back\n', type: 'text/plain' },
          { name: 'over.bin', content: randomBytes(6 * MiB + 1) },
        ]),
      );
      expect(over.status).toBe(413);
      expect(over.json.error).toMatchObject({ code: 'LIMIT_FILE_SIZE', limit: 'fileSize', max: 6 * MiB });
      // The case is what it claims: a multipart upload was under way, and the driver aborted it.
      expect(commands).toContain('CreateMultipartUploadCommand');
      expect(commands).toContain('AbortMultipartUploadCommand');
      // Looked at once, right after the answer: Sluice answers only once S3 confirmed the clean-up.
      expect(await demo.stored()).toEqual([]);
      expect((await (await fetch(`${demo.url}/files`)).json()).files).toEqual([]);
    });
  });
}
