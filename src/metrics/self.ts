/**
 * lagwatch's own metrics: a prom-client Registry with prom-client's default `process_*` / `nodejs_*`
 * metrics and the self-scope metrics of the catalog. The poller reports each finished poll through
 * {@link SelfMetrics.recordPoll}; /metrics renders the registry at scrape time.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { PollError } from '../collect/snapshot.js';
import { catalog, POLL_ERROR_KINDS, type SelfMetricName } from './catalog.js';

/** Values of `lagwatch_build_info`. */
export interface BuildInfo {
  /** lagwatch version, e.g. `0.1.0` (package.json). */
  readonly version: string;
  /** Source revision (git commit), or `unknown`. */
  readonly revision: string;
}

export interface SelfMetricsOptions extends BuildInfo {
  /** Clusters known at start: their `lagwatch_up` is 0 and their error counters 0 before the first poll. */
  readonly clusters?: readonly string[];
  /** Register prom-client's default process and Node.js metrics; default true. */
  readonly defaultMetrics?: boolean;
}

/** What the poller reports after each poll of one cluster. */
export interface PollRecord {
  /** Whether the poll produced a snapshot. A poll with per-item errors is still ok. */
  readonly ok: boolean;
  /** Wall-clock duration of the poll, seconds (≥ 0). */
  readonly durationSeconds: number;
  /** When the poll ended, milliseconds since the Unix epoch. */
  readonly finishedAt: number;
  /** Errors of this poll: the snapshot's per-item errors, plus the failed step of a failed poll. Each counts 1. */
  readonly errors: readonly Pick<PollError, 'kind'>[];
  /** Kafka requests sent during this poll, by Kafka API name (`Metadata`, `OffsetFetch`, …); counts ≥ 0. */
  readonly requestDeltas: ReadonlyMap<string, number>;
}

/** Owns the self-metrics registry. One instance per process. */
export class SelfMetrics {
  /** Render with `registry.metrics()`; content type `registry.contentType`. */
  readonly registry = new Registry();

  /** Clusters with series, and the Kafka API names each has a request counter for. */
  readonly #known = new Map<string, Set<string>>();
  readonly #up: Gauge<'kafka_cluster'>;
  readonly #duration: Gauge<'kafka_cluster'>;
  readonly #lastSuccess: Gauge<'kafka_cluster'>;
  readonly #errors: Counter<'kafka_cluster' | 'kind'>;
  readonly #requests: Counter<'kafka_cluster' | 'api'>;

  constructor(options: SelfMetricsOptions) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const build = gauge(this.registry, 'lagwatch_build_info');
    build.set({ version: options.version, revision: options.revision, nodejs_version: process.version }, 1);
    this.#up = gauge(this.registry, 'lagwatch_up');
    this.#duration = gauge(this.registry, 'lagwatch_poll_duration_seconds');
    this.#lastSuccess = gauge(this.registry, 'lagwatch_last_successful_poll_timestamp_seconds');
    this.#errors = counter(this.registry, 'lagwatch_poll_errors_total');
    this.#requests = counter(this.registry, 'lagwatch_kafka_requests_total');
    for (const cluster of options.clusters ?? []) this.addCluster(cluster);
  }

  /**
   * Pre-initialises a cluster's series: `lagwatch_up` 0 and `lagwatch_poll_errors_total` 0 for every kind.
   * Idempotent; {@link recordPoll} calls it for clusters it has not seen.
   */
  addCluster(cluster: string): void {
    if (this.#known.has(cluster)) return;
    this.#known.set(cluster, new Set());
    this.#up.set({ kafka_cluster: cluster }, 0);
    for (const kind of POLL_ERROR_KINDS) this.#errors.inc({ kafka_cluster: cluster, kind }, 0);
  }

  /**
   * Records one finished poll: up, duration, last success time (ok polls only), error and request counters.
   * @throws RangeError when a duration, time or request count is negative or not finite (nothing is recorded).
   */
  recordPoll(cluster: string, poll: PollRecord): void {
    if (!(Number.isFinite(poll.durationSeconds) && poll.durationSeconds >= 0)) {
      throw new RangeError(`durationSeconds must be a finite number ≥ 0, got ${poll.durationSeconds}`);
    }
    if (!Number.isFinite(poll.finishedAt))
      throw new RangeError(`finishedAt must be finite, got ${poll.finishedAt}`);
    for (const [api, count] of poll.requestDeltas) {
      if (!(Number.isFinite(count) && count >= 0)) {
        throw new RangeError(`request count of ${api} must be a finite number ≥ 0, got ${count}`);
      }
    }
    this.addCluster(cluster);
    const labels = { kafka_cluster: cluster };
    this.#up.set(labels, poll.ok ? 1 : 0);
    this.#duration.set(labels, poll.durationSeconds);
    if (poll.ok) this.#lastSuccess.set(labels, poll.finishedAt / 1000);
    for (const { kind } of poll.errors) this.#errors.inc({ kafka_cluster: cluster, kind });
    for (const [api, count] of poll.requestDeltas) {
      if (count === 0) continue;
      this.#requests.inc({ kafka_cluster: cluster, api }, count);
      this.#known.get(cluster)?.add(api);
    }
  }

  /**
   * Removes every series of a cluster, e.g. when a cluster first reported under its bootstrap list becomes
   * known by its cluster id: otherwise its `lagwatch_up 0` would stay forever. No-op for an unknown cluster.
   */
  removeCluster(cluster: string): void {
    const apis = this.#known.get(cluster);
    if (apis === undefined) return;
    this.#known.delete(cluster);
    const labels = { kafka_cluster: cluster };
    this.#up.remove(labels);
    this.#duration.remove(labels);
    this.#lastSuccess.remove(labels);
    for (const kind of POLL_ERROR_KINDS) this.#errors.remove({ kafka_cluster: cluster, kind });
    for (const api of apis) this.#requests.remove({ kafka_cluster: cluster, api });
  }
}

/** The label names of a catalog metric, as a union of string literals. */
type LabelsOf<N extends SelfMetricName> = (typeof catalog)[N]['labelNames'][number];

/** A prom-client Gauge for a self-scope gauge or info metric of the catalog. */
function gauge<N extends SelfMetricName>(registry: Registry, name: N): Gauge<LabelsOf<N>> {
  const def = catalog[name];
  if (def.type === 'counter') throw new Error(`${name} is a counter`);
  const labelNames = def.labelNames as readonly LabelsOf<N>[];
  return new Gauge({ name: def.name, help: def.help, labelNames, registers: [registry] });
}

/** A prom-client Counter for a self-scope counter of the catalog. */
function counter<N extends SelfMetricName>(registry: Registry, name: N): Counter<LabelsOf<N>> {
  const def = catalog[name];
  if (def.type !== 'counter') throw new Error(`${name} is not a counter`);
  const labelNames = def.labelNames as readonly LabelsOf<N>[];
  return new Counter({ name: def.name, help: def.help, labelNames, registers: [registry] });
}
