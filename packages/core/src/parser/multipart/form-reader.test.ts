/**
 * Issue 11 through the default engine (createSluiceParser, as the upload
 * engine drives it): bodies built by hand from RFC 7578, RFC 2046, RFC 2045
 * §6.7/§6.8, RFC 5322 §2.2.3 and the WHATWG multipart/form-data encoding
 * algorithm, and the shapes real clients put on the wire.
 */
import { describe, expect, it } from 'vitest';
import { CHUNKINGS, parse, type Outcome } from '../../../test/parser-harness.js';
import type { UploadLimits } from '../../limits/limits.js';
import { createSluiceParser } from '../sluice-parser.js';
import { MAX_SKIPPED_PARTS } from './form-reader.js';

const B = 'IssueElevenB0undary';
const TYPE = `multipart/form-data; boundary=${B}`;

/** One part: its header lines (latin1 text, one char per byte) and its body. */
type RawPart = [headers: string, body: string | Buffer];

function body(...parts: RawPart[]): Buffer {
  const chunks: Buffer[] = [];
  for (const [headers, content] of parts) {
    chunks.push(Buffer.from(`--${B}\r\n${headers}\r\n\r\n`, 'latin1'), Buffer.isBuffer(content) ? content : Buffer.from(content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${B}--\r\n`));
  return Buffer.concat(chunks);
}

/** Parses `bytes` whole and in every chunking of the shared harness; all must agree. */
async function read(bytes: Buffer, limits: Partial<UploadLimits> = {}, defaultCharset?: string): Promise<Outcome> {
  const create =
    defaultCharset === undefined ? createSluiceParser : (type: string, l: UploadLimits, events: Parameters<typeof createSluiceParser>[2]) => createSluiceParser(type, l, events, { defaultCharset });
  const outcomes = await Promise.all(CHUNKINGS.map(([, split]) => parse(create, TYPE, split(bytes), limits)));
  for (const outcome of outcomes.slice(1)) expect({ ...outcome, pausedWrites: 0 }).toEqual({ ...outcomes[0]!, pausedWrites: 0 });
  return outcomes[0]!;
}

const file = (field: string, filename: string | undefined, content: string | Buffer, mimeType = 'application/octet-stream') => ({
  type: 'file' as const,
  field,
  filename,
  mimeType,
  content: Buffer.isBuffer(content) ? content.toString('latin1') : Buffer.from(content).toString('latin1'),
});
const field = (name: string, value: string) => ({ type: 'field' as const, name, value, refused: false });

describe('a filename parameter makes a file; filename="" with no bytes is no file chosen', () => {
  it('filename="" with a text/plain body is a file with an empty name, every byte kept (Chromium: new File([bytes], "", {type: "text/plain"}))', async () => {
    const content = Buffer.alloc(4000, 0xe9);
    const outcome = await read(body(['Content-Disposition: form-data; name="doc"; filename=""\r\nContent-Type: text/plain', content]));
    expect(outcome).toMatchObject({ end: 'finish', seen: [file('doc', '', content, 'text/plain')] });
  });

  it('a part with a filename is a file whatever its type, even with no Content-Type (RFC 7578 §4.4 default text/plain)', async () => {
    const outcome = await read(body(['Content-Disposition: form-data; name="a"; filename="notes.txt"', 'plain text']));
    expect(outcome.seen).toEqual([file('a', 'notes.txt', 'plain text', 'text/plain')]);
  });

  it('an untouched optional file input (filename="", no bytes) is skipped and not counted against files', async () => {
    const bytes = body(
      ['Content-Disposition: form-data; name="title"', 'Holiday'],
      ['Content-Disposition: form-data; name="optional"; filename=""\r\nContent-Type: application/octet-stream', ''],
      ['Content-Disposition: form-data; name="photo"; filename="p.jpg"\r\nContent-Type: image/jpeg', 'jpeg bytes'],
      ['Content-Disposition: form-data; name="also-empty"; filename=""\r\nContent-Type: application/octet-stream', ''],
    );
    const outcome = await read(bytes, { files: 1, parts: 2 });
    expect(outcome).toMatchObject({ end: 'finish', seen: [field('title', 'Holiday'), file('photo', 'p.jpg', 'jpeg bytes', 'image/jpeg')] });
  });

  it(`at most ${MAX_SKIPPED_PARTS} untouched inputs are skipped per body; past that they count as files (and meet the files limit)`, async () => {
    const empty: RawPart = ['Content-Disposition: form-data; name="e"; filename=""\r\nContent-Type: application/octet-stream', ''];
    const bytes = body(...Array.from({ length: MAX_SKIPPED_PARTS + 3 }, () => empty));
    const outcome = await parse(createSluiceParser, TYPE, [bytes], { files: 2 });
    expect(outcome).toMatchObject({ end: 'limit:files', seen: [file('e', '', ''), file('e', '', '')] });
  });

  it('a chosen file with an empty name and one byte is kept', async () => {
    const outcome = await read(body(['Content-Disposition: form-data; name="f"; filename=""\r\nContent-Type: application/octet-stream', 'x']));
    expect(outcome.seen).toEqual([file('f', '', 'x')]);
  });

  it('an empty file that has a name is still a file (only filename="" means "none chosen")', async () => {
    const outcome = await read(body(['Content-Disposition: form-data; name="f"; filename="empty.txt"\r\nContent-Type: text/plain', '']));
    expect(outcome.seen).toEqual([file('f', 'empty.txt', '', 'text/plain')]);
  });
});

describe('WHATWG escapes in names', () => {
  // The algorithm escapes exactly `"` → %22, CR → %0D, LF → %0A in names and file names.
  it('undoes %22, %0D and %0A in file names and field names, and nothing else', async () => {
    const outcome = await read(
      body(
        ['Content-Disposition: form-data; name="q%22uote%0D%0Aname"', 'v'],
        ['Content-Disposition: form-data; name="f"; filename="say %22hi%22 100%25 %41 %0a.bin"\r\nContent-Type: application/octet-stream', 'x'],
      ),
    );
    expect(outcome.seen).toEqual([field('q"uote\r\nname', 'v'), file('f', 'say "hi" 100%25 %41 %0a.bin', 'x')]);
  });

  it('a backslash is kept in the name; a Windows absolute path keeps only its last segment', async () => {
    const outcome = await read(
      body(
        ['Content-Disposition: form-data; name="f"; filename="back\\slash.bin"', '1'],
        ['Content-Disposition: form-data; name="f"; filename="back\\\\slash.bin"', '2'],
        ['Content-Disposition: form-data; name="f"; filename="C:\\Documents and Settings\\me\\cv.doc"', '3'],
      ),
    );
    expect(outcome.seen.map((seen) => seen.type === 'file' && seen.filename)).toEqual(['back\\slash.bin', 'back\\slash.bin', 'cv.doc']);
  });
});

describe('charsets of names', () => {
  const latin1 = (text: string): string => Buffer.from(text, 'latin1').toString('latin1');

  it('name bytes that are not UTF-8 are windows-1252, not U+FFFD (a form on a windows-1252 page)', async () => {
    const outcome = await read(body([latin1('Content-Disposition: form-data; name="pi\xe8ce"; filename="caf\xe9 \x80.txt"'), 'x']));
    expect(outcome.seen).toEqual([file('pièce', 'café €.txt', 'x', 'text/plain')]);
  });

  it('UTF-8 names stay UTF-8 (NFD kept as sent, emoji)', async () => {
    const name = 'e\u0301te\u0301 😀.txt';
    const outcome = await read(body([Buffer.from(`Content-Disposition: form-data; name="f"; filename="${name}"`).toString('latin1'), 'x']));
    expect(outcome.seen).toEqual([file('f', name, 'x', 'text/plain')]);
  });

  it('the _charset_ field names the charset of the names and text after it (RFC 7578 §4.6)', async () => {
    const sjis = Buffer.from([0x93, 0xfa, 0x96, 0x7b]).toString('latin1'); // 日本 in Shift_JIS
    const outcome = await read(
      body(
        ['Content-Disposition: form-data; name="_charset_"', 'Shift_JIS'],
        [`Content-Disposition: form-data; name="${sjis}"`, Buffer.from(sjis, 'latin1')],
        [`Content-Disposition: form-data; name="f"; filename="${sjis}.txt"`, 'x'],
        [`Content-Disposition: form-data; name="g"; filename*=UTF-8''%E6%97%A5.txt`, 'y'],
      ),
    );
    expect(outcome.seen).toEqual([field('_charset_', 'Shift_JIS'), field('日本', '日本'), file('f', '日本.txt', 'x', 'text/plain'), file('g', '日.txt', 'y', 'text/plain')]);
  });

  it('the defaultCharset option replaces windows-1252 for name bytes that are not UTF-8, and reads unlabelled text too', async () => {
    const outcome = await read(body([latin1('Content-Disposition: form-data; name="\xb1"'), Buffer.from([0xb1])]), {}, 'iso-8859-2');
    expect(outcome.seen).toEqual([field('ą', 'ą')]);
  });
});

describe("the npm form-data package's raw quotes and line breaks", () => {
  it('reads a quoted name holding raw quotes, CRLF and LF when only one reading exists', async () => {
    const outcome = await read(
      body(
        ['Content-Disposition: form-data; name="f"; filename="say "hi".bin"\r\nContent-Type: application/octet-stream', '1'],
        ['Content-Disposition: form-data; name="f"; filename="line\r\nbreak.bin"\r\nContent-Type: application/octet-stream', '2'],
        ['Content-Disposition: form-data; name="f"; filename="bare\nlf.bin"\r\nContent-Type: application/octet-stream', '3'],
        ['Content-Disposition: form-data; name="we"ird"', 'v'],
        // A browser sends `\` raw: a name ending in one ends its quoted value in `\"`.
        ['Content-Disposition: form-data; name="f"; filename="dir\\"\r\nContent-Type: application/octet-stream', '4'],
      ),
    );
    expect(outcome).toMatchObject({
      end: 'finish',
      seen: [file('f', 'say "hi".bin', '1'), file('f', 'line\r\nbreak.bin', '2'), file('f', 'bare\nlf.bin', '3'), field('we"ird', 'v'), file('f', 'dir\\', '4')],
    });
  });

  it.each([
    ['a repeated parameter', 'Content-Disposition: form-data; name="f"; filename="a.txt"; filename="b.php"'],
    ['a raw quote followed by what reads as another parameter', 'Content-Disposition: form-data; name="f"; filename="a"; name="b.txt"'],
    ['text after the last quote', 'Content-Disposition: form-data; name="f"; filename="a"b"c'],
    ['a raw line break followed by a header-like line', 'Content-Disposition: form-data; name="f"; filename="a\r\nX-Injected: b.bin"'],
    ['a raw blank line inside the name', 'Content-Disposition: form-data; name="f"; filename="a\r\n\r\nb.bin"'],
  ])('refuses what is ambiguous: %s', async (_, headers) => {
    expect((await read(body([headers, 'x']))).end).toBe('error');
  });
});

describe('Content-Transfer-Encoding (RFC 2045 §6)', () => {
  const content = Buffer.from(Array.from({ length: 700 }, (_, i) => (i * 37) % 256));

  it('base64 bodies are decoded (76-character lines), files and fields', async () => {
    const encoded = content.toString('base64').replace(/.{76}/g, '$&\r\n');
    const outcome = await read(
      body(
        ['Content-Disposition: form-data; name="f"; filename="b.bin"\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: BASE64', encoded],
        ['Content-Disposition: form-data; name="t"\r\nContent-Transfer-Encoding: base64', Buffer.from('héllo').toString('base64')],
      ),
    );
    expect(outcome).toMatchObject({ end: 'finish', seen: [file('f', 'b.bin', content), field('t', 'héllo')] });
  });

  it('quoted-printable bodies are decoded (=XX, soft line breaks)', async () => {
    const outcome = await read(body(['Content-Disposition: form-data; name="q"; filename="q.txt"\r\nContent-Transfer-Encoding: quoted-printable', 'caf=C3=A9 =3D 1=\r\n, long line=\nend']));
    expect(outcome.seen).toEqual([file('q', 'q.txt', 'café = 1, long lineend', 'text/plain')]);
  });

  it('7bit, 8bit and binary are the bytes as sent', async () => {
    const outcome = await read(body(['Content-Disposition: form-data; name="f"; filename="a.bin"\r\nContent-Transfer-Encoding: binary', 'QUJD']));
    expect(outcome.seen).toEqual([file('f', 'a.bin', 'QUJD', 'text/plain')]);
  });

  it.each([
    ['an unknown encoding', 'x-uuencode', 'begin 644 a'],
    ['bytes that are not base64', 'base64', 'QUJD*A=='],
    ['data after the base64 padding', 'base64', 'QQ==QUJD'],
    ['a quoted-printable = that starts no escape', 'quoted-printable', 'a=ZZb'],
    ['a body cut inside a quoted-printable escape', 'quoted-printable', 'ab=4'],
  ])('refuses %s (never stores the encoded text)', async (_, encoding, text) => {
    expect((await read(body([`Content-Disposition: form-data; name="f"; filename="a.bin"\r\nContent-Transfer-Encoding: ${encoding}`, text]))).end).toBe('error');
  });
});

describe('folded part header lines (RFC 5322 §2.2.3)', () => {
  it('are unfolded', async () => {
    const outcome = await read(body(['Content-Disposition: form-data; name="f";\r\n filename="folded.txt"\r\nContent-Type:\r\n\ttext/plain', 'x']));
    expect(outcome).toMatchObject({ end: 'finish', seen: [file('f', 'folded.txt', 'x', 'text/plain')] });
  });
});
