/**
 * PromQL text for the generated dashboards and rules: every series selector is built here, from a metric
 * of the catalog (src/metrics/catalog.ts) or of the short list of metrics lagwatch does not define
 * ({@link ExternalMetricName}), with label matchers typed against the metric's catalog labels. A renamed
 * metric or label therefore breaks the build, and every selector carries the configured selector.
 */
import { catalog, CLUSTER_LABEL, type MetricName } from '../metrics/catalog.js';
import { splitMatchers, type GenerateConfig } from './config.js';

/**
 * Metrics the dashboards and rules use that are not in the catalog: Prometheus's own per-target series and
 * prom-client's default process metrics (src/metrics/self.ts registers them). The unit tests check every
 * name here against a prom-client registry with the default metrics.
 */
export const EXTERNAL_METRICS = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'process_open_fds',
  'process_max_fds',
  'process_start_time_seconds',
  'nodejs_heap_size_used_bytes',
  'nodejs_heap_size_total_bytes',
  'nodejs_eventloop_lag_p99_seconds',
] as const;

export type ExternalMetricName = (typeof EXTERNAL_METRICS)[number];

/** Prometheus synthetic per-target series: not exposed by lagwatch, written by Prometheus at each scrape. */
export const PROMETHEUS_SYNTHETIC_METRICS: ReadonlySet<string> = new Set([
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
]);

/** The label names of a catalog metric, other than the cluster label (which is configurable). */
export type CatalogLabel<N extends MetricName> = Exclude<
  (typeof catalog)[N]['labelNames'][number],
  'kafka_cluster'
>;

/** One label matcher's operator and value (the value unquoted; it is quoted when rendered). */
export interface Matcher {
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** `label="value"`. */
export function eq(value: string): Matcher {
  return { op: '=', value };
}

/** `label=~"regex"`; with a Grafana variable, `re('$topic')`. */
export function re(value: string): Matcher {
  return { op: '=~', value };
}

/** `label!~"regex"`. */
export function nre(value: string): Matcher {
  return { op: '!~', value };
}

/** Label matchers of a catalog metric: only its own catalog labels, checked at compile time. */
export type CatalogMatchers<N extends MetricName> = Partial<Record<CatalogLabel<N>, Matcher>>;

/** Renders a value as a PromQL double-quoted string. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Matchers on the scrape target's labels, which no catalog entry lists (Prometheus adds them at scrape time). */
export type TargetMatchers = Readonly<Partial<Record<'job' | 'instance', Matcher>>>;

/** Builds selectors and grouping clauses for one configuration and, in dashboards, one cluster filter. */
export interface Promql {
  /** The configured cluster label name (default `kafka_cluster`). */
  readonly cluster: string;
  /**
   * A selector of a catalog metric: `name{<config selector>, <cluster filter>, <matchers>}`. The cluster
   * filter applies only to metrics that carry the cluster label.
   */
  metric<N extends MetricName>(name: N, matchers?: CatalogMatchers<N>, target?: TargetMatchers): string;
  /** A selector of a metric outside the catalog (Prometheus's `up`, prom-client defaults); free matchers. */
  external(name: ExternalMetricName, matchers?: Readonly<Record<string, Matcher>>): string;
  /** `by (<cluster>, a, b)`: the cluster label first, then `labels`. */
  by(...labels: string[]): string;
  /** `on (<cluster>, a, b)`. */
  on(...labels: string[]): string;
  /** `<cluster>, a, b`: the label list of `by`/`on`, for building other clauses. */
  labels(...labels: string[]): string;
}

/** Options of {@link createPromql}. */
export interface PromqlOptions {
  /**
   * A regex matched against the cluster label of every metric that has it, e.g. `$kafka_cluster` for a
   * dashboard's cluster variable; absent in alert rules.
   */
  readonly clusterFilter?: string;
}

/** A {@link Promql} for `config`. */
export function createPromql(
  config: Pick<GenerateConfig, 'clusterLabel' | 'selector'>,
  options: PromqlOptions = {},
): Promql {
  const base = splitMatchers(config.selector);
  const cluster = config.clusterLabel;
  const render = (name: string, matchers: readonly string[]): string =>
    matchers.length === 0 ? name : `${name}{${matchers.join(', ')}}`;
  const matcherText = (entries: [string, Matcher | undefined][]): string[] =>
    entries.flatMap(([label, m]) => (m === undefined ? [] : [`${label}${m.op}${quote(m.value)}`]));
  const labels = (...rest: string[]): string => [cluster, ...rest].join(', ');

  return {
    cluster,
    metric<N extends MetricName>(
      name: N,
      matchers: CatalogMatchers<N> = {},
      target: TargetMatchers = {},
    ): string {
      const definition = catalog[name];
      const clusterMatcher =
        options.clusterFilter !== undefined &&
        (definition.labelNames as readonly string[]).includes(CLUSTER_LABEL)
          ? [`${cluster}=~${quote(options.clusterFilter)}`]
          : [];
      const own = matcherText(Object.entries(matchers) as [string, Matcher | undefined][]);
      return render(definition.name, [
        ...base,
        ...clusterMatcher,
        ...own,
        ...matcherText(Object.entries(target)),
      ]);
    },
    external(name: ExternalMetricName, matchers: Readonly<Record<string, Matcher>> = {}): string {
      return render(name, [...base, ...matcherText(Object.entries(matchers))]);
    },
    by: (...rest: string[]) => `by (${labels(...rest)})`,
    on: (...rest: string[]) => `on (${labels(...rest)})`,
    labels,
  };
}
