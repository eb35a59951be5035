import { describe, expect, it } from 'vitest';
import { createLoadGovernor } from './load-governor.js';
import { formatPrometheus, PROMETHEUS_CONTENT_TYPE } from './prometheus.js';

/** Reads the text format back: samples by name (with their label block), and TYPE lines. */
function parse(text: string): { samples: Map<string, string>; types: Map<string, string>; helps: Set<string> } {
  const samples = new Map<string, string>();
  const types = new Map<string, string>();
  const helps = new Set<string>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.trimEnd().split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter)$/.exec(line);
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) \S.*$/.exec(line);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    else if (help) helps.add(help[1]!);
    else if (sample) samples.set(`${sample[1]}${sample[2] ?? ''}`, sample[3]!);
    else throw new Error(`not a valid exposition line: ${JSON.stringify(line)}`);
  }
  return { samples, types, helps };
}

describe('formatPrometheus', () => {
  it('writes every gauge with HELP and TYPE lines in the text format', () => {
    const governor = createLoadGovernor({ memoryBudget: 100, perUploadBytes: 25 });
    governor.admit().addBytes(4096);
    const { samples, types, helps } = parse(formatPrometheus(governor.gauges()));
    expect(Object.fromEntries(samples)).toEqual({
      sluice_uploads_in_flight: '1',
      sluice_upload_bytes_in_flight: '4096',
      sluice_memory_budget_bytes: '100',
      sluice_memory_budget_used_bytes: '25',
      sluice_memory_budget_used_ratio: '0.25',
      sluice_uploads_admitted_total: '1',
      sluice_uploads_refused_total: '0',
    });
    expect(types.get('sluice_uploads_admitted_total')).toBe('counter');
    expect(types.get('sluice_uploads_in_flight')).toBe('gauge');
    expect([...helps].sort()).toEqual([...samples.keys()].sort());
    expect(PROMETHEUS_CONTENT_TYPE).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('spells an unlimited budget +Inf, adds storage buffers, and escapes label values', () => {
    const gauges = createLoadGovernor({ storage: { memory: { budget: Infinity, reserved: 7, waiting: 2 } } }).gauges();
    const text = formatPrometheus(gauges, { prefix: 'app_', labels: { instance: 'a "b"\\c\nd' } });
    const { samples } = parse(text);
    expect(samples.get('app_memory_budget_bytes{instance="a \\"b\\"\\\\c\\nd"}')).toBe('+Inf');
    expect(samples.get('app_storage_buffer_waiting{instance="a \\"b\\"\\\\c\\nd"}')).toBe('2');
    expect(() => formatPrometheus(gauges, { labels: { 'bad-name': 'x' } })).toThrow(TypeError);
    expect(() => formatPrometheus(gauges, { prefix: '1x' })).toThrow(TypeError);
  });
});
