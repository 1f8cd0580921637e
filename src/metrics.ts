// The process's Prometheus registry and the metrics every part reports into.
// Import the metric you need; /metrics (src/http) serves `registry`.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'ci_' });

export const httpDuration = new Histogram({
  name: 'ci_http_request_duration_seconds',
  help: 'HTTP request latency by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const jobDuration = new Histogram({
  name: 'ci_job_duration_seconds',
  help: 'Job processing time by queue and outcome',
  labelNames: ['queue', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 15, 60, 300],
  registers: [registry],
});

export const jobFailures = new Counter({
  name: 'ci_job_failures_total',
  help: 'Failed job attempts by queue',
  labelNames: ['queue'] as const,
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: 'ci_queue_jobs',
  help: 'Jobs per queue and state (sampled at scrape time)',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
});

export const crmCalls = new Counter({
  name: 'ci_crm_calls_total',
  help: 'Calls to a CRM by tenant, CRM, endpoint and outcome',
  labelNames: ['tenant', 'crm', 'endpoint', 'outcome'] as const,
  registers: [registry],
});

export const crmCallDuration = new Histogram({
  name: 'ci_crm_call_duration_seconds',
  help: 'CRM call latency by CRM and outcome',
  labelNames: ['crm', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  registers: [registry],
});
