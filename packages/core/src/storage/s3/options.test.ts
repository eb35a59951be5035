import { describe, expect, it } from 'vitest';
import { S3Client } from '@aws-sdk/client-s3';
import { contentDisposition } from './content-disposition.js';
import { MIN_PART_SIZE, resolveS3Options, toTagging } from './options.js';

const file = { field: 'f', name: 'a.txt', type: 'text/plain' };
const client = new S3Client({ region: 'us-east-1' });

describe('resolveS3Options', () => {
  it('fills in defaults: 5 MiB parts, queue of 4, a budget of at least 256 MiB, ContentType from the file', () => {
    const resolved = resolveS3Options({ bucket: 'b', client });
    expect(resolved).toMatchObject({ partSize: MIN_PART_SIZE, queueSize: 4, memoryBudget: 256 * 1024 * 1024, abortRetryMs: 30_000 });
    expect(resolved.objectParams(file, 'k')).toEqual({ ContentType: 'text/plain' });
  });

  it('lets params (static or per file) and tags set the object parameters', () => {
    const resolved = resolveS3Options({ bucket: 'b', client, tags: { a: '1', 'b c': 'd&e' }, params: (f, key) => ({ CacheControl: 'no-store', Metadata: { field: f.field, key } }) });
    expect(resolved.objectParams(file, 'k')).toEqual({ ContentType: 'text/plain', Tagging: 'a=1&b+c=d%26e', CacheControl: 'no-store', Metadata: { field: 'f', key: 'k' } });
    expect(resolveS3Options({ bucket: 'b', client, params: { ContentType: 'x/y', ACL: 'public-read' } }).objectParams(file, 'k')).toEqual({ ContentType: 'x/y', ACL: 'public-read' });
  });

  it('builds a client that does not send the checksums radosgw refuses', async () => {
    const built = resolveS3Options({ bucket: 'b', clientConfig: { region: 'eu-west-1' } }).client;
    expect(await built.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
    expect(await built.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
  });

  it.each([
    [{ bucket: '' }, /bucket/],
    [{ bucket: 'b', partSize: 1024 }, /partSize/],
    [{ bucket: 'b', queueSize: 0 }, /queueSize/],
    [{ bucket: 'b', memoryBudget: 2 * MIN_PART_SIZE }, /memoryBudget/],
  ])('refuses %j at start-up', (options, message) => {
    expect(() => resolveS3Options({ client, ...options })).toThrow(message);
  });
});

describe('helpers', () => {
  it('contentDisposition gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('naïve "plan" 100%.pdf')).toBe(`attachment; filename="na_ve _plan_ 100_.pdf"; filename*=UTF-8''na%C3%AFve%20%22plan%22%20100%25.pdf`);
    expect(contentDisposition("it's.txt", 'inline')).toBe(`inline; filename="it's.txt"; filename*=UTF-8''it%27s.txt`);
  });

  it('toTagging encodes tags as a query string', () => {
    expect(toTagging({ project: 'sluice', 'a b': 'c/d' })).toBe('project=sluice&a+b=c%2Fd');
  });
});
