import { randomInt } from 'node:crypto';

/** A small seeded PRNG (sfc32): the same seed gives the same sequence, on every machine. */
export interface Prng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** An integer in [min, max], log-uniformly distributed (most values near `min`). */
  logInt(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: T[]): T[];
}

export function prng(seed: number): Prng {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    logInt: (min, max) => Math.min(max, Math.floor(Math.exp(Math.log(min) + next() * (Math.log(max + 1) - Math.log(min))))),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}

/**
 * The seed for one test: `$name` when set (to replay a failure), else a fresh
 * random one. Printed either way, so every failure can be replayed.
 */
export function seedFrom(name: string, label: string): number {
  const raw = process.env[name];
  const seed = raw !== undefined && raw !== '' ? Number(raw) >>> 0 : randomInt(0, 2 ** 31);
  console.log(`[faults-load] ${label}: seed ${seed} (replay with ${name}=${seed})`);
  return seed;
}

/** A whole number from the environment, or `fallback`. */
export function envCount(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name}=${JSON.stringify(raw)} is not a whole number >= 1`);
  return value;
}
