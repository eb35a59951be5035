import { describe, expect, it } from 'vitest';
import { ByteBudget } from './byte-budget.js';

describe('ByteBudget', () => {
  it('grants in order, tracks the peak, and never exceeds the limit', async () => {
    const budget = new ByteBudget(100);
    await budget.acquire(60);
    const order: string[] = [];
    const big = budget.acquire(50).then(() => order.push('big'));
    const small = budget.acquire(10).then(() => order.push('small'));
    // The small one would fit, but it is queued behind the big one: no starvation.
    expect(budget.tryAcquire(10)).toBe(false);
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(budget.stats).toMatchObject({ reserved: 60, waiting: 2 });
    budget.release(60);
    await Promise.all([big, small]);
    expect(order).toEqual(['big', 'small']);
    expect(budget.stats).toEqual({ budget: 100, reserved: 60, peak: 60, waiting: 0 });
  });

  it('drops a waiter whose signal aborts, and lets the next one through', async () => {
    const budget = new ByteBudget(10);
    await budget.acquire(8);
    const controller = new AbortController();
    const blocked = budget.acquire(5, controller.signal);
    const next = budget.acquire(2);
    controller.abort(new Error('gone'));
    await expect(blocked).rejects.toThrow('gone');
    await next;
    expect(budget.stats.reserved).toBe(10);
  });

  it('refuses a request that can never fit instead of waiting forever', async () => {
    await expect(new ByteBudget(10).acquire(11)).rejects.toThrow(RangeError);
  });
});
