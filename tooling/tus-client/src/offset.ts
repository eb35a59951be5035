/** The offset a tus server reports for `url` (a HEAD, as a resuming client sends); throws on any status but 200 or 204. */
export async function tusOffset(url: string): Promise<number> {
  const response = await fetch(url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
  // tus 1.0 allows 200 or 204 for a HEAD (its examples show 200).
  if (response.status !== 200 && response.status !== 204) throw new Error(`HEAD ${url}: HTTP ${response.status}`);
  return Number(response.headers.get('upload-offset'));
}

/**
 * Waits for the offset an interrupted PATCH left: at least `atLeast` (by
 * default above 0) and unchanged over three looks 200 ms apart. A HEAD during
 * the PATCH still reports the offset before it (the server may still be
 * storing bytes that were in flight), so a single look, or a 0, proves
 * nothing yet.
 */
export async function settledTusOffset(url: string, timeoutMs = 30_000, atLeast = 1): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const seen: number[] = [];
  while (Date.now() < deadline) {
    seen.push(await tusOffset(url));
    const last = seen.slice(-3);
    if (last.length === 3 && last[0]! >= atLeast && last.every((offset) => offset === last[0])) return last[0]!;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the offset of ${url} did not settle at ${atLeast} or more within ${timeoutMs} ms: ${seen.join(', ')}`);
}
