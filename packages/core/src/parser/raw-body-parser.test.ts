import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createUploadHandler } from '../session/create-upload-handler.js';
import { memoryStorage } from '../storage/memory-storage.js';
import { decodeFilenameHeader, rawUploadFile } from './raw-body-parser.js';

/** A header value as Node hands it over: one char per byte. */
const asHeader = (bytes: Buffer): string => bytes.toString('latin1');

describe('decodeFilenameHeader', () => {
  it('reads raw UTF-8 bytes as UTF-8, other bytes as latin1', () => {
    expect(decodeFilenameHeader(asHeader(Buffer.from('résumé 日本.pdf')))).toBe('résumé 日本.pdf');
    expect(decodeFilenameHeader(asHeader(Buffer.from([0x63, 0x61, 0x66, 0xe9])))).toBe('café');
  });

  it('percent-decodes when the escapes are valid, and keeps the text when they are not', () => {
    expect(decodeFilenameHeader('r%C3%A9sum%C3%A9.pdf')).toBe('résumé.pdf');
    expect(decodeFilenameHeader('100% sure.txt')).toBe('100% sure.txt');
    expect(decodeFilenameHeader('bad%E9%ZZ.txt')).toBe('bad%E9%ZZ.txt');
  });
});

describe('rawUploadFile', () => {
  const naming = { field: 'file', filenameHeader: 'x-file-name', requireFilename: false };

  it('prefers the route name, then the header; no name is "" (a generated safe name follows)', () => {
    expect(rawUploadFile(naming, 'image/png', 'route.png', 'header.png')).toEqual({ field: 'file', filename: 'route.png', mimeType: 'image/png' });
    expect(rawUploadFile(naming, 'image/png', undefined, 'header.png').filename).toBe('header.png');
    expect(rawUploadFile(naming, 'image/png', undefined, undefined).filename).toBe('');
  });

  it('requireFilename refuses a nameless upload with 400 FILENAME_REQUIRED', () => {
    expect(() => rawUploadFile({ ...naming, requireFilename: true }, 'image/png', undefined, undefined)).toThrow(expect.objectContaining({ code: 'FILENAME_REQUIRED', status: 400 }));
    expect(() => rawUploadFile({ ...naming, requireFilename: true }, 'image/png', undefined, '')).toThrow(expect.objectContaining({ code: 'FILENAME_REQUIRED' }));
  });
});

describe('raw-body uploads through the handler', () => {
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(500, 0x41)]);

  it('without a name (curl --data-binary @f -H "Content-Type: application/pdf"): stored, empty name, safe name file.pdf', async () => {
    const storage = memoryStorage();
    const handler = createUploadHandler({ storage, rawUpload: true });
    const result = await handler.handle({ headers: { 'content-type': 'application/pdf', 'content-length': String(pdf.length) }, body: Readable.from([pdf]), method: 'PUT' });
    const [stored] = result.files.file!;
    expect(stored).toMatchObject({ name: '', safeName: 'file.pdf', size: pdf.length });
    expect(stored!.key).toMatch(/-file\.pdf$/);
    expect(storage.read(stored!.key)!.equals(pdf)).toBe(true);
  });

  it('a raw UTF-8 X-File-Name arrives as UTF-8; requireFilename still refuses a nameless upload', async () => {
    const storage = memoryStorage();
    const named = await createUploadHandler({ storage, rawUpload: true }).handle({
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': asHeader(Buffer.from('naïve 😀.bin')) },
      body: Readable.from([Buffer.from('x')]),
      method: 'POST',
    });
    expect(named.files.file![0]).toMatchObject({ name: 'naïve 😀.bin', safeName: 'naïve 😀.bin' });
    const strict = createUploadHandler({ storage: memoryStorage(), rawUpload: { requireFilename: true } });
    await expect(strict.handle({ headers: { 'content-type': 'application/pdf' }, body: Readable.from([pdf]), method: 'PUT' })).rejects.toMatchObject({ code: 'FILENAME_REQUIRED', status: 400 });
  });
});
