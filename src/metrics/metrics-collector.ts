import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';
import type { StatusSnapshot } from '../status/status-schema.js';
import type { SupervisorState } from '../supervisor/supervisor-state.js';
import { METRIC_DEFINITIONS, PROBE_LATENCY_BUCKETS_SECONDS, type MetricKey } from './metric-definitions.js';
import { deriveProbeObservations, PROBE_NAMES, type ProbesSeen } from './probe-observations.js';
import { deriveCounterIncrements } from './state-counters.js';
import { deriveGaugeSamples, deriveTotalIncrements, GAUGE_METRICS, readStatusTotals, type StatusTotals } from './status-samples.js';

/** What the collector reads: the supervisor's status and its steps. */
export interface MetricsSource {
  getStatus(): StatusSnapshot;
  onStateChange(listener: (state: SupervisorState, previous: SupervisorState) => void): void;
}

export interface MetricsCollector {
  /** The Prometheus text format, gauges as of now. */
  render(): Promise<string>;
  readonly contentType: string;
  /** Looks at the probes' reports and the cron totals (call it at each change of them), so no answer between two renders is missed. */
  sample(): void;
  /** Stops counting (the supervisor has no way to unsubscribe). */
  stop(): void;
}

// prom-client's index also loads its default process metrics, cluster aggregation, push gateway and OpenTelemetry:
// about 12 MiB of RSS clawsupd never uses. These four files are all the collector needs (about 2 MiB).
const require = createRequire(import.meta.url);
const Registry = require('prom-client/lib/registry') as typeof PromClient.Registry;
const Counter = require('prom-client/lib/counter') as typeof PromClient.Counter;
const Gauge = require('prom-client/lib/gauge') as typeof PromClient.Gauge;
const Histogram = require('prom-client/lib/histogram') as typeof PromClient.Histogram;
type Counter = PromClient.Counter;
type Gauge = PromClient.Gauge;
type Histogram = PromClient.Histogram;
type AnyMetric = Gauge | Counter | Histogram;

/** The prom-client side of the metrics: loaded only when metrics are on (a dynamic import), so it costs nothing when off. */
export function createMetricsCollector(source: MetricsSource, facts: { nodeVersion: string; nowMs(): number; isCronLeaderEnabled?: boolean }): MetricsCollector {
  const registry = new Registry();
  const metrics = new Map<MetricKey, AnyMetric>();
  for (const [key, definition] of Object.entries(METRIC_DEFINITIONS) as Array<[MetricKey, (typeof METRIC_DEFINITIONS)[MetricKey]]>) {
    const options = { name: definition.name, help: definition.help, labelNames: [...definition.labelNames], registers: [registry] };
    const metric = definition.type === 'gauge' ? new Gauge(options) : definition.type === 'counter' ? new Counter(options) : new Histogram({ ...options, buckets: [...PROBE_LATENCY_BUCKETS_SECONDS] });
    metrics.set(key, metric);
  }
  const counter = (key: MetricKey): Counter => metrics.get(key) as Counter;
  // Known label values start at 0, so rate() sees the first failure rather than a series appearing.
  for (const probe of PROBE_NAMES) counter('probeFailures').inc({ probe }, 0);
  // The cron counters exist from the start on a node with the cron leader, so rate() sees the first change.
  const hasCronLeader = source.getStatus().cron !== undefined || facts.isCronLeaderEnabled === true;
  if (hasCronLeader) for (const key of ['cronLeadershipChanges', 'cronRenewFailures'] as const) counter(key).inc(0);
  let totalsSeen: StatusTotals = { cronLeadershipChanges: 0, cronRenewFailures: 0 };
  let isCounting = true;
  let probesSeen: ProbesSeen = {};
  source.onStateChange((state, previous) => {
    if (!isCounting) return;
    for (const { metric, labels, by } of deriveCounterIncrements(previous, state)) counter(metric).inc(labels, by);
  });
  const sample = (): void => {
    if (!isCounting) return;
    const status = source.getStatus();
    const observed = deriveProbeObservations(probesSeen, status.probes);
    probesSeen = observed.seen;
    const histogram = metrics.get('probeLatency') as Histogram;
    for (const { probe, seconds } of observed.latencies) histogram.observe({ probe }, seconds);
    for (const { probe, count } of observed.failures) counter('probeFailures').inc({ probe }, count);
    const totals = readStatusTotals(status);
    for (const { metric, by } of deriveTotalIncrements(totalsSeen, totals)) counter(metric).inc(by);
    totalsSeen = totals;
  };
  return {
    contentType: registry.contentType,
    sample,
    async render() {
      sample();
      for (const key of GAUGE_METRICS) (metrics.get(key) as Gauge).reset();
      for (const { metric, labels, value } of deriveGaugeSamples(source.getStatus(), { nowMs: facts.nowMs(), nodeVersion: facts.nodeVersion })) {
        (metrics.get(metric) as Gauge).set(labels, value);
      }
      return registry.metrics();
    },
    stop() {
      isCounting = false;
    },
  };
}
