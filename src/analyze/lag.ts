/**
 * Offset lag: pure functions over a {@link ClusterSnapshot}. No I/O, no clock.
 *
 * Semantics (docs/metrics.md):
 * - lag = max(0, high watermark − committed offset), in offsets, per (group, topic, partition);
 * - a partition without a committed offset has no lag (it is absent, never -1);
 * - a partition whose high watermark could not be read this poll has no lag;
 * - a committed offset beyond the high watermark (truncation, topic re-created) gives lag 0 and is
 *   flagged by `committedAheadOfEnd`;
 * - a share group's lag is the broker's own count (KIP-1226) where it gives one, else
 *   high watermark − share-partition start offset, an upper bound (see {@link firstUnconsumedOffset}).
 */
import {
  partitionKey,
  type ClusterSnapshot,
  type GroupOffset,
  type PartitionSnapshot,
} from '../collect/snapshot.js';

export interface PartitionLag {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** Committed offset (next record to consume); for share groups the share-partition start offset. */
  readonly committedOffset: bigint;
  /**
   * Offset of the first record the group has not consumed: the committed offset; for a share group with
   * the broker's lag count, high watermark − lag (its start offset trails acknowledgements). Time lag and
   * retention read the record here.
   */
  readonly firstUnconsumedOffset: bigint;
  /** High watermark of the partition in the same poll. */
  readonly highWatermark: bigint;
  /** max(0, highWatermark − committedOffset), offsets. */
  readonly lag: bigint;
  /** True when committedOffset > highWatermark; lag is then clamped to 0. */
  readonly committedAheadOfEnd: boolean;
}

/** Offset lag of one committed partition: max(0, end − committed). Offsets in, offsets out. */
export function offsetLag(highWatermark: bigint, committedOffset: bigint): bigint {
  const lag = highWatermark - committedOffset;
  return lag > 0n ? lag : 0n;
}

/**
 * Offset of the first record a group has not consumed, given its position on a partition and the partition's
 * high watermark: the committed offset, or for a share group with the broker's lag count (KIP-1226) the
 * later of its start offset and high watermark − lag.
 */
export function firstUnconsumedOffset(position: GroupOffset, highWatermark: bigint): bigint {
  if (position.lag === undefined || position.lag < 0n) return position.offset;
  const afterAcknowledged = highWatermark - position.lag;
  return afterAcknowledged > position.offset ? afterAcknowledged : position.offset;
}

/** Index of a snapshot's partitions by {@link partitionKey}. */
export function indexPartitions(snapshot: ClusterSnapshot): Map<string, PartitionSnapshot> {
  const index = new Map<string, PartitionSnapshot>();
  for (const topic of snapshot.topics) {
    for (const p of topic.partitions) index.set(partitionKey(topic.name, p.partition), p);
  }
  return index;
}

/**
 * Lag of every committed partition of every group in the snapshot, sorted by group, topic, partition.
 * Partitions on topics absent from the snapshot (filtered out or deleted) and partitions without a high
 * watermark this poll are skipped.
 */
export function computeOffsetLag(snapshot: ClusterSnapshot): PartitionLag[] {
  const partitions = indexPartitions(snapshot);
  const result: PartitionLag[] = [];
  for (const group of snapshot.groups) {
    for (const committed of group.offsets ?? []) {
      const highWatermark = partitions.get(partitionKey(committed.topic, committed.partition))?.highWatermark;
      if (highWatermark === null || highWatermark === undefined) continue;
      result.push({
        groupId: group.groupId,
        topic: committed.topic,
        partition: committed.partition,
        committedOffset: committed.offset,
        firstUnconsumedOffset: firstUnconsumedOffset(committed, highWatermark),
        highWatermark,
        lag: offsetLag(highWatermark, firstUnconsumedOffset(committed, highWatermark)),
        committedAheadOfEnd: committed.offset > highWatermark,
      });
    }
  }
  return result.sort(
    (a, b) => compare(a.groupId, b.groupId) || compare(a.topic, b.topic) || a.partition - b.partition,
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
