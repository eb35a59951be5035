import { describe, expect, it } from 'vitest';
import { isUploadError } from '../errors/index.js';
import { createLoadGovernor, retryAfterHeaders } from './load-governor.js';

const MiB = 1024 * 1024;

function refusal(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

describe('createLoadGovernor', () => {
  it('admits while the memory budget has room and refuses the next with 503 SERVER_BUSY and a retry delay', () => {
    const governor = createLoadGovernor({ memoryBudget: 30 * MiB, perUploadBytes: 10 * MiB, retryAfterSeconds: 7 });
    const tickets = [governor.admit(), governor.admit(), governor.admit()];
    const error = refusal(() => governor.admit());
    expect(isUploadError(error) && error.code).toBe('SERVER_BUSY');
    expect(isUploadError(error) && error.status).toBe(503);
    expect(retryAfterHeaders(error as { details: Record<string, unknown> })).toEqual({ 'Retry-After': '7' });
    expect(governor.gauges()).toMatchObject({ uploadsInFlight: 3, budgetUsedBytes: 30 * MiB, budgetUsedRatio: 1, admittedTotal: 3, refusedTotal: 1 });
    tickets[0]!.release();
    tickets[0]!.release();
    expect(governor.gauges().uploadsInFlight).toBe(2);
    tickets.push(governor.admit());
    expect(governor.gauges()).toMatchObject({ uploadsInFlight: 3, admittedTotal: 4, refusedTotal: 1 });
  });

  it('counts bytes in flight per ticket and drops them when the upload ends', () => {
    const governor = createLoadGovernor();
    const a = governor.admit();
    const b = governor.admit();
    a.addBytes(1000);
    a.addBytes(24);
    b.addBytes(5);
    b.addBytes(-3);
    expect(governor.gauges().bytesInFlight).toBe(1029);
    a.release();
    a.addBytes(100);
    expect(governor.gauges()).toMatchObject({ bytesInFlight: 5, uploadsInFlight: 1, budgetBytes: Infinity, budgetUsedRatio: 0 });
  });

  it('refuses past maxUploads', () => {
    const governor = createLoadGovernor({ maxUploads: 1 });
    governor.admit();
    expect(refusal(() => governor.admit())).toMatchObject({ code: 'SERVER_BUSY', details: { reason: 'uploads', retryAfter: 5 } });
  });

  it('takes the budget from a storage reading and refuses while uploads queue for its buffers', () => {
    const reading = { budget: 40 * MiB, reserved: 0, waiting: 0 };
    const governor = createLoadGovernor({ storage: { memory: reading }, perUploadBytes: 10 * MiB });
    expect(governor.gauges().budgetBytes).toBe(40 * MiB);
    governor.admit();
    reading.waiting = 1;
    expect(refusal(() => governor.admit())).toMatchObject({ code: 'SERVER_BUSY', details: { reason: 'storage-queue' } });
    expect(governor.gauges().storage).toEqual(reading);
    reading.waiting = 0;
    governor.admit();
    expect(createLoadGovernor({ storage: { memory: reading }, maxQueued: 2 }).admit()).toBeDefined();
  });

  it('rejects a budget smaller than one upload and other nonsense', () => {
    expect(() => createLoadGovernor({ memoryBudget: MiB, perUploadBytes: 2 * MiB })).toThrow(RangeError);
    expect(() => createLoadGovernor({ maxUploads: 0 })).toThrow(RangeError);
    expect(() => createLoadGovernor({ retryAfterSeconds: Number.NaN })).toThrow(RangeError);
    expect(retryAfterHeaders(undefined)).toEqual({});
    expect(retryAfterHeaders({ details: { retryAfter: 'soon' } })).toEqual({});
  });
});
