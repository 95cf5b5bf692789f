/**
 * The Kafka port: the narrow interface a poll needs from a Kafka client library.
 *
 * Every adapter (src/kafka/platformatic.ts, src/kafka/kafkajs.ts) implements {@link KafkaAdminPort} and
 * passes the same contract-test suite (test/integration/kafka-contract.test.ts) against a real broker.
 *
 * Conventions shared by all methods:
 * - Offsets are `bigint` (Kafka int64). Partition numbers and broker ids are `number` (int32).
 * - Batched calls never throw because one item failed: a per-item failure is returned as a
 *   {@link KafkaItemError} in that item's slot. A method throws only when the whole call could not be
 *   made (no broker reachable, authentication failure, timeout).
 * - Adapters never create topics (Metadata `allow_auto_topic_creation = false`).
 */

/** Group types Kafka 4.x reports in ListGroups v5 (`GroupType`, KIP-848). */
export type GroupType = 'classic' | 'consumer' | 'share' | 'streams';

/**
 * A per-item error: the Kafka protocol error of one partition, group or broker.
 * `code` is the Kafka protocol error code (e.g. 3 UNKNOWN_TOPIC_OR_PARTITION, 30 GROUP_AUTHORIZATION_FAILED),
 * or -1 for a client-side failure (connection refused, timeout) that has no protocol code.
 */
export interface KafkaItemError {
  code: number;
  /** Kafka's error name, e.g. `NOT_LEADER_OR_FOLLOWER`, or a client error name such as `TIMEOUT`. */
  name: string;
  message: string;
}

/** A broker of the cluster as Metadata (API 3) reports it. */
export interface BrokerDescription {
  id: number;
  host: string;
  port: number;
  rack: string | null;
}

/** One partition's replica placement, from Metadata (API 3). */
export interface PartitionMetadata {
  partition: number;
  /** Broker id of the partition leader, or -1 when the partition has no leader. */
  leader: number;
  /** Broker ids of all replicas, preferred leader first. */
  replicas: number[];
  /** Broker ids of the in-sync replicas (ISR). */
  isr: number[];
  /** Broker ids of replicas that are offline. */
  offlineReplicas: number[];
}

export interface TopicMetadata {
  name: string;
  /** Topic UUID (Metadata v10+), or null when the client does not expose it. */
  topicId: string | null;
  /** True for Kafka's internal topics (`__consumer_offsets`, `__transaction_state`, `__share_group_state`). */
  internal: boolean;
  /** Partitions sorted by partition number. */
  partitions: PartitionMetadata[];
  /** Set when Metadata returned an error for this topic; `partitions` is then empty. */
  error?: KafkaItemError;
}

/** Cluster-wide metadata: one Metadata (API 3) round for all topics. */
export interface ClusterMetadata {
  clusterId: string;
  /** Broker id of the active controller, or null when unknown. */
  controllerId: number | null;
  brokers: BrokerDescription[];
  /** Every topic, internal ones included; callers filter. Sorted by name. */
  topics: TopicMetadata[];
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/**
 * Which offset ListOffsets (API 2) resolves:
 * - `earliest`: the log-start offset (timestamp -2);
 * - `latest`: the high watermark, read_uncommitted (timestamp -1). This is the "log-end offset" consumers see.
 */
export type OffsetSpec = 'earliest' | 'latest';

/** The answer for one partition of a ListOffsets call: an offset, or the partition's error. */
export type PartitionOffset = TopicPartition & ({ offset: bigint } | { error: KafkaItemError });

/** A group as ListGroups (API 16) lists it. `type` and `state` are absent when the client cannot read them. */
export interface GroupListing {
  groupId: string;
  /** ListGroups v5 `GroupType`; absent on clients limited to older ListGroups versions. */
  type?: GroupType;
  /** ListGroups v4+ `GroupState`, e.g. `Stable`, `Empty`. */
  state?: string;
  /** `consumer`, `connect`, … for classic groups; empty for groups of the new protocols. */
  protocolType: string;
}

export interface GroupMemberDescription {
  memberId: string;
  /** Static membership id (`group.instance.id`, KIP-345), or null. */
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The partitions currently assigned to this member. */
  assignment: TopicPartition[];
}

/** A group's description: DescribeGroups (API 15) for classic groups, ConsumerGroupDescribe (API 69) for `consumer` groups. */
export interface GroupDescription {
  groupId: string;
  type?: GroupType;
  /** Group state, e.g. `Stable`, `Empty`, `PreparingRebalance`, `Assigning`, `Reconciling`, `Dead`. */
  state: string;
  protocolType: string;
  /** Classic groups: the selected assignment protocol (e.g. `range`). `consumer` groups: the assignor name. */
  protocol: string;
  members: GroupMemberDescription[];
}

/** One committed offset from OffsetFetch (API 9). Partitions without a commit are not listed. */
export interface CommittedOffset {
  topic: string;
  partition: number;
  /** The offset of the next record the group will consume. Always >= 0. */
  offset: bigint;
}

/** Asks for the first data record at or after `offset` of a partition (see {@link KafkaAdminPort.fetchRecordTimestamps}). */
export interface RecordTimestampQuery extends TopicPartition {
  offset: bigint;
}

/**
 * The answer to a {@link RecordTimestampQuery}, one of:
 * - the record found: its timestamp (milliseconds since the Unix epoch), the topic's timestamp type
 *   (`message.timestamp.type`: producer CreateTime or broker LogAppendTime), and its offset (≥ the asked
 *   offset: compaction may have removed the asked one);
 * - `none`: no data record at or after the offset below the high watermark (only transaction markers
 *   or aborted data remain, or the offset is the end);
 * - an error, e.g. TOPIC_AUTHORIZATION_FAILED (no READ permission) or OFFSET_OUT_OF_RANGE (the offset
 *   was deleted by retention).
 */
export type RecordTimestamp = RecordTimestampQuery &
  (
    | { timestampMs: number; timestampType: 'create' | 'log-append'; recordOffset: bigint }
    | { none: true }
    | { error: KafkaItemError }
  );

/**
 * A share group's position on one partition (KIP-932): DescribeShareGroupOffsets (API 90).
 * `startOffset` is the share-partition start offset, the earliest record not yet acknowledged; later
 * records may already be acknowledged, so `high watermark − startOffset` is an upper bound of the backlog.
 */
export interface ShareGroupOffset extends TopicPartition {
  startOffset: bigint;
  /** The broker's own lag count (KIP-1226), when the broker provides it. */
  lag: bigint | null;
}

/** The outcome of one item of a batched call: its value, or its error. */
export type ItemResult<T> = { ok: true; value: T } | { ok: false; error: KafkaItemError };

/** Connection settings shared by all adapters. */
export interface KafkaClientOptions {
  /** Bootstrap brokers as `host:port`. */
  brokers: string[];
  clientId: string;
  /** Timeout of one request, milliseconds. */
  requestTimeoutMs: number;
  tls?: {
    /** PEM CA bundle; system roots when absent. */
    ca?: string;
    /** PEM client certificate and key for mutual TLS. */
    cert?: string;
    key?: string;
    serverName?: string;
    insecureSkipVerify?: boolean;
  };
  sasl?: {
    mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
    username: string;
    password: string;
  };
}

/** Which client library an adapter is built on; `--kafka.client`. */
export type KafkaClientName = 'platformatic' | 'kafkajs';

/** What a poll needs from Kafka. See the module comment for the error conventions. */
export interface KafkaAdminPort {
  readonly client: KafkaClientName;

