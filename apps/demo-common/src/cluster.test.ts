import { memoryStorage } from '@sluice/core';
import { describe, expect, it } from 'vitest';
import { createDemoLoad, createDemoLocker, metricsResponse, readClusterConfig } from './cluster.js';
import { ConfigError, loadConfig } from './config.js';

describe('cluster settings of the demos', () => {
  it('are absent for a lone instance and read with checks otherwise', () => {
    expect(readClusterConfig({})).toBeUndefined();
    expect(loadConfig({}).cluster).toBeUndefined();
    expect(readClusterConfig({ REDIS_URL: 'redis://127.0.0.1:6390', LOCK_TTL_MS: '3000', MEMORY_BUDGET: '64MiB', MAX_UPLOADS: '4' })).toEqual({
      redisUrl: 'redis://127.0.0.1:6390',
      lockTtlMs: 3000,
      memoryBudget: 64 * 1024 * 1024,
      maxUploads: 4,
    });
    expect(() => readClusterConfig({ REDIS_URL: 'http://x' })).toThrow(ConfigError);
    expect(() => readClusterConfig({ LOCK_TTL_MS: '10' })).toThrow(/LOCK_TTL_MS/);
    expect(() => readClusterConfig({ MEMORY_BUDGET: 'lots' })).toThrow(/MEMORY_BUDGET/);
    expect(() => readClusterConfig({ MAX_UPLOADS: '0' })).toThrow(/MAX_UPLOADS/);
  });

  it('lock in process without REDIS_URL', async () => {
    expect(await createDemoLocker(undefined)).toBeUndefined();
  });

  it('only measure unless MEMORY_BUDGET or MAX_UPLOADS is set, then refuse with 503', () => {
    const measuring = createDemoLoad(undefined, memoryStorage());
    for (let i = 0; i < 100; i++) measuring.admit();
    expect(measuring.gauges()).toMatchObject({ uploadsInFlight: 100, refusedTotal: 0, budgetBytes: Infinity });
    const refusing = createDemoLoad(readClusterConfig({ MAX_UPLOADS: '1' }), memoryStorage());
    refusing.admit();
    expect(() => refusing.admit()).toThrow(expect.objectContaining({ code: 'SERVER_BUSY', status: 503 }));
    const metrics = metricsResponse(refusing);
    expect(metrics.headers['Content-Type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain('\nsluice_uploads_refused_total 1\n');
  });
});
