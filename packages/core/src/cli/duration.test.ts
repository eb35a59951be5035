import { describe, expect, it } from 'vitest';
import { formatAge, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
    ['30s', 30_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['0s', 0],
  ])('%s = %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['24', '', 'h', '-1h', '1y', 'soon'])('refuses %j', (text) => expect(() => parseDuration(text)).toThrow(RangeError));
});

describe('formatAge', () => {
  it.each([
    [5_000, '5s'],
    [12 * 60_000, '12m'],
    [3 * 3_600_000 + 4 * 60_000, '3h 4m'],
    [2 * 86_400_000 + 5 * 3_600_000, '2d 5h'],
  ])('%i ms -> %s', (ms, text) => expect(formatAge(ms)).toBe(text));
});
