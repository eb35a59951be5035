/** Back-pressure and gauges for one instance: admission against a memory budget, and a Prometheus formatter. */
export { createLoadGovernor, retryAfterHeaders, type BudgetReading, type ObservableHandler, type LoadGauges, type LoadGovernor, type LoadGovernorOptions, type LoadTicket } from './load-governor.js';
export { formatPrometheus, PROMETHEUS_CONTENT_TYPE, type PrometheusOptions } from './prometheus.js';
