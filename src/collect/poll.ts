/**
 * One poll of one cluster: Kafka port → {@link ClusterSnapshot}.
 *
 * Request plan (DESIGN.md); the count grows with brokers and coordinators, never with partitions or groups:
 * 1. Metadata: brokers, controller, every topic's partitions.
 * 2. ListGroups on every broker.
 * 3. In parallel: OffsetFetch (batched per coordinator), DescribeGroups / ConsumerGroupDescribe (batched
 *    per coordinator), ListOffsets EARLIEST (one per partition leader).
 * 4. Then ListOffsets LATEST (one per partition leader). Committed offsets are read before the high
 *    watermark, so c(t1) ≤ HWM(t1) ≤ HWM(t2) and lag is never negative because of ordering.
 * 5. In time-lag mode `exact`: Fetch (one per partition leader and round) of the records at the committed
 *    offsets of lagging partitions and at their log-start offsets, for those not in the cache yet.
 *
 * Share groups (KIP-932) commit no offsets; their share-partition start offsets (DescribeShareGroupOffsets)
 * stand in for committed offsets.
 *
 * A failure of a whole step (no broker answers Metadata or ListGroups, a batched call throws) fails the
 * poll. A failure of one item (a partition's offsets, a group's offsets or description) is recorded in
 * `snapshot.errors` and costs only that item.
 */
import type {
  GroupDescription,
  GroupListing,
  ItemResult,
  KafkaAdminPort,
  PartitionOffset,
  RecordTimestamp,
  RecordTimestampQuery,
  ShareGroupOffset,
  TopicMetadata,
  TopicPartition,
} from '../kafka/port.js';
import { firstUnconsumedOffset } from '../analyze/lag.js';
import { exportsGroup, exportsTopic, type ExportFilter } from './filter.js';
import type { RecordTimestampCache } from './timestamp-cache.js';
import {
  partitionKey,
  type ClusterSnapshot,
  type GroupOffset,
  type GroupSnapshot,
  type PollError,
  type PollErrorKind,
  type TopicSnapshot,
} from './snapshot.js';

