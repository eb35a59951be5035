import type { LoadGauges } from './load-governor.js';

/** The content type of the Prometheus text exposition format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Options of {@link formatPrometheus}. */
export interface PrometheusOptions {
  /** Metric name prefix; default `sluice_`. */
  prefix?: string;
  /** Labels added to every sample, e.g. `{ instance: 'a' }`. */
  labels?: Record<string, string>;
}

interface Metric {
  name: string;
  type: 'gauge' | 'counter';
  help: string;
  value: number;
}

/** A sample value as the format spells it (`+Inf`, `-Inf`, `NaN`). */
function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Number.isNaN(value) ? 'NaN' : String(value);
}

/** A label value with `\`, `"` and newlines escaped, as the format requires. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelBlock(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {});
  for (const [name] of entries) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) || name.startsWith('__')) throw new TypeError(`formatPrometheus: invalid label name ${JSON.stringify(name)}`);
  }
  return entries.length ? `{${entries.map(([name, value]) => `${name}="${escapeLabel(value)}"`).join(',')}}` : '';
}

/** The gauges as metrics: one name, type and help line each. */
function metricsOf(gauges: LoadGauges): Metric[] {
  const metrics: Metric[] = [
    { name: 'uploads_in_flight', type: 'gauge', help: 'Uploads admitted and not yet ended.', value: gauges.uploadsInFlight },
    { name: 'upload_bytes_in_flight', type: 'gauge', help: 'Bytes received so far by the uploads in flight.', value: gauges.bytesInFlight },
    { name: 'memory_budget_bytes', type: 'gauge', help: 'Memory this instance commits to uploads at most.', value: gauges.budgetBytes },
    { name: 'memory_budget_used_bytes', type: 'gauge', help: 'Memory budget reserved by the uploads in flight.', value: gauges.budgetUsedBytes },
    { name: 'memory_budget_used_ratio', type: 'gauge', help: 'Share of the memory budget in use (0 to 1; 0 when unlimited).', value: gauges.budgetUsedRatio },
    { name: 'uploads_admitted_total', type: 'counter', help: 'Uploads admitted since start.', value: gauges.admittedTotal },
    { name: 'uploads_refused_total', type: 'counter', help: 'Uploads refused with 503 and Retry-After since start.', value: gauges.refusedTotal },
  ];
  if (gauges.storage) {
    metrics.push(
      { name: 'storage_buffer_budget_bytes', type: 'gauge', help: "The storage driver's own part-buffer budget.", value: gauges.storage.budget },
      { name: 'storage_buffer_reserved_bytes', type: 'gauge', help: 'Part-buffer bytes the storage driver holds now.', value: gauges.storage.reserved },
      { name: 'storage_buffer_waiting', type: 'gauge', help: "Uploads queued for the storage driver's part buffers.", value: gauges.storage.waiting },
    );
  }
  return metrics;
}

/**
 * The gauges in the Prometheus text exposition format (0.0.4), ready to serve
 * at `GET /metrics` with {@link PROMETHEUS_CONTENT_TYPE}.
 */
export function formatPrometheus(gauges: LoadGauges, options: PrometheusOptions = {}): string {
  const prefix = options.prefix ?? 'sluice_';
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(`${prefix}x`)) throw new TypeError(`formatPrometheus: invalid metric prefix ${JSON.stringify(prefix)}`);
  const labels = labelBlock(options.labels);
  return metricsOf(gauges)
    .map(({ name, type, help, value }) => `# HELP ${prefix}${name} ${help}\n# TYPE ${prefix}${name} ${type}\n${prefix}${name}${labels} ${formatValue(value)}\n`)
    .join('');
}
