import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { memoryHandler, send, sendRaw } from '../support.js';

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 1)]);
const PDF = Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');

describe('type sniffing and allowedTypes', () => {
  it('reports declared and detected types, and acts on the detected one', async () => {
    const { handler } = memoryHandler();
    const { result } = await send(handler, [{ name: 'f', filename: 'photo.jpg', content: PNG, contentType: 'image/jpeg' }]);
    expect(result!.files.f![0]!).toMatchObject({ declaredType: 'image/jpeg', detectedType: 'image/png', type: 'image/png' });
  });

  it('warns when the declared type does not match the bytes', async () => {
    const { handler } = memoryHandler();
    const { events } = await send(handler, [{ name: 'f', filename: 'x.png', content: PDF, contentType: 'image/png' }]);
    expect(events.some((event) => event.type === 'message' && event.kind === 'warning' && /does not match/.test(event.text))).toBe(true);
  });

  it('refuses a disallowed type with 415 before a byte reaches storage', async () => {
    const puts: string[] = [];
    const { handler, storage } = memoryHandler({ allowedTypes: ['image/*'] });
    const originalPut = storage.put.bind(storage);
    storage.put = (key, body, options) => {
      puts.push(key);
      return originalPut(key, body, options);
    };
    const { error } = await send(handler, [{ name: 'f', filename: 'doc.png', content: PDF, contentType: 'image/png' }]);
    expect(error).toMatchObject({ code: 'TYPE_NOT_ALLOWED', status: 415, details: { type: 'application/pdf' } });
    expect(puts).toEqual([]);
    expect(storage.keys()).toEqual([]);
  });

  it('does not believe a declared signature type that the bytes lack', async () => {
    const { handler } = memoryHandler({ allowedTypes: ['image/png'] });
    const { error } = await send(handler, [{ name: 'f', filename: 'fake.png', content: 'just text, no PNG signature', contentType: 'image/png' }]);
    expect(error?.code).toBe('TYPE_NOT_ALLOWED');
    expect(error?.details.type).toBe('application/octet-stream');
  });

  it.each([
    ['<!DOCTYPE html><html><script>alert(1)</script>', 'text/html'],
    ['  <html><body>hi</body></html>', 'text/html'],
    ['<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml'],
    ['<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml'],
    ['<?xml version="1.0"?><note/>', 'application/xml'],
  ])('sniffs active markup %j as %s even when declared as an image', async (content, type) => {
    const { handler } = memoryHandler({ allowedTypes: ['image/png', 'text/plain'] });
    const { error } = await send(handler, [{ name: 'f', filename: 'innocent.png', content, contentType: 'image/png' }]);
    expect(error).toMatchObject({ code: 'TYPE_NOT_ALLOWED', details: { type } });
  });

  it('lets signature-less text types through by declared type, then extension', async () => {
    const { handler } = memoryHandler({ allowedTypes: ['text/csv', 'text/plain'] });
    const { result } = await send(handler, [
      { name: 'a', filename: 'data.csv', content: 'a,b\n1,2\n', contentType: 'text/csv' },
      { name: 'b', filename: 'notes.txt', content: 'hello', contentType: 'application/octet-stream' },
    ]);
    expect(result!.files.a![0]!.type).toBe('text/csv');
    expect(result!.files.b![0]!.type).toBe('text/plain');
  });
});

describe('raw-body uploads', () => {
  it('stores the body itself as one file, named by the route', async () => {
    const { handler, storage } = memoryHandler({ rawUpload: true, checksums: ['sha256'] });
    const result = await handler.handle({ headers: { 'content-type': 'application/pdf', 'content-length': String(PDF.length) }, body: Readable.from([PDF]), filename: 'report.pdf' });
    const file = result.files.file![0]!;
    expect(file).toMatchObject({ name: 'report.pdf', type: 'application/pdf', size: PDF.length });
    expect(storage.read(file.key)!.equals(PDF)).toBe(true);
  });

  it('takes a percent-encoded name from the header, and applies the same limits', async () => {
    const { handler, storage } = memoryHandler({ rawUpload: { field: 'upload', filenameHeader: 'X-Name' }, limits: { fileSize: 10 } });
    const ok = await sendRaw(handler, Buffer.from('0123456789'), { 'content-type': 'text/plain', 'x-name': encodeURIComponent('résumé.txt') });
    expect(ok.result!.files.upload![0]!.name).toBe('résumé.txt');
    const tooBig = await sendRaw(handler, Buffer.from('0123456789A'), { 'content-type': 'text/plain', 'x-name': 'a.txt' }, 3);
    expect(tooBig.error).toMatchObject({ code: 'LIMIT_FILE_SIZE', status: 413 });
    expect(storage.keys()).toHaveLength(1);
  });

  it('requires a file name when requireFilename is set', async () => {
    const { handler } = memoryHandler({ rawUpload: { requireFilename: true } });
    expect((await sendRaw(handler, Buffer.from('x'), { 'content-type': 'text/plain' })).error).toMatchObject({ code: 'FILENAME_REQUIRED', status: 400 });
  });

  it('accepts PUT and POST, and refuses any other method with 405 before reading', async () => {
    const { handler, storage } = memoryHandler({ rawUpload: true });
    for (const method of ['PUT', 'post']) {
      const result = await handler.handle({ headers: { 'content-type': 'text/plain' }, body: Readable.from([Buffer.from('hi')]), method, filename: 'a.txt' });
      expect(result.files.file![0]!.size).toBe(2);
    }
    const refused = await handler.handle({ headers: { 'content-type': 'text/plain' }, body: Readable.from([Buffer.from('hi')]), method: 'PATCH', filename: 'a.txt' }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'METHOD_NOT_ALLOWED', status: 405 });
    expect(storage.keys()).toHaveLength(2);
  });

  it('emits the same events as a multipart upload: loadstart, progress, load, loadend', async () => {
    const { handler } = memoryHandler({ rawUpload: true, progress: { chunks: 1 } });
    const names: string[] = [];
    await handler.handle({ headers: { 'content-type': 'text/plain' }, body: Readable.from([Buffer.from('ab'), Buffer.from('cd')]), filename: 'a.txt', onEvent: (event) => names.push(event.type) });
    expect(names[0]).toBe('loadstart');
    expect(names.at(-1)).toBe('loadend');
    expect(names.filter((name) => name === 'progress').length).toBeGreaterThanOrEqual(2);
    expect(names.filter((name) => name === 'load')).toHaveLength(1);
    expect(names.indexOf('load')).toBeLessThan(names.indexOf('loadend'));
  });

  it('is refused with 415 when not configured', async () => {
    const { handler } = memoryHandler();
    expect((await sendRaw(handler, Buffer.from('x'), { 'content-type': 'text/plain', 'x-file-name': 'a.txt' })).error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('shutdown', () => {
  it('fails in-flight uploads with 503 SHUTTING_DOWN after cleaning up, and refuses new ones', async () => {
    const { handler, storage } = memoryHandler();
    const stalled = new Readable({ read() {} });
    stalled.push(`--b\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\n${'x'.repeat(10_000)}`);
    const pending = handler.handle({ headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: stalled }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(handler.activeUploads).toBe(1);
    await handler.shutdown();
    expect(await pending).toMatchObject({ code: 'SHUTTING_DOWN', status: 503 });
    expect(handler.activeUploads).toBe(0);
    expect(storage.keys()).toEqual([]);
    const late = await send(handler, [{ name: 'a', value: 'b' }]);
    expect(late.error?.code).toBe('SHUTTING_DOWN');
  });
});
