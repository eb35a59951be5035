import { GetObjectAclCommand, GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentDisposition } from '../../src/storage/s3/content-disposition.js';
import { MIN_PART_SIZE } from '../../src/storage/s3/options.js';
import { objectDigest, streamingMultipart } from './bodies.js';
import { createSpace, type TestSpace } from '@sluice/s3-rig';
import { s3Handler, sendBody } from './support.js';

const PART = MIN_PART_SIZE;
const MULTIPART = ['CreateMultipartUploadCommand', 'UploadPartCommand', 'CompleteMultipartUploadCommand'];

let space: TestSpace;
beforeAll(async () => (space = await createSpace('sizes')));
afterAll(async () => space?.cleanup());

describe('s3Storage through the upload handler: sizes, byte for byte', () => {
  it.each([
    ['0 bytes', 0, ['PutObjectCommand']],
    ['1 byte', 1, ['PutObjectCommand']],
    ['exactly one part', PART, ['PutObjectCommand']],
    ['one part + 1 byte', PART + 1, MULTIPART],
  ])('%s: stored exactly, as %j', async (_label, size, kinds) => {
    const { handler, commands } = s3Handler(space);
    const body = streamingMultipart([{ field: 'f', filename: 'x.bin', size }]);
    const { result, error } = await sendBody(handler, body);
    expect(error).toBeUndefined();
    const [file] = result!.files.f!;
    expect(file).toMatchObject({ size, type: 'application/octet-stream' });
    expect(await objectDigest(space.client, space.bucket, file!.key)).toMatchObject({ size, sha256: body.sha256[0] });
    // A small file is one PutObject; past one part lib-storage goes multipart (and then aborts nothing).
    expect([...new Set(commands.filter((name) => name !== 'HeadObjectCommand'))]).toEqual(kinds);
    if (size > PART) expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(2);
    expect(file!.etag).toMatch(/\S/);
  });

  it('64 MiB streamed in generated chunks: byte-exact, multipart, and how fast', async () => {
    const size = 64 * 1024 * 1024;
    const { handler, commands } = s3Handler(space);
    const body = streamingMultipart([{ field: 'big', filename: 'big.bin', size }]);
    const started = performance.now();
    const { result, error } = await sendBody(handler, body);
    const seconds = (performance.now() - started) / 1000;
    expect(error).toBeUndefined();
    const [file] = result!.files.big!;
    expect(file!.size).toBe(size);
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(Math.ceil(size / PART));
    expect(await objectDigest(space.client, space.bucket, file!.key)).toMatchObject({ size, sha256: body.sha256[0] });
    console.info(`[core-s3] 64 MiB upload through the handler: ${seconds.toFixed(2)} s, ${(64 / seconds).toFixed(1)} MiB/s`);
  });

  it('several files in one request, each stored exactly', async () => {
    const { handler } = s3Handler(space);
    const sizes = [700_000, PART + 12_345, 11 * 1024 * 1024, 3];
    const body = streamingMultipart(sizes.map((size, i) => ({ field: i % 2 ? 'b' : 'a', filename: `f${i}.bin`, size })));
    const { result, error } = await sendBody(handler, body);
    expect(error).toBeUndefined();
    const files = [result!.files.a![0]!, result!.files.b![0]!, result!.files.a![1]!, result!.files.b![1]!];
    for (const [i, file] of files.entries()) {
      expect(await objectDigest(space.client, space.bucket, file.key)).toMatchObject({ size: sizes[i], sha256: body.sha256[i] });
    }
    expect(result!.stats.filesCompleted).toBe(4);
  });
});

describe('per-object parameters', () => {
  it('stores the sniffed ContentType, a ContentDisposition from the file, CacheControl, Metadata, ACL and tags', async () => {
    const { handler, storage } = s3Handler(space, {
      tags: { origin: 'sluice', kind: 'test' },
      params: (file) => ({
        ContentDisposition: contentDisposition(file.name),
        CacheControl: 'public, max-age=60',
        Metadata: { field: file.field },
        ACL: 'public-read',
      }),
    });
    // Declared as octet-stream; the GIF signature is what the core sniffs and the driver stores.
    const body = streamingMultipart([{ field: 'pic', filename: 'café.gif', size: 2000, head: Buffer.from('GIF89a'), contentType: 'application/octet-stream' }]);
    const { result, error } = await sendBody(handler, body);
    expect(error).toBeUndefined();
    const { key } = result!.files.pic![0]!;
    const head = await space.client.send(new HeadObjectCommand({ Bucket: space.bucket, Key: key }));
    expect(head).toMatchObject({
      ContentType: 'image/gif',
      CacheControl: 'public, max-age=60',
      ContentDisposition: `attachment; filename="caf_.gif"; filename*=UTF-8''caf%C3%A9.gif`,
      Metadata: { field: 'pic' },
    });
    const tags = await space.client.send(new GetObjectTaggingCommand({ Bucket: space.bucket, Key: key }));
    expect(tags.TagSet).toEqual(
      expect.arrayContaining([
        { Key: 'origin', Value: 'sluice' },
        { Key: 'kind', Value: 'test' },
      ]),
    );
    const acl = await space.client.send(new GetObjectAclCommand({ Bucket: space.bucket, Key: key }));
    expect(acl.Grants?.some((grant) => grant.Grantee?.URI?.endsWith('/global/AllUsers') && grant.Permission === 'READ')).toBe(true);

    const got = await storage.get(key);
    expect(got).toMatchObject({ size: 2000, contentType: 'image/gif' });
    expect(got!.lastModified).toBeInstanceOf(Date);
    got!.body.destroy();
    const listed = [];
    for await (const entry of storage.list(space.prefix)) listed.push(entry.key);
    expect(listed).toContain(key);
  });
});
