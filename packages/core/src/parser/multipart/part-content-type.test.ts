import busboyUtilsModule from 'busboy/lib/utils.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePartContentType } from './part-content-type.js';

// busboy's own parsers, the reference these tests compare with.
const busboyUtils = busboyUtilsModule as unknown as {
  parseContentType(value: string): { type: string; subtype: string; params: Record<string, string> } | undefined;
};

describe('parsePartContentType', () => {
  it('reads type/subtype (lowercased) and the charset', () => {
    expect(parsePartContentType('Text/Plain; Charset="ISO-8859-1"')).toEqual({ mimeType: 'text/plain', charset: 'iso-8859-1' });
    expect(parsePartContentType('application/octet-stream')).toEqual({ mimeType: 'application/octet-stream', charset: undefined });
    expect(parsePartContentType('image/png  ')).toEqual({ mimeType: 'image/png', charset: undefined });
  });

  it('returns undefined for what is not a media type (the caller then uses text/plain, as busboy does)', () => {
    for (const value of ['', 'text', 'text/', '/plain', 'text/plain;', 'text/plain; charset', 'text/plain; charset="utf-8', 'text plain']) {
      expect(parsePartContentType(value)).toBeUndefined();
      expect(busboyUtils.parseContentType(value)).toBeUndefined();
    }
  });

  it('property: agrees with busboy 1.6 (type, subtype and charset)', () => {
    const piece = fc.oneof(
      fc.constantFrom('text', '/', 'plain', 'Application', 'octet-stream', ';', ' ', '\t', '=', '"', '\\', 'charset', 'CHARSET', 'utf-8', 'latin1', '*', ','),
      fc.string({ unit: 'binary-ascii', maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const value = pieces.join('');
        const ours = parsePartContentType(value);
        const theirs = busboyUtils.parseContentType(value);
        if (theirs === undefined) {
          expect(ours).toBeUndefined();
        } else {
          const charset = typeof theirs.params.charset === 'string' ? theirs.params.charset.toLowerCase() : undefined;
          expect(ours).toEqual({ mimeType: `${theirs.type}/${theirs.subtype}`, charset });
        }
      }),
      { numRuns: 5000 },
    );
  });
});
