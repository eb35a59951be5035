import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_SAFE_NAME_BYTES, generatedName, safeExtension, safeNameFor, sanitizeFilename } from './sanitize-filename.js';
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
    // A backslash is a character of the name (mapped), except in a Windows absolute path.
    ['a＼b\uFE68c.txt', 'a_b_c.txt'],
    ['back\\slash.bin', 'back_slash.bin'],
    ['..\\..\\x.txt', '_.._x.txt'],
    ['\\\\host\\share\\report.pdf', 'report.pdf'],
    ['\\Users\\me\\a.txt', 'a.txt'],
    ['ｃ：＼evil.dll', 'evil.dll'],
    ['say "hi".bin', 'say _hi_.bin'],
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

  it('a file with no usable name gets a generated name with the extension of its media type', () => {
    expect(generatedName('application/pdf')).toBe('file.pdf');
    expect(generatedName('Text/Plain; charset=utf-8')).toBe('file.txt');
    expect(generatedName('application/x-unknown')).toBe('file');
    expect(safeNameFor('', 'image/png')).toBe('file.png');
    expect(safeNameFor(undefined, 'application/octet-stream')).toBe('file.bin');
    expect(safeNameFor('..', 'image/jpeg')).toBe('file.jpg');
    expect(safeNameFor('kept.png', 'image/jpeg')).toBe('kept.png');
  });
});
