/**
 * The validated configuration lagwatch runs with: what {@link loadConfig} returns. Plain data; durations
 * in milliseconds; TLS material already read from its files.
 */
import type { KafkaClientName, KafkaClientOptions } from '../kafka/port.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'logfmt' | 'json';

/** TLS to the brokers; PEM contents, not file names. Same shape as the Kafka port's option. */
export type TlsConfig = NonNullable<KafkaClientOptions['tls']>;

/** SASL authentication; the password already read when it came from a file. Same shape as the Kafka port's option. */
export type SaslConfig = NonNullable<KafkaClientOptions['sasl']>;

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
