/**
 * The metric catalog: the single source of truth for every metric lagwatch exports.
 *
 * The renderer (src/metrics/render.ts), the self metrics (src/metrics/self.ts), docs/metrics.md, and the
 * generated dashboards and alert rules all refer to metrics through {@link catalog}, e.g.
 * `catalog.kafka_consumergroup_lag.name`, so a renamed or removed metric breaks the build instead of a
 * user's dashboard. Each entry's key is its metric name; {@link defineCatalog} enforces that at compile time.
 *
 * Two scopes:
 * - `kafka`: Kafka state, rendered once per poll from a ClusterSnapshot. Every series carries
 *   `kafka_cluster` as its first label, then the metric's own labels, then the constant labels of
 *   `--kafka.labels`. Names and label names of kafka_exporter's metrics are kept for drop-in compatibility.
 * - `self`: lagwatch's own health, kept in a prom-client Registry and rendered at scrape time.
 *
 * Types: `gauge` and `counter` as in Prometheus; `info` is a gauge whose value is always 1 and whose labels
 * carry metadata (text format 0.0.4 has no info type, so it is exposed as `# TYPE … gauge`).
 */
import type { PollErrorKind } from '../collect/snapshot.js';

export type MetricType = 'gauge' | 'counter' | 'info';

/** `kafka` = rendered per poll from snapshots; `self` = lagwatch's own metrics. */
export type MetricScope = 'kafka' | 'self';

/**
 * What a sample's value measures:
 * - `offsets`: Kafka offsets (int64 in Kafka, float64 in Prometheus: exact up to 2^53);
 * - `seconds`: a duration in seconds; `unix_seconds`: a point in time, seconds since the Unix epoch;
 * - `broker_id`: a Kafka broker id (a name, not a quantity: never sum it);
 * - `boolean`: 1 or 0;
 * - `brokers`, `partitions`, `replicas`, `members`, `requests`, `errors`: a count of those things;
 * - `info`: always 1, the information is in the labels.
 */
export type MetricUnit =
  | 'offsets'
  | 'seconds'
  | 'unix_seconds'
  | 'broker_id'
  | 'boolean'
  | 'brokers'
  | 'partitions'
  | 'replicas'
  | 'members'
  | 'requests'
  | 'errors'
  | 'info';

/** One metric family. `labelNames` lists every label in exposition order (constant labels excluded). */
export interface MetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly scope: MetricScope;
  /** The HELP text, one line. Kafka-scope help ends with {@link POLL_NOTE}. */
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly unit: MetricUnit;
  /**
   * For a state set (unit `boolean`): the label that names the state. Each subject (a group, a partition) has
   * one series per possible state, valued 1 for its current state and 0 for every other, so exactly one
   * series of the subject is 1 and a change of state changes values, never the set of series.
   */
  readonly stateLabel?: string;
}

/**
 * Identity function that checks, at compile time, that every key equals its entry's `name`, and keeps
 * literal types (names, label tuples) so that `catalog.x.labelNames` is a typed tuple.
 */
function defineCatalog<const T extends { readonly [K in keyof T]: MetricDefinition & { readonly name: K } }>(
  definitions: T,
): T {
  return definitions;
}

/** Appended to the HELP of every Kafka-scope metric: scrapes serve cached values (dashboards-and-alerts.md §3). */
export const POLL_NOTE = 'From the last background poll, not fetched at scrape time.';

/** The label every Kafka-scope series carries first: the configured cluster name (default the cluster id). */
export const CLUSTER_LABEL = 'kafka_cluster';

/** Every {@link PollErrorKind}, in a fixed order; `lagwatch_poll_errors_total` is pre-initialised with these. */
export const POLL_ERROR_KINDS = [
  'metadata',
  'list_offsets',
  'list_groups',
  'describe_groups',
  'offset_fetch',
  'record_timestamps',
  'timeout',
] as const satisfies readonly PollErrorKind[];

// Compile-time check that POLL_ERROR_KINDS lists every PollErrorKind: this fails to compile when a kind is added to snapshot.ts only.
const allPollErrorKindsListed: Exclude<PollErrorKind, (typeof POLL_ERROR_KINDS)[number]> extends never
  ? true
  : false = true;
