/**
 * ClusterSnapshot: what one poll of one cluster observed. Plain, immutable data; offsets are `bigint`.
 * Built by src/collect/poll.ts, read by src/analyze/ and src/metrics/. Topic and group filters are
 * already applied: everything in a snapshot is meant to be exported.
 */
import type {
  BrokerDescription,
  CommittedOffset,
  GroupMemberDescription,
  GroupType,
  KafkaItemError,
  RecordTimestamp,
} from '../kafka/port.js';

export interface PartitionSnapshot {
  readonly partition: number;
  /** Broker id of the partition leader, or -1 when it has none. */
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly offlineReplicas: readonly number[];
  /** Log-start offset (ListOffsets EARLIEST), or null when it could not be read this poll. */
  readonly logStartOffset: bigint | null;
  /** High watermark (ListOffsets LATEST, read_uncommitted), or null when it could not be read this poll. */
  readonly highWatermark: bigint | null;
}

export interface TopicSnapshot {
  readonly name: string;
  readonly partitions: readonly PartitionSnapshot[];
}

/**
 * A group's position on one partition: its committed offset. For share groups (KIP-932), which commit
 * nothing, the share-partition start offset, with the broker's own lag count (KIP-1226) where it gives
 * one: the start offset trails the acknowledged records, so `high watermark − start` over-states the backlog.
 */
export interface GroupOffset extends CommittedOffset {
  /** The broker's lag count, offsets; preferred over `high watermark − offset` when present. */
  readonly lag?: bigint;
}

export interface GroupSnapshot {
  readonly groupId: string;
  /** ListGroups v5 group type; absent when the client could not read it. */
  readonly type?: GroupType;
  /** Group state from the describe call, else from ListGroups, else `Unknown`. */
  readonly state: string;
  readonly protocolType: string;
  readonly protocol: string;
  /** Members, or null when the describe call failed for this group. */
  readonly members: readonly GroupMemberDescription[] | null;
  /**
   * Committed offsets on exported topics, or null when OffsetFetch failed for this group. For share groups
   * (KIP-932), which commit nothing, these are the share-partition start offsets (DescribeShareGroupOffsets).
   */
  readonly offsets: readonly GroupOffset[] | null;
}

/** Which step of a poll an error belongs to; the `kind` label of `lagwatch_poll_errors_total`. */
export type PollErrorKind =
  | 'metadata'
  | 'list_offsets'
  | 'list_groups'
  | 'describe_groups'
  | 'offset_fetch'
  | 'record_timestamps'
  | 'timeout';

/** A failure of one item (partition, group) or of a whole step of a poll. */
export interface PollError {
  readonly kind: PollErrorKind;
  /** What failed: a `topic/partition`, a group id, or the cluster for whole-step failures. */
  readonly subject: string;
  readonly error: KafkaItemError;
}

export interface ClusterSnapshot {
  /** Value of the `kafka_cluster` label: the configured name, or the cluster id. */
  readonly cluster: string;
  readonly clusterId: string;
  /** When the poll started, milliseconds since the Unix epoch. */
  readonly observedAt: number;
  readonly controllerId: number | null;
  readonly brokers: readonly BrokerDescription[];
  readonly topics: readonly TopicSnapshot[];
  readonly groups: readonly GroupSnapshot[];
  /**
   * Timestamps of the records at the committed offsets of lagging partitions (committed < high watermark),
   * one per distinct (topic, partition, offset): from the poller's cache, or fetched this poll. Absent
   * entries were not fetched (time-lag mode `estimate`, or the fetch failed as a whole).
   */
  readonly recordTimestamps: readonly RecordTimestamp[];
  /** Per-item errors of this poll; the poll itself succeeded. */
  readonly errors: readonly PollError[];
}

/** Key of a partition in lookup maps: `topic\u0000partition` (NUL cannot occur in a topic name). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
