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
    // NFKC: fullwidth dots and solidus are `../`; compatibility forms fold.
    ['．．／．．／etc', 'etc'],
    ['．．', 'file'],
    ['a＼b\uFE68c.txt', 'c.txt'],
    ['bill\u2100.pdf', 'c.pdf'],
    ['\uFB01le.txt', 'file.txt'],
  ])('%j → %j', (raw, safe) => {
    expect(sanitizeFilename(raw)).toBe(safe);
  });

  it('caps long names in UTF-8 bytes and keeps the extension', () => {
    const safe = sanitizeFilename(`${'日'.repeat(3000)}.jpeg`);
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
        // Still one safe segment for whatever normalises it later.
        expect(isSafeKey(safe.normalize('NFKC'))).toBe(true);
        expect(safe.normalize('NFKC')).not.toMatch(/[/\\]/);
        expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(MAX_SAFE_NAME_BYTES);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves no separator or dot-dot segment after NFKC, for names built from look-alikes (property)', () => {
    const lookAlikes = fc.constantFrom('．', '／', '＼', '﹨', '\u2100', '\u2101', '\u2105', '\u2106', '\uFB01', '.', '/', 'a', ' ', '\u202E');
    fc.assert(
      fc.property(fc.string({ unit: lookAlikes, maxLength: 60 }), (raw) => {
        const folded = sanitizeFilename(raw).normalize('NFKC');
        expect(isSafeKey(folded)).toBe(true);
        expect(folded).not.toMatch(/[/\\]|^\.\.?$/);
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
