import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SAFE_NAME_BYTES, safeExtension, sanitizeFilename } from './sanitize-filename.js';
import { isSafeKey } from './safe-key.js';

describe('sanitizeFilename', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['/absolute/path/to/file.txt', 'file.txt'],
    ['C:\\Windows\\System32\\evil.dll', 'evil.dll'],
    ['evil.php\0.png', 'evil.php.png'],
    ['line\r\nbreak".txt', 'linebreak_.txt'],
    ['evil\u202Egnp.exe', 'evilgnp.exe'],
    ['..', 'file'],
    ['', 'file'],
    ['   .hidden', 'hidden'],
    ['CON', 'file'],
    ['e\u0301te\u0301.txt', 'été.txt'],
    ['．．／．．／etc', '．．／．．／etc'],
  ])('%j → %j', (raw, safe) => {
    expect(sanitizeFilename(raw)).toBe(safe);
  });

  it('caps long names in UTF-8 bytes and keeps the extension', () => {
    const safe = sanitizeFilename('日'.repeat(3000) + '.jpeg');
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(MAX_SAFE_NAME_BYTES);
    expect(safe.endsWith('.jpeg')).toBe(true);
  });

  it('always yields a single safe key segment, for any input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (raw) => {
        const safe = sanitizeFilename(raw);
        expect(safe.length).toBeGreaterThan(0);
        expect(isSafeKey(safe)).toBe(true);
        expect(safe).not.toMatch(/[/\\\0\r\n"\u202E]/);
        expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(MAX_SAFE_NAME_BYTES);
      }),
      { numRuns: 2000 },
    );
  });

  it('safeExtension keeps plain extensions only', () => {
    expect(safeExtension('a.JPG')).toBe('.jpg');
    expect(safeExtension('archive.tar.gz')).toBe('.gz');
    expect(safeExtension('noext')).toBe('');
    expect(safeExtension('weird.ex e')).toBe('');
  });
});
