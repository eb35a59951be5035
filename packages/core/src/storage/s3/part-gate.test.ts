import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ByteBudget } from './byte-budget.js';
import { BASE_PARTS, PartGate } from './part-gate.js';

const PART = 10;

/** Writes `bytes` into a gate; resolves once the gate has taken all of it. */
function feed(gate: PartGate, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    Readable.from([Buffer.alloc(bytes, 1)])
      .pipe(gate, { end: false })
      .on('error', reject);
    const check = (): void => (gate.bytes === bytes ? resolve() : void setTimeout(check, 1));
    check();
    gate.resume();
  });
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('PartGate', () => {
  it('reserves the base parts on the first byte, and nothing for an empty body', async () => {
    const budget = new ByteBudget(100 * PART);
    const gate = new PartGate(budget, PART, 6);
    expect(budget.stats.reserved).toBe(0);
    await feed(gate, 1);
    expect(gate.reservedBytes).toBe(BASE_PARTS * PART);
    gate.releaseAll();
    expect(budget.stats.reserved).toBe(0);
  });

  it('takes spare parts up to maxParts, gives extra ones back as parts settle', async () => {
    const budget = new ByteBudget(100 * PART);
    const gate = new PartGate(budget, PART, 5);
    await feed(gate, 4 * PART);
    // 4 open parts + the copy of the filling one = 5 = maxParts.
    expect(gate.reservedBytes).toBe(5 * PART);
    gate.partSettled();
    gate.partSettled();
    expect(gate.reservedBytes).toBe(BASE_PARTS * PART);
  });

  it('waits for its own part to settle when the budget is full, and never holds less than the base', async () => {
    const budget = new ByteBudget(BASE_PARTS * PART);
    const gate = new PartGate(budget, PART, 6);
    const fed = feed(gate, 3 * PART);
    await settle();
    expect(gate.bytes).toBe(2 * PART); // the third part must wait: its copy would not fit
    gate.partSettled();
    await fed;
    expect(gate.bytes).toBe(3 * PART);
    expect(budget.stats.peak).toBe(BASE_PARTS * PART);
  });

  it('a second upload waits in the budget queue (its body paused) until the first gives its parts back', async () => {
    const budget = new ByteBudget(BASE_PARTS * PART);
    const first = new PartGate(budget, PART, 6);
    const second = new PartGate(budget, PART, 6);
    await feed(first, 1);
    const fed = feed(second, 1);
    await settle();
    expect(second.bytes).toBe(0);
    first.releaseAll();
    await fed;
    expect(second.bytes).toBe(1);
  });

  it('a destroyed gate stops waiting and reserves nothing more', async () => {
    const budget = new ByteBudget(BASE_PARTS * PART);
    const holder = new PartGate(budget, PART, 6);
    await feed(holder, 1);
    const waiting = new PartGate(budget, PART, 6);
    waiting.on('error', () => {});
    void feed(waiting, 1).catch(() => {});
    await settle();
    waiting.destroy(new Error('client gone'));
    await settle();
    expect(budget.stats).toMatchObject({ reserved: BASE_PARTS * PART, waiting: 0 });
  });
});
