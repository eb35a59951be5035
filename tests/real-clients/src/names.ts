import { createHash } from 'node:crypto';

/** One file a client sends: the name it is given and its bytes. */
export interface Vector {
  /** What the case is about. */
  title: string;
  /** The file name handed to the client (its own API or command line). */
  name: string;
  content: Buffer;
  type: string;
}

/** Content that is not text in any charset, different per vector, so that a mix-up shows. */
function bytesFor(seed: string, size = 3000): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let offset = 0; offset < size; offset += block.length) {
    block.copy(out, offset);
    block = createHash('sha256').update(block).digest();
  }
  // A first line no sniffer takes for a known format (the demo refuses active types).
  out.write('neutral start\n', 0, 'latin1');
  return out;
}

/**
 * The names of issue 11: a quote, a line break, a backslash, a semicolon,
 * non-ASCII, an emoji, NFD, and an empty name with content. Names are what
 * the user's file is called; the server must report them exactly.
 */
export const VECTORS: Vector[] = [
  { title: 'a quote', name: 'say "hi".bin', type: 'application/octet-stream' },
  { title: 'a line break', name: 'line\nbreak.bin', type: 'application/octet-stream' },
  { title: 'a backslash', name: 'back\\slash.bin', type: 'application/octet-stream' },
  // Browsers and fetch send `\` raw, so this one ends its quoted value in `\"`.
  { title: 'a trailing backslash', name: 'trailing\\', type: 'application/octet-stream' },
  { title: 'a semicolon', name: 'semi;colon.bin', type: 'application/octet-stream' },
  { title: 'non-ASCII', name: 'résumé naïve café.bin', type: 'application/octet-stream' },
  { title: 'an emoji', name: 'party 🎉.bin', type: 'application/octet-stream' },
  { title: 'NFD (decomposed accents, as macOS names files)', name: 'e\u0301te\u0301.bin', type: 'application/octet-stream' },
  { title: 'an empty name with content', name: '', type: 'text/plain' },
].map((vector) => ({ ...vector, content: bytesFor(vector.title) }));

/**
 * The vectors for a client that leaves `filename` out when the name is empty
 * (undici's fetch in Node 20, the npm form-data package, Python requests):
 * such a part names no file, so only its type can make it one, and a
 * `text/plain` part without a file name is a text field by RFC 7578. The
 * empty-name file is sent as `application/octet-stream` for them.
 */
export const VECTORS_WITHOUT_EMPTY_FILENAME: Vector[] = VECTORS.map((vector) => (vector.name === '' ? { ...vector, type: 'application/octet-stream' } : vector));
