/**
 * workerd through miniflare with one R2 bucket, persisted to a
 * throw-away folder so that the simulator's own records can be read: R2's
 * binding cannot list pending multipart uploads, the simulator's SQLite table
 * can. That table is read with Bun's built-in SQLite (Bun is already a
 * devDependency of this suite; Node 20 has no SQLite of its own).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import type { R2BucketLike } from '@sluice/core/r2';
import { bunBinary } from './runtime-server.js';

/** The compatibility date the suite runs workerd with (at most the pinned workerd's own date). */
export const COMPATIBILITY_DATE = '2026-04-01';

/** A running workerd with its bucket. */
export interface MiniflareR2 {
  mf: Miniflare;
  /** The Worker's URL, when a script was given. */
  url: URL;
  /** The bucket, through miniflare's API (the same storage the Worker sees). */
  bucket: R2BucketLike;
  /** Keys of multipart uploads neither completed nor aborted. */
  pendingUploads(): Promise<string[]>;
  /** Every stored object with its bytes. */
  objects(): Promise<Map<string, Buffer>>;
  /** Deletes every object. */
  clear(): Promise<void>;
  dispose(): Promise<void>;
}

/** Where miniflare keeps the bucket's SQLite database (one per Durable Object, next to metadata.sqlite). */
async function bucketDatabases(persistDir: string): Promise<string[]> {
  const dir = join(persistDir, 'miniflare-R2BucketObject');
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.sqlite') && name !== 'metadata.sqlite').map((name) => join(dir, name));
}

/** Bun script printing the keys of pending uploads (state 0: neither completed nor aborted) in `paths`. */
const pendingQuery = (paths: string[]): string => `
import { Database } from 'bun:sqlite';
const keys = [];
for (const path of ${JSON.stringify(paths)}) {
  const db = new Database(path, { readonly: true });
  for (const row of db.query('SELECT key FROM _mf_multipart_uploads WHERE state = 0').all()) keys.push(row.key);
  db.close();
}
console.log(JSON.stringify(keys));
`;

/** Keys of pending multipart uploads in the simulator's database. */
export async function pendingMultipartUploads(persistDir: string): Promise<string[]> {
  const databases = await bucketDatabases(persistDir);
  // startMiniflare touches the bucket first, so a missing database means the layout changed: fail, do not pass.
  if (databases.length === 0) throw new Error(`no R2 simulator database under ${persistDir}: has miniflare's storage layout changed?`);
  const { stdout } = await promisify(execFile)(bunBinary(), ['-e', pendingQuery(databases)]);
  return (JSON.parse(stdout) as string[]).sort();
}

/** Starts workerd with one R2 binding (`BUCKET` unless named), running the bundled Worker at `scriptPath`, or a trivial one. */
export async function startMiniflare(scriptPath?: string, binding = 'BUCKET'): Promise<MiniflareR2> {
  const persistDir = await mkdtemp(join(tmpdir(), 'sluice-r2-'));
  const worker = scriptPath ? { scriptPath, modulesRoot: dirname(scriptPath) } : { script: 'export default { fetch() { return new Response("no worker") } }' };
  const mf = new Miniflare({
    ...worker,
    modules: true,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: ['nodejs_compat'],
    r2Buckets: [binding],
    r2Persist: persistDir,
  });
  const url = await mf.ready;
  const bucket = (await mf.getR2Bucket(binding)) as unknown as R2BucketLike;
  // Creates the simulator's database, which pendingUploads() reads.
  await bucket.list();
  const listAll = async (): Promise<string[]> => {
    const keys: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bucket.list({ cursor });
      keys.push(...page.objects.map((object) => object.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    return keys;
  };
  return {
    mf,
    url,
    bucket,
    pendingUploads: () => pendingMultipartUploads(persistDir),
    async objects() {
      const objects = new Map<string, Buffer>();
      for (const key of await listAll()) {
        const object = await bucket.get(key);
        if (object) objects.set(key, Buffer.from(await new Response(object.body).arrayBuffer()));
      }
      return objects;
    },
    async clear() {
      const keys = await listAll();
      if (keys.length > 0) await bucket.delete(keys);
    },
    async dispose() {
      await mf.dispose();
      await rm(persistDir, { recursive: true, force: true });
    },
  };
}