void allPollErrorKindsListed;

export const catalog = defineCatalog({
  // --- Kafka scope: brokers and cluster -------------------------------------------------------------
  kafka_brokers: {
    name: 'kafka_brokers',
    type: 'gauge',
    scope: 'kafka',
    help: `Number of brokers in the cluster's metadata. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster'],
    unit: 'brokers',
  },
  kafka_broker_info: {
    name: 'kafka_broker_info',
    type: 'info',
    scope: 'kafka',
    help: `Always 1, one series per broker in the cluster's metadata; address is host:port. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'id', 'address'],
    unit: 'info',
  },
  kafka_cluster_info: {
    name: 'kafka_cluster_info',
    type: 'info',
    scope: 'kafka',
    help: `Always 1; cluster_id is the Kafka cluster id from Metadata. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'cluster_id'],
    unit: 'info',
  },

  // --- Kafka scope: topics and partitions ---------------------------------------------------------
  kafka_topic_partitions: {
    name: 'kafka_topic_partitions',
    type: 'gauge',
    scope: 'kafka',
    help: `Number of partitions of the topic. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'topic'],
    unit: 'partitions',
  },
  kafka_topic_partition_current_offset: {
    name: 'kafka_topic_partition_current_offset',
    type: 'gauge',
    scope: 'kafka',
    help: `High watermark of the partition (ListOffsets latest, read_uncommitted): the offset of the next record to be made visible to consumers. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'topic', 'partition'],
    unit: 'offsets',
  },
  kafka_topic_partition_oldest_offset: {
    name: 'kafka_topic_partition_oldest_offset',
    type: 'gauge',
    scope: 'kafka',
    help: `Log-start offset of the partition (ListOffsets earliest): the oldest retained offset. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'topic', 'partition'],
    unit: 'offsets',
  },
  kafka_topic_partition_leader: {
    name: 'kafka_topic_partition_leader',
    type: 'gauge',
    scope: 'kafka',
    help: `Broker id of the partition leader; no series while the partition has no leader. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'topic', 'partition'],
    unit: 'broker_id',
  },
  kafka_topic_partition_replicas: {
    name: 'kafka_topic_partition_replicas',
    type: 'gauge',
    scope: 'kafka',
    help: `Number of replicas of the partition. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'topic', 'partition'],
    unit: 'replicas',
  },
  kafka_topic_partition_in_sync_replica: {
    name: 'kafka_topic_partition_in_sync_replica',
    type: 'gauge',
    scope: 'kafka',
    help: `Number of in-sync replicas (ISR size) of the partition. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'topic', 'partition'],
    unit: 'replicas',
  },
  kafka_topic_partition_offline_replicas: {
    name: 'kafka_topic_partition_offline_replicas',
    type: 'gauge',
    scope: 'kafka',
    help: `Number of offline replicas of the partition (replicas on an offline broker or log directory). ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'topic', 'partition'],
    unit: 'replicas',
  },
  kafka_topic_partition_leader_is_preferred: {
    name: 'kafka_topic_partition_leader_is_preferred',
    type: 'gauge',
    scope: 'kafka',
    help: `1 if the partition leader is its preferred replica (the first replica), else 0 (also 0 without a leader). ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'topic', 'partition'],
    unit: 'boolean',
  },
  kafka_topic_partition_under_replicated_partition: {
    name: 'kafka_topic_partition_under_replicated_partition',
    type: 'gauge',
    scope: 'kafka',
    help: `1 if the partition has fewer in-sync replicas than replicas, else 0. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'topic', 'partition'],
    unit: 'boolean',
  },

  // --- Kafka scope: consumer groups ---------------------------------------------------------------
  kafka_consumergroup_info: {
    name: 'kafka_consumergroup_info',
    type: 'info',
    scope: 'kafka',
    help: `Always 1, one series per consumer group: group type (classic, consumer, share, streams; empty if unknown), protocol type and protocol (assignor). The state is kafka_consumergroup_state. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'type', 'protocol_type', 'protocol'],
    unit: 'info',
  },
  kafka_consumergroup_members: {
    name: 'kafka_consumergroup_members',
    type: 'gauge',
    scope: 'kafka',
    help: `Number of members of the consumer group (classic and KIP-848 groups alike); no series when the group could not be described. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup'],
    unit: 'members',
  },
  kafka_consumergroup_state: {
    name: 'kafka_consumergroup_state',
    type: 'gauge',
    scope: 'kafka',
    help: `State set of the consumer group's state: 1 for the current state, 0 for every other state of the group's type (classic: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead; consumer: also Assigning, Reconciling; share: Empty, Stable, Dead; streams: Empty, NotReady, Assigning, Reconciling, Stable, Dead). ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'state'],
    unit: 'boolean',
    stateLabel: 'state',
  },
  kafka_consumergroup_member_assignment_info: {
    name: 'kafka_consumergroup_member_assignment_info',
    type: 'info',
    scope: 'kafka',
    help: `Always 1, one series per partition assigned to a member of the consumer group: member id, client id, client host and static group instance id (empty if none), for joins with the lag series. ${POLL_NOTE}`,
    labelNames: [
      'kafka_cluster',
      'consumergroup',
      'topic',
      'partition',
      'member_id',
      'client_id',
      'client_host',
      'group_instance_id',
    ],
    unit: 'info',
  },
  kafka_consumergroup_current_offset: {
    name: 'kafka_consumergroup_current_offset',
    type: 'gauge',
    scope: 'kafka',
    help: `Committed offset of the consumer group on the partition (the next offset it will consume); no series for partitions without a commit. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic', 'partition'],
    unit: 'offsets',
  },
  kafka_consumergroup_current_offset_sum: {
    name: 'kafka_consumergroup_current_offset_sum',
    type: 'gauge',
    scope: 'kafka',
    help: `Sum of the consumer group's committed offsets over the topic's committed partitions; equals sum by (consumergroup, topic) of kafka_consumergroup_current_offset. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic'],
    unit: 'offsets',
  },
  kafka_consumergroup_lag: {
    name: 'kafka_consumergroup_lag',
    type: 'gauge',
    scope: 'kafka',
    help: `Offset lag of the consumer group on the partition: max(0, high watermark - committed offset); no series for partitions without a commit. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic', 'partition'],
    unit: 'offsets',
  },
  kafka_consumergroup_lag_sum: {
    name: 'kafka_consumergroup_lag_sum',
    type: 'gauge',
    scope: 'kafka',
    help: `Sum of the consumer group's offset lag over the topic's committed partitions; equals sum by (consumergroup, topic) of kafka_consumergroup_lag. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic'],
    unit: 'offsets',
  },
  kafka_consumergroup_uncommitted_partitions: {
    name: 'kafka_consumergroup_uncommitted_partitions',
    type: 'gauge',
    scope: 'kafka',
    help: `Number of the topic's partitions without a committed offset of the consumer group, for topics the group has committed on or is assigned. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic'],
    unit: 'partitions',
  },
  kafka_consumergroup_ahead_of_end_partitions: {
    name: 'kafka_consumergroup_ahead_of_end_partitions',
    type: 'gauge',
    scope: 'kafka',
    help: `Number of the topic's partitions where the consumer group's committed offset is beyond the high watermark (truncation, topic re-created); their lag is reported as 0. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic'],
    unit: 'partitions',
  },

  // --- Kafka scope: consumer groups, lag in seconds -------------------------------------------------
  kafka_consumergroup_lag_seconds: {
    name: 'kafka_consumergroup_lag_seconds',
    type: 'gauge',
    scope: 'kafka',
    help: `Time lag of the consumer group on the partition: age in seconds of the first record it has not consumed, 0 when caught up; kafka_consumergroup_time_lag_method says how it was obtained. No series when unknown. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic', 'partition'],
    unit: 'seconds',
  },
  kafka_consumergroup_max_lag_seconds: {
    name: 'kafka_consumergroup_max_lag_seconds',
    type: 'gauge',
    scope: 'kafka',
    help: `Largest time lag of the consumer group over the topic's partitions, in seconds; equals max by (consumergroup, topic) of kafka_consumergroup_lag_seconds. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic'],
    unit: 'seconds',
  },
  kafka_consumergroup_time_lag_method: {
    name: 'kafka_consumergroup_time_lag_method',
    type: 'gauge',
    scope: 'kafka',
    help: `State set of how kafka_consumergroup_lag_seconds of the partition was obtained: exact (timestamp of the record at the committed offset) or estimate (interpolated from earlier high watermarks); 1 for the method used, 0 for the other. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic', 'partition', 'method'],
    unit: 'boolean',
    stateLabel: 'method',
  },
  kafka_consumergroup_time_lag_estimated_partitions: {
    name: 'kafka_consumergroup_time_lag_estimated_partitions',
    type: 'gauge',
    scope: 'kafka',
    help: `Number of the topic's partitions whose time lag for the consumer group is an estimate rather than exact; one series per group and topic with a time lag. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic'],
    unit: 'partitions',
  },

  // --- Kafka scope: consumer groups, status evaluation -----------------------------------------------
  kafka_consumergroup_status: {
    name: 'kafka_consumergroup_status',
    type: 'gauge',
    scope: 'kafka',
    help: `State set of the consumer group's status (Burrow rules): OK, WARN (falling behind), ERR (a partition is STOP, STALL or REWIND); 1 for the current status, 0 for the others. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'status'],
    unit: 'boolean',
    stateLabel: 'status',
  },
  kafka_consumergroup_partition_status: {
    name: 'kafka_consumergroup_partition_status',
    type: 'gauge',
    scope: 'kafka',
    help: `State set of the consumer group's status on the partition (Burrow rules): OK, WARN (falling behind), STOP (not moving, no member holds it), STALL (not moving while a member holds it), REWIND (offset moved back); 1 for the current status, 0 for the others. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic', 'partition', 'status'],
    unit: 'boolean',
    stateLabel: 'status',
  },

  // --- Kafka scope: consumer groups, retention ----------------------------------------------------------
  kafka_consumergroup_lost_offsets: {
    name: 'kafka_consumergroup_lost_offsets',
    type: 'gauge',
    scope: 'kafka',
    help: `Offsets deleted by retention before the consumer group consumed them: max(0, log-start offset - committed offset); 0 when nothing was lost. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic', 'partition'],
    unit: 'offsets',
  },
  kafka_consumergroup_data_loss_partitions: {
    name: 'kafka_consumergroup_data_loss_partitions',
    type: 'gauge',
    scope: 'kafka',
    help: `Number of the topic's partitions where the consumer group's committed offset is below the log-start offset (records deleted before they were consumed). ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic'],
    unit: 'partitions',
  },
  kafka_consumergroup_retention_margin_offsets: {
    name: 'kafka_consumergroup_retention_margin_offsets',
    type: 'gauge',
    scope: 'kafka',
    help: `Offsets between the log-start offset and the consumer group's committed offset: max(0, committed offset - log-start offset). ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic', 'partition'],
    unit: 'offsets',
  },
  kafka_consumergroup_retention_margin_seconds: {
    name: 'kafka_consumergroup_retention_margin_seconds',
    type: 'gauge',
    scope: 'kafka',
    help: `Seconds between the timestamps of the oldest retained record and the record at the consumer group's committed offset: how much further retention can advance before it deletes unconsumed records. No series when a timestamp is unknown. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic', 'partition'],
    unit: 'seconds',
  },
  kafka_consumergroup_min_retention_margin_seconds: {
    name: 'kafka_consumergroup_min_retention_margin_seconds',
    type: 'gauge',
    scope: 'kafka',
    help: `Smallest retention margin of the consumer group over the topic's partitions, in seconds; equals min by (consumergroup, topic) of kafka_consumergroup_retention_margin_seconds. ${POLL_NOTE}`,
    labelNames: ['kafka_cluster', 'consumergroup', 'topic'],
    unit: 'seconds',
  },

  // --- Self scope ----------------------------------------------------------------------------------
  lagwatch_up: {
    name: 'lagwatch_up',
    type: 'gauge',
    scope: 'self',
    help: 'Whether the last poll of the Kafka cluster succeeded (1) or failed (0); 0 until the first poll completes.',
    labelNames: ['kafka_cluster'],
    unit: 'boolean',
  },
  lagwatch_poll_duration_seconds: {
    name: 'lagwatch_poll_duration_seconds',
    type: 'gauge',
    scope: 'self',
    help: 'Duration of the last poll of the Kafka cluster, successful or not, in seconds.',
    labelNames: ['kafka_cluster'],
    unit: 'seconds',
  },
  lagwatch_last_successful_poll_timestamp_seconds: {
    name: 'lagwatch_last_successful_poll_timestamp_seconds',
    type: 'gauge',
    scope: 'self',
    help: 'When the last successful poll of the Kafka cluster finished, in seconds since the Unix epoch; no series before the first success.',
    labelNames: ['kafka_cluster'],
    unit: 'unix_seconds',
  },
  lagwatch_poll_errors_total: {
    name: 'lagwatch_poll_errors_total',
    type: 'counter',
    scope: 'self',
    help: 'Errors met while polling the Kafka cluster, by poll step: failed items (partition, group) and failed steps.',
    labelNames: ['kafka_cluster', 'kind'],
    unit: 'errors',
  },
  lagwatch_kafka_requests_total: {
    name: 'lagwatch_kafka_requests_total',
    type: 'counter',
    scope: 'self',
    help: 'Kafka requests sent to the cluster, by Kafka API name (Metadata, ListOffsets, OffsetFetch, ...).',
    labelNames: ['kafka_cluster', 'api'],
    unit: 'requests',
  },
  lagwatch_build_info: {
    name: 'lagwatch_build_info',
    type: 'info',
    scope: 'self',
    help: 'Always 1; the lagwatch version, source revision and Node.js version.',
    labelNames: ['version', 'revision', 'nodejs_version'],
    unit: 'info',
  },
});

