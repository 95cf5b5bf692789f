/**
 * The validated configuration lagwatch runs with: what {@link loadConfig} returns. Plain data; durations
 * in milliseconds; TLS material already read from its files.
 */
import type { KafkaClientName, KafkaClientOptions } from '../kafka/port.js';
import type { KafkaMetricName } from '../metrics/catalog.js';
import type { GroupMetricsGranularity } from '../metrics/options.js';

export type { GroupMetricsGranularity } from '../metrics/options.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';

/** TLS to the brokers; PEM contents, not file names. Same shape as the Kafka port's option. */
export type TlsConfig = NonNullable<KafkaClientOptions['tls']>;

/** SASL authentication; the password already read when it came from a file. Same shape as the Kafka port's option. */
export type SaslConfig = NonNullable<KafkaClientOptions['sasl']>;

/**
 * How lag in seconds is measured (`--lag.time.mode`):
 * - `exact`: the timestamp of the first record at or after the committed offset, read with Fetch (needs READ
 *   on the topic); where that fails (no permission, fetch error), the `estimate` for that partition;
 * - `estimate`: interpolated from the high watermarks of earlier polls (kafka-lag-exporter's lookup table);
 *   no Fetch requests.
 */
export type TimeLagMode = 'exact' | 'estimate';

/** One Kafka cluster to poll. Structurally also a `collect/filter.ts` ExportFilter. */
export interface ClusterConfig {
  /** Value of the `kafka_cluster` label; undefined = use the cluster id Kafka reports. */
  name?: string;
  /** Bootstrap brokers as `host:port` (IPv6 hosts in brackets: `[::1]:9092`). At least one. */
  brokers: string[];
  client: KafkaClientName;
  /** Constant labels on every Kafka series of this cluster (`--kafka.labels`). Names already validated. */
  labels: Record<string, string>;
  /** Include/exclude patterns, tested unanchored like Go's `regexp.MatchString`. Never `g`/`y` flagged. */
  topicFilter: RegExp;
  topicExclude: RegExp;
  groupFilter: RegExp;
  groupExclude: RegExp;
  /** Export Kafka's internal topics (`__consumer_offsets`, …). Default false. */
  includeInternalTopics: boolean;
  /** Time between poll starts, milliseconds (`--poll.interval`, default 30 000). */
  pollIntervalMs: number;
  /** Deadline of one poll, milliseconds; <= pollIntervalMs (`--poll.timeout`, default min(20 000, interval)). */
  pollTimeoutMs: number;
  /** Timeout of one Kafka request, milliseconds (`--kafka.request-timeout`, default 10 000). */
  requestTimeoutMs: number;
  /** How lag in seconds is measured (`--lag.time.mode`, default `exact`). */
  timeLagMode: TimeLagMode;
  /**
   * Points of the interpolation table kept per partition, each a (high watermark, poll time) observation
   * (`--lag.history.size`, default 60; 2–10 000). Used by the `estimate` time lag, also as `exact`'s fallback.
   */
  lagHistorySize: number;
  /**
   * Status evaluation window: committed-offset observations kept per group partition (Burrow's `intervals`;
   * `--status.window`, default 10; 2–1 000).
   */
  statusWindow: number;
  /**
   * Offset lag at or below which a partition is OK without further evaluation (Burrow's `allowed-lag`;
   * `--status.allowed-lag`, default 0n; e.g. 1n for transactional consumers). Offsets, ≥ 0.
   */
  statusAllowedLag: bigint;
  /**
   * A committed-offset change observed less than this many milliseconds after the window's newest entry was
   * first observed replaces that entry instead of adding one (Burrow's `min-distance`;
   * `--status.min-distance`, default 0 = every change is an entry). ≥ 0.
   */
  statusMinDistanceMs: number;
  /** `--group.metrics.granularity`, default `partition`; the renderer's `RenderOptions.groupMetricsGranularity`. */
  groupMetricsGranularity: GroupMetricsGranularity;
  /**
   * Kafka-scope metric families not exported (`--metrics.disable`, default none); each a catalog name,
   * de-duplicated, in catalog order. The renderer's `RenderOptions.disabledMetrics`.
   */
  disabledMetrics: KafkaMetricName[];
  /**
   * Groups that have been Empty (no members) for longer than this many milliseconds are no longer exported
   * (`--group.empty-max-age`); undefined (the default, or `0`) = always exported.
   */
  groupEmptyMaxAgeMs?: number;
  /** Present when TLS is enabled. */
  tls?: TlsConfig;
  /** Present when SASL is enabled. */
  sasl?: SaslConfig;
}

export interface WebConfig {
  /** As given, e.g. `:9308`. */
  listenAddress: string;
  /** Host to bind, without IPv6 brackets; undefined = all interfaces (`:9308`). */
  host: string | undefined;
  /** TCP port, 0–65535 (0 = any free port). */
  port: number;
  /** Path of the metrics endpoint, starts with `/`. */
  telemetryPath: string;
}

export interface LogConfig {
  level: LogLevel;
  format: LogFormat;
}

export interface Config {
  web: WebConfig;
  log: LogConfig;
  /** At least one; names (where given) are unique. */
  clusters: ClusterConfig[];
  /** Things the user should know but that do not stop lagwatch (ignored kafka_exporter flags, …). One line each. */
  warnings: string[];
  /** The config file that was read, as given; undefined when none. */
  configFile: string | undefined;
}
