import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '@sluice/core';
import { downloadPath, keyFromPath, nameFromKey, openDownload } from './files.js';
import { renderPage } from './page.js';
import { loadConfig } from './config.js';

async function store(key: string, content: string, type: string) {
  const storage = memoryStorage();
  await storage.put(key, Readable.from([Buffer.from(content)]), { signal: new AbortController().signal, file: { field: 'f', name: key, type } });
  return storage;
}

describe('download helpers', () => {
  it('round-trips keys through URL paths', () => {
    const key = '2026/11/0123456789abcdef0123456789abcdef-naïve 日本 #1?.txt';
    expect(downloadPath(key)).toBe('/files/2026/11/0123456789abcdef0123456789abcdef-na%C3%AFve%20%E6%97%A5%E6%9C%AC%20%231%3F.txt');
    expect(keyFromPath(downloadPath(key).slice('/files/'.length))).toBe(key);
    expect(nameFromKey(key)).toBe('naïve 日本 #1?.txt');
  });

  it.each(['../etc/passwd', '..%2Fetc%2Fpasswd', 'a/%2E%2E/b', '%2Fetc/passwd', 'a//b', 'a%5Cb', '%00', '%E0%A4%A', ''])('refuses the unsafe key path %j', (path) => {
    expect(keyFromPath(path)).toBeUndefined();
  });

  it('always serves active content as an attachment, with nosniff and a sandbox', async () => {
    for (const [key, type] of [
      ['x.html', 'text/html'],
      ['x.svg', 'image/svg+xml'],
      ['x.xml', 'application/xml'],
      ['x.js', 'text/javascript'],
      ['x.bin', 'application/octet-stream'],
    ] as const) {
      const download = await openDownload(await store(key, '<b>', type), key);
      expect(download!.headers['Content-Disposition'], type).toMatch(/^attachment;/);
      expect(download!.headers['X-Content-Type-Options']).toBe('nosniff');
      expect(download!.headers['Content-Security-Policy']).toContain('sandbox');
    }
  });

  it('shows harmless media inline', async () => {
    const download = await openDownload(await store('a.png', 'png', 'image/png'), 'a.png');
    expect(download!.headers['Content-Disposition']).toBe('inline; filename=a.png');
  });

  it('answers undefined (404) for a missing key', async () => {
    expect(await openDownload(memoryStorage(), 'nothing/here.txt')).toBeUndefined();
  });
});

describe('renderPage', () => {
  it('embeds the public settings so that no value can close the script element', () => {
    const html = renderPage({ framework: 'Test</script><script>alert(1)</script>', config: loadConfig({ ALLOWED_TYPES: 'text/plain', STORAGE: 'memory' }) });
    expect(html).not.toContain('</script><script>alert(1)');
    const json = /<script id="sluice-config" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!;
    expect(JSON.parse(json)).toEqual({
      framework: 'Test</script><script>alert(1)</script>',
      storage: 'memory',
      limits: { fileSize: 10 * 1024 * 1024, totalSize: 100 * 1024 * 1024, files: 20 },
      allowedTypes: ['text/plain'],
      checksums: ['sha256'],
    });
  });
});