  /** Brokers, controller, cluster id and every topic's partitions. Metadata (API 3), one round. Throws when no broker answers. */
  describeCluster(): Promise<ClusterMetadata>;

  /**
   * Offsets of many partitions at once, batched into one ListOffsets (API 2) request per partition leader.
   * Returns one entry per requested partition, in no particular order.
   */
  listOffsets(partitions: TopicPartition[], spec: OffsetSpec): Promise<PartitionOffset[]>;

  /** Every group of the cluster: ListGroups (API 16) sent to every broker, de-duplicated by group id. */
  listGroups(): Promise<GroupListing[]>;

  /**
   * Describes many groups, batched per coordinator. Classic groups use DescribeGroups (API 15);
   * `consumer` groups (KIP-848) use ConsumerGroupDescribe (API 69), `share` groups (KIP-932)
   * ShareGroupDescribe (API 77) and `streams` groups (KIP-1071) StreamsGroupDescribe (API 89), where the
   * client supports them (else an UNSUPPORTED_VERSION item error).
   * Returns an entry for every requested group id.
   */
  describeGroups(groups: GroupListing[]): Promise<Map<string, ItemResult<GroupDescription>>>;

  /**
   * Committed offsets of many groups, for all their committed partitions: OffsetFetch (API 9), batched
   * into one request per coordinator where the client supports OffsetFetch v8+ (KIP-709).
   * Returns an entry for every requested group id.
   */
  fetchCommittedOffsets(groupIds: string[]): Promise<Map<string, ItemResult<CommittedOffset[]>>>;

  /**
   * Timestamps of the first data record at or after each queried offset: Fetch (API 1), one request per
   * partition leader for all its queried partitions (one offset per partition per request; more rounds
   * for several offsets of the same partition), with small max bytes. Needs READ on the topic.
   * Returns one entry per query.
   */
  fetchRecordTimestamps(queries: RecordTimestampQuery[]): Promise<RecordTimestamp[]>;

  /**
   * Share-partition start offsets of many share groups (KIP-932): DescribeShareGroupOffsets (API 90), batched
   * per coordinator. Returns an entry for every requested group id; an adapter whose client cannot send
   * the API answers every group with an UNSUPPORTED_VERSION item error.
   */
  fetchShareGroupOffsets(groupIds: string[]): Promise<Map<string, ItemResult<ShareGroupOffset[]>>>;

  /**
   * Kafka requests this adapter has sent since it was created, by Kafka API name
   * (`Metadata`, `ListOffsets`, `ListGroups`, `DescribeGroups`, `ConsumerGroupDescribe`, `FindCoordinator`,
   * `OffsetFetch`, …), counted at the wire. Connection set-up requests (ApiVersions, SASL) are included.
   */
  requestCounts(): ReadonlyMap<string, number>;

  /** Closes every connection. Idempotent. */
  close(): Promise<void>;
}