/** Name of any metric in the catalog. */
export type MetricName = keyof typeof catalog;

/** Names of the metrics of one scope. */
export type ScopedMetricName<S extends MetricScope> = {
  [K in MetricName]: (typeof catalog)[K]['scope'] extends S ? K : never;
}[MetricName];

export type KafkaMetricName = ScopedMetricName<'kafka'>;
export type SelfMetricName = ScopedMetricName<'self'>;

/** Every catalog entry, in catalog order. */
export const allMetrics: readonly MetricDefinition[] = Object.values(catalog);

/** The Kafka-scope entries, in catalog order (the renderer's family order). */
export const kafkaMetrics: readonly MetricDefinition[] = allMetrics.filter((m) => m.scope === 'kafka');

/** The self-scope entries, in catalog order. */
export const selfMetrics: readonly MetricDefinition[] = allMetrics.filter((m) => m.scope === 'self');

/**
 * Every label name used by a Kafka-scope metric (`kafka_cluster`, `topic`, `partition`, `consumergroup`, …).
 * A constant label from `--kafka.labels` must not reuse one of these.
 */
export const reservedKafkaLabelNames: ReadonlySet<string> = new Set(
  kafkaMetrics.flatMap((m) => m.labelNames),
);

/**
 * The consumer-group families with one series per group and partition (label sets containing both
 * `consumergroup` and `partition`), in catalog order. `--group.metrics.granularity=topic` leaves them out and
 * keeps the per-topic and per-group aggregates, so that the series count no longer grows with
 * groups × partitions.
 */
export const perPartitionGroupMetrics: readonly KafkaMetricName[] = kafkaMetrics
  .filter((m) => m.labelNames.includes('consumergroup') && m.labelNames.includes('partition'))
  .map((m) => m.name as KafkaMetricName);

/** Whether `name` is the name of a Kafka-scope metric (the names `--metrics.disable` accepts). */
export function isKafkaMetricName(name: string): name is KafkaMetricName {
  return kafkaMetrics.some((m) => m.name === name);
}

/** The exposition type of a catalog type: `info` is exposed as `gauge` in text format 0.0.4. */
export function expositionType(type: MetricType): 'gauge' | 'counter' {
  return type === 'info' ? 'gauge' : type;
}