/** Raised when a whole step of a poll fails; `kind` is the step. */
export class PollStepError extends Error {
  constructor(
    readonly kind: PollErrorKind,
    cause: unknown,
  ) {
    super(`${kind} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PollStepError';
  }
}

export interface PollInput {
  admin: KafkaAdminPort;
  filter: ExportFilter;
  /** The configured `kafka_cluster` label value; the cluster id is used when absent. */
  clusterName: string | undefined;
  /** Poll start time, milliseconds since the Unix epoch. */
  observedAt: number;
  /** `exact` fetches the timestamps of the records lagging groups will consume next; `estimate` fetches none. */
  timeLagMode: 'exact' | 'estimate';
  /** Record timestamps of earlier polls; updated by this poll. */
  timestamps: RecordTimestampCache;
}

/**
 * Polls one cluster once and returns its snapshot.
 * @throws PollStepError when a whole step fails (see the module comment).
 */
export async function pollCluster({
  admin,
  filter,
  clusterName,
  observedAt,
  timeLagMode,
  timestamps,
}: PollInput): Promise<ClusterSnapshot> {
  const metadata = await step('metadata', () => admin.describeCluster());
  const listings = await step('list_groups', () => admin.listGroups());

  const topics = metadata.topics.filter((t) => exportsTopic(filter, t));
  const groups = dedupeGroups(listings.filter((g) => exportsGroup(filter, g.groupId)));
  const partitions = topicPartitions(topics);
  const shareGroupIds = groups.filter((g) => g.type === 'share').map((g) => g.groupId);
  const otherGroupIds = groups.filter((g) => g.type !== 'share').map((g) => g.groupId);

  const [fetched, shareOffsets, described, earliest] = await Promise.all([
    step('offset_fetch', () => admin.fetchCommittedOffsets(otherGroupIds)),
    shareGroupIds.length === 0
      ? new Map<string, ItemResult<ShareGroupOffset[]>>()
      : step('offset_fetch', () => admin.fetchShareGroupOffsets(shareGroupIds)),
    step('describe_groups', () => admin.describeGroups(groups)),
    step('list_offsets', () => admin.listOffsets(partitions, 'earliest')),
  ]);
  const latest = await step('list_offsets', () => admin.listOffsets(partitions, 'latest'));

  const errors: PollError[] = [];
  for (const t of metadata.topics) {
    if (t.error && exportsTopic(filter, t))
      errors.push({ kind: 'metadata', subject: t.name, error: t.error });
  }
  const logStart = offsetsByPartition(earliest, errors);
  const highWatermarks = offsetsByPartition(latest, errors);
  const exportedTopics = new Set(topics.map((t) => t.name));
  const committed = new Map<string, ItemResult<GroupOffset[]>>(fetched);
  for (const [groupId, result] of shareOffsets) committed.set(groupId, asGroupOffsets(result));
  const groupSnapshots = groups.map((g) =>
    groupSnapshot(g, described.get(g.groupId), committed.get(g.groupId), exportedTopics, errors),
  );
  const recordTimestamps =
    timeLagMode === 'exact'
      ? await readRecordTimestamps(
          admin,
          timestampQueries(groupSnapshots, logStart, highWatermarks),
          timestamps,
          errors,
        )
      : [];

  return {
    cluster: clusterName ?? metadata.clusterId,
    clusterId: metadata.clusterId,
    observedAt,
    controllerId: metadata.controllerId,
    brokers: [...metadata.brokers].sort((a, b) => a.id - b.id),
    topics: topics.filter((t) => !t.error).map((t) => topicSnapshot(t, logStart, highWatermarks)),
    groups: groupSnapshots,
    recordTimestamps,
    errors,
  };
}

async function step<T>(kind: PollErrorKind, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new PollStepError(kind, error);
  }
}

/** ListGroups is answered per broker; during a coordinator move a group can be listed twice. */
function dedupeGroups(listings: GroupListing[]): GroupListing[] {
  const byId = new Map<string, GroupListing>();
  for (const g of listings) if (!byId.has(g.groupId)) byId.set(g.groupId, g);
  return [...byId.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
}

function topicPartitions(topics: TopicMetadata[]): TopicPartition[] {
  return topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
}

function offsetsByPartition(results: PartitionOffset[], errors: PollError[]): Map<string, bigint> {
  const offsets = new Map<string, bigint>();
  for (const r of results) {
    if ('offset' in r) offsets.set(partitionKey(r.topic, r.partition), r.offset);
    else errors.push({ kind: 'list_offsets', subject: `${r.topic}/${r.partition}`, error: r.error });
  }
  return offsets;
}

function topicSnapshot(
  topic: TopicMetadata,
  logStart: Map<string, bigint>,
  highWatermarks: Map<string, bigint>,
): TopicSnapshot {
  return {
    name: topic.name,
    partitions: topic.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
      offlineReplicas: p.offlineReplicas,
      logStartOffset: logStart.get(partitionKey(topic.name, p.partition)) ?? null,
      highWatermark: highWatermarks.get(partitionKey(topic.name, p.partition)) ?? null,
    })),
  };
}

function groupSnapshot(
  listing: GroupListing,
  description: ItemResult<GroupDescription> | undefined,
  committed: ItemResult<GroupOffset[]> | undefined,
  exportedTopics: ReadonlySet<string>,
  errors: PollError[],
): GroupSnapshot {
  const described = itemValue(description, 'describe_groups', listing.groupId, errors);
  const offsets = itemValue(committed, 'offset_fetch', listing.groupId, errors);
  const type = listing.type ?? described?.type;
  return {
    groupId: listing.groupId,
    ...(type ? { type } : {}),
    state: described?.state ?? listing.state ?? 'Unknown',
    protocolType: described?.protocolType ?? listing.protocolType,
    protocol: described?.protocol ?? '',
    members: described?.members ?? null,
    offsets: offsets?.filter((o) => exportedTopics.has(o.topic)) ?? null,
  };
}

function asGroupOffsets(result: ItemResult<ShareGroupOffset[]>): ItemResult<GroupOffset[]> {
  if (!result.ok) return result;
  return {
    ok: true,
    value: result.value.map(({ topic, partition, startOffset, lag }) => ({
      topic,
      partition,
      offset: startOffset,
      ...(lag === null ? {} : { lag }),
    })),
  };
}

/**
 * The records whose timestamps time lag and retention need: the record at each committed offset below the
 * high watermark (not yet deleted), and the record at the log-start offset of those partitions. Deduplicated.
 */
function timestampQueries(
  groups: readonly GroupSnapshot[],
  logStart: ReadonlyMap<string, bigint>,
  highWatermarks: ReadonlyMap<string, bigint>,
): RecordTimestampQuery[] {
  const queries = new Map<string, RecordTimestampQuery>();
  const add = (topic: string, partition: number, offset: bigint): void => {
    queries.set(`${partitionKey(topic, partition)}\u0000${offset}`, { topic, partition, offset });
  };
  for (const group of groups) {
    for (const position of group.offsets ?? []) {
      const { topic, partition } = position;
      const end = highWatermarks.get(partitionKey(topic, partition));
      const start = logStart.get(partitionKey(topic, partition));
      if (end === undefined) continue;
      const offset = firstUnconsumedOffset(position, end);
      if (offset >= end || (start !== undefined && offset < start)) continue;
      add(topic, partition, offset);
      if (start !== undefined) add(topic, partition, start);
    }
  }
  return [...queries.values()];
}

/**
 * Timestamps for `queries`: cached ones, and the rest fetched. A failed fetch costs the time lag of this
 * poll (recorded in `errors`), never the poll.
 */
async function readRecordTimestamps(
  admin: KafkaAdminPort,
  queries: RecordTimestampQuery[],
  cache: RecordTimestampCache,
  errors: PollError[],
): Promise<RecordTimestamp[]> {
  const found: RecordTimestamp[] = [];
  const missing: RecordTimestampQuery[] = [];
  for (const q of queries) {
    const cached = cache.get(q);
    if (cached) found.push(cached);
    else missing.push(q);
  }
  if (missing.length > 0) {
    try {
      const fetched = await admin.fetchRecordTimestamps(missing);
      for (const r of fetched) {
        if ('error' in r) {
          errors.push({
            kind: 'record_timestamps',
            subject: `${r.topic}/${r.partition}@${r.offset}`,
            error: r.error,
          });
        } else found.push(r);
      }
      cache.store(fetched);
    } catch (error) {
      errors.push({
        kind: 'record_timestamps',
        subject: 'fetch',
        error: {
          code: -1,
          name: 'FETCH_FAILED',
          message: error instanceof Error ? error.message : String(error),
        },
      });
    }
  }
  cache.retain(queries);
  return found;
}

function itemValue<T>(
  result: ItemResult<T> | undefined,
  kind: PollErrorKind,
  subject: string,
  errors: PollError[],
): T | undefined {
  if (result === undefined) {
    errors.push({ kind, subject, error: { code: -1, name: 'MISSING', message: 'no result for this group' } });
    return undefined;
  }
  if (!result.ok) {
    errors.push({ kind, subject, error: result.error });
    return undefined;
  }
  return result.value;
}
