import { describe, expect, it } from 'vitest';
import { clientFileName, decodeWhatwgEscapes, isWindowsAbsolutePath } from './form-names.js';

describe('decodeWhatwgEscapes', () => {
  // WHATWG multipart/form-data encoding: names escape 0x0A as %0A, 0x0D as %0D, 0x22 as %22, nothing else.
  it('undoes exactly %22, %0D and %0A', () => {
    expect(decodeWhatwgEscapes('say %22hi%22%0D%0Anext')).toBe('say "hi"\r\nnext');
    expect(decodeWhatwgEscapes('100% %25 %2F %0a %22%')).toBe('100% %25 %2F %0a "%');
    expect(decodeWhatwgEscapes('%%2222')).toBe('%"22');
  });
});

describe('clientFileName', () => {
  it.each([
    ['photo.jpg', 'photo.jpg'],
    ['back\\slash.bin', 'back\\slash.bin'],
    ['dir\\', 'dir\\'],
    ['C:\\Users\\me\\photo.jpg', 'photo.jpg'],
    ['c:\\a.txt', 'a.txt'],
    ['\\\\host\\share\\x.txt', 'x.txt'],
    ['\\Users\\me\\x.txt', 'x.txt'],
    ['../../etc/passwd', 'passwd'],
    ['a/..', ''],
    ['.', ''],
    ['', ''],
  ])('%j → %j', (raw, name) => expect(clientFileName(raw)).toBe(name));

  it('knows Windows absolute paths', () => {
    expect(isWindowsAbsolutePath('Z:\\x')).toBe(true);
    expect(isWindowsAbsolutePath('Z:x')).toBe(false);
    expect(isWindowsAbsolutePath('a\\b')).toBe(false);
  });
});
