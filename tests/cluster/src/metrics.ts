/**
 * Reads an instance's `GET /metrics` page (Prometheus text format 0.0.4):
 * `name` -> value of each sample (labels ignored, `+Inf` as Infinity).
 * Throws unless the page is served with the format's content type.
 */
export async function metrics(base: string): Promise<Map<string, number>> {
  const answer = await fetch(`${base}/metrics`);
  const type = answer.headers.get('content-type') ?? '';
  if (answer.status !== 200 || !/^text\/plain; version=0\.0\.4/.test(type)) throw new Error(`GET /metrics answered ${answer.status} (${type})`);
  const samples = new Map<string, number>();
  for (const line of (await answer.text()).split('\n')) {
    const match = /^([a-z_]+)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (match) samples.set(match[1]!, match[2] === '+Inf' ? Infinity : Number(match[2]));
  }
  return samples;
}
