const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * Parses a duration such as `24h`, `90m`, `7d`, `30s`, `500ms` or `0` into
 * milliseconds. A bare number is refused unless it is 0, because "older than
 * 24" is ambiguous and a wrong guess aborts uploads in progress.
 */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(text);
  if (!match) throw new RangeError(`not a duration: "${text}" (use e.g. 24h, 90m, 7d, 30s)`);
  const value = Number(match[1]);
  if (match[2] === undefined) {
    if (value === 0) return 0;
    throw new RangeError(`"${text}" has no unit (use e.g. ${text}h or ${text}d)`);
  }
  return Math.round(value * UNITS[match[2]]!);
}

/** Formats milliseconds the way a person reads an age: `3d 4h`, `12m`, `40s`. */
export function formatAge(ms: number): string {
  if (ms < 60_000) return `${Math.max(0, Math.floor(ms / 1000))}s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)}h ${Math.floor((ms % 3_600_000) / 60_000)}m`;
  return `${Math.floor(ms / 86_400_000)}d ${Math.floor((ms % 86_400_000) / 3_600_000)}h`;
}
