import { describe, expect, it } from 'vitest';
import { canonicalCharset, decodeFieldValue, decodeFormBytes, formCharsetFromField, textCharsetLabel, utf8Else } from './charsets.js';

describe('form charsets', () => {
  it('UTF-8 when valid, else the fallback (windows-1252 by default, with its 0x80-0x9F)', () => {
    expect(decodeFormBytes(Buffer.from('café €'), utf8Else())).toBe('café €');
    expect(decodeFormBytes(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x93, 0x94]), utf8Else())).toBe('café €“”');
    expect(decodeFormBytes(Buffer.from([0xb1]), utf8Else('iso-8859-2'))).toBe('ą');
  });

  it('_charset_ takes a known ASCII-compatible label; UTF-8, UTF-16 and unknown labels change nothing', () => {
    const current = utf8Else();
    expect(formCharsetFromField('Shift_JIS', current)).toEqual({ kind: 'declared', charset: 'shift_jis' });
    expect(formCharsetFromField('ISO-8859-1', current)).toEqual({ kind: 'declared', charset: 'windows-1252' });
    for (const label of ['UTF-8', 'utf-16', 'UTF-16BE', 'x-no-such', 'iso-2022-kr']) expect(formCharsetFromField(label, current)).toBe(current);
    expect(canonicalCharset(' latin1 ')).toBe('windows-1252');
  });

  it('a text field: its declared charset, else the form charset for values, else UTF-8', () => {
    const e9 = Buffer.from([0x63, 0x61, 0x66, 0xe9]);
    expect(decodeFieldValue(e9, textCharsetLabel('iso-8859-1', utf8Else()))).toBe('café');
    expect(decodeFieldValue(e9, textCharsetLabel(undefined, { kind: 'declared', charset: 'windows-1252' }))).toBe('café');
    expect(decodeFieldValue(e9, textCharsetLabel(undefined, undefined))).toBe('caf\uFFFD');
  });
});
