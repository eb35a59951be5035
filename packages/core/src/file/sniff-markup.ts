/**
 * Recognises markup that a browser would execute or render if it were served
 * back from the app's origin (HTML, SVG, XML). file-type deliberately leaves
 * text formats alone, so this small check follows the WHATWG MIME Sniffing
 * standard's "identify an unknown MIME type" rules for the patterns that matter
 * for safety: a leading BOM/whitespace, then a known tag.
 */
const HTML_TAGS = ['<!doctype html', '<html', '<head', '<script', '<iframe', '<h1', '<div', '<font', '<table', '<a', '<style', '<title', '<b', '<body', '<br', '<p', '<!--'];

function isTagTerminator(char: string | undefined): boolean {
  return char === ' ' || char === '>';
}

/** The media type of active markup at the start of `head`, or `undefined`. */
export function sniffMarkup(head: Uint8Array): string | undefined {
  const text = Buffer.from(head.subarray(0, 1024))
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart()
    .toLowerCase();
  if (text.startsWith('<?xml')) return /<svg[\s>]/.test(text) ? 'image/svg+xml' : 'application/xml';
  if (/^<svg[\s>]/.test(text) || text.startsWith('<!doctype svg')) return 'image/svg+xml';
  for (const tag of HTML_TAGS) {
    if (text.startsWith(tag) && (tag === '<!--' || isTagTerminator(text[tag.length]))) return 'text/html';
  }
  return undefined;
}

/** Media types that run script or render markup in a browser. */
export const ACTIVE_TYPES: readonly string[] = ['text/html', 'application/xhtml+xml', 'image/svg+xml', 'application/xml', 'text/xml', 'text/javascript', 'application/javascript'];
