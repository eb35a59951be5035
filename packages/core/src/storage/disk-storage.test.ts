import { mkdtemp, readdir, rm, symlink, mkdir, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runStorageConformance } from '../testing/storage-conformance.js';
import { diskStorage } from './disk-storage.js';

async function everyFile(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

runStorageConformance('disk', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'sluice-disk-'));
  return { driver: diskStorage({ root }), leftovers: () => everyFile(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('diskStorage path guard', () => {
  const file = { field: 'f', name: 'x', type: 'text/plain' };
  it.each(['../escape.txt', 'a/../../escape.txt', '/etc/passwd', 'a\\..\\b', 'a//b', 'nul\0byte', './a', ''])('refuses the key %j and writes nothing', async (key) => {
    const root = await mkdtemp(path.join(tmpdir(), 'sluice-guard-'));
    const parent = path.dirname(root);
    const before = await readdir(parent);
    const storage = diskStorage({ root });
    await expect(storage.put(key, Readable.from([Buffer.from('x')]), { signal: new AbortController().signal, file })).rejects.toThrow(/unsafe storage key/);
    expect(await everyFile(root)).toEqual([]);
    expect((await readdir(parent)).sort()).toEqual(before.sort());
    await rm(root, { recursive: true, force: true });
  });

  it('writes through the partial name with O_EXCL, never through a planted symlink at the final name', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'sluice-link-'));
    const outside = await mkdtemp(path.join(tmpdir(), 'sluice-outside-'));
    await mkdir(path.join(root, 'd'));
    await writeFile(path.join(outside, 'target.txt'), 'original');
    await symlink(path.join(outside, 'target.txt'), path.join(root, 'd', 'f.txt'));
    await diskStorage({ root }).put('d/f.txt', Readable.from([Buffer.from('new')]), { signal: new AbortController().signal, file });
    // rename() replaces the link itself; the file it pointed at is untouched.
    expect(await readFile(path.join(outside, 'target.txt'), 'utf8')).toBe('original');
    expect(await readFile(path.join(root, 'd', 'f.txt'), 'utf8')).toBe('new');
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it('never shows half a file under its key: bytes go to a hidden .partial until the file is complete', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'sluice-half-'));
    const body = new Readable({ read() {} });
    const put = diskStorage({ root }).put('d/k.txt', body, { signal: new AbortController().signal, file });
    body.push(Buffer.from('first half '));
    let files: string[] = [];
    for (let i = 0; i < 100 && files.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      files = await everyFile(root);
    }
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^d\/\.k\.txt\.[0-9a-f]+\.partial$/);
    await expect(readFile(path.join(root, 'd', 'k.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
    body.push(Buffer.from('and the rest'));
    body.push(null);
    await put;
    expect(await everyFile(root)).toEqual(['d/k.txt']);
    expect(await readFile(path.join(root, 'd', 'k.txt'), 'utf8')).toBe('first half and the rest');
    await rm(root, { recursive: true, force: true });
  });

  it('keeps the partial bytes under the key when keepPartial is set', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'sluice-keep-'));
    const body = new Readable({ read() {} });
    body.push(Buffer.from('half'));
    setTimeout(() => body.destroy(new Error('gone')), 10);
    await expect(diskStorage({ root }).put('k.txt', body, { signal: new AbortController().signal, file, keepPartial: true })).rejects.toThrow('gone');
    expect(await readFile(path.join(root, 'k.txt'), 'utf8')).toBe('half');
    expect(await everyFile(root)).toEqual(['k.txt']);
    await rm(root, { recursive: true, force: true });
  });
});
