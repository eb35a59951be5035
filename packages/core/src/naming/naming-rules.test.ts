/**
 * The naming rules end to end (default engine, memory storage): `name` is the
 * client's, `safeName` and keys are safe, a file input left empty is no file.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createUploadHandler } from '../session/create-upload-handler.js';
import { memoryStorage } from '../storage/memory-storage.js';
import { isSafeKey } from './safe-key.js';

const B = 'NamingRulesBoundary';

function form(...parts: Array<[headers: string, body: string | Buffer]>): Buffer {
  return Buffer.concat([
    ...parts.flatMap(([headers, content]) => [Buffer.from(`--${B}\r\n${headers}\r\n\r\n`, 'latin1'), Buffer.isBuffer(content) ? content : Buffer.from(content), Buffer.from('\r\n')]),
    Buffer.from(`--${B}--\r\n`),
  ]);
}

async function upload(body: Buffer, limits = {}) {
  const storage = memoryStorage();
  const handler = createUploadHandler({ storage, limits });
  const result = await handler.handle({ headers: { 'content-type': `multipart/form-data; boundary=${B}` }, body: Readable.from([body]) });
  return { result, storage };
}

describe('naming rules through the handler', () => {
  it('an untouched optional file input is not stored and not counted against files', async () => {
    const { result, storage } = await upload(
      form(
        ['Content-Disposition: form-data; name="avatar"; filename=""\r\nContent-Type: application/octet-stream', ''],
        ['Content-Disposition: form-data; name="doc"; filename="a.txt"\r\nContent-Type: text/plain', 'text'],
      ),
      { files: 1 },
    );
    expect(Object.keys(result.files)).toEqual(['doc']);
    expect(storage.keys()).toHaveLength(1);
  });

  it('a file with an empty name is stored with a generated safe name and key; its name stays ""', async () => {
    const content = Buffer.alloc(4000, 0xe9);
    const { result, storage } = await upload(form(['Content-Disposition: form-data; name="doc"; filename=""\r\nContent-Type: text/plain', content]));
    const [file] = result.files.doc!;
    expect(file).toMatchObject({ name: '', safeName: 'file.txt', size: 4000 });
    expect(storage.read(file!.key)!.equals(content)).toBe(true);
    expect(result.fields).toEqual({});
  });

  it('name keeps quotes, line breaks and backslashes as sent; safeName and key carry no control character, quote or backslash', async () => {
    const { result } = await upload(form(['Content-Disposition: form-data; name="f"; filename="say %22hi%22%0D%0Aback\\slash.bin"\r\nContent-Type: application/octet-stream', 'x']));
    const [file] = result.files.f!;
    expect(file!.name).toBe('say "hi"\r\nback\\slash.bin');
    expect(file!.safeName).toBe('say _hi_back_slash.bin');
    expect(isSafeKey(file!.key)).toBe(true);
    expect(file!.key).not.toMatch(/[\u0000-\u001f"\\]/);
  });
});
