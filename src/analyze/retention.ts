/**
 * Retention risk: how close retention is to deleting records a group has not consumed, and how many it
 * already deleted (lag-semantics.md §a, "c < LSt"; klag-exporter `messages_lost`, `retention_margin`).
 * Pure: offset lags, the snapshot's log-start offsets and record timestamps in; risks out.
 */
import type { ClusterSnapshot } from '../collect/snapshot.js';
import type { RecordTimestamp } from '../kafka/port.js';
import { partitionKey } from '../collect/snapshot.js';
import { indexPartitions, type PartitionLag } from './lag.js';
import { recordKey, usableTimestampMs } from './time-lag.js';
import type { RetentionRisk } from './types.js';

/**
 * Retention risk of one committed partition. Offsets in, offsets and seconds out:
 * - lostOffsets = max(0, logStart − committed): deleted before the group consumed them;
 * - marginOffsets = max(0, committed − logStart): left before retention reaches the group's position;
 * - marginSeconds = (timestamp of the record at `committed` − timestamp of the record at `logStart`) / 1000,
 *   clamped at 0 (CreateTime need not grow with offsets), when both are usable timestamps in `timestamps`
 *   (by recordKey of the asked offset); else null. Records are read only for lagging, not-yet-deleted
 *   committed offsets (mode `exact`), so caught-up and lost partitions have null.
 */
export function retentionRisk(
  lag: Pick<PartitionLag, 'groupId' | 'topic' | 'partition' | 'firstUnconsumedOffset'>,
  logStartOffset: bigint,
  timestamps: ReadonlyMap<string, RecordTimestamp>,
): RetentionRisk {
  const { groupId, topic, partition, firstUnconsumedOffset: position } = lag;
  const atCommitted = usableTimestampMs(timestamps.get(recordKey(topic, partition, position)));
  const atLogStart = usableTimestampMs(timestamps.get(recordKey(topic, partition, logStartOffset)));
  return {
    groupId,
    topic,
    partition,
    lostOffsets: logStartOffset > position ? logStartOffset - position : 0n,
    marginOffsets: position > logStartOffset ? position - logStartOffset : 0n,
    marginSeconds:
      atCommitted === undefined || atLogStart === undefined
        ? null
        : Math.max(0, atCommitted - atLogStart) / 1000,
  };
}

/**
 * Retention risk of every partition in `lags` (computeOffsetLag), in the same order. Partitions whose
 * log-start offset could not be read this poll are omitted.
 */
export function computeRetentionRisk(
  snapshot: ClusterSnapshot,
  lags: readonly PartitionLag[],
  timestamps: ReadonlyMap<string, RecordTimestamp>,
): RetentionRisk[] {
  const partitions = indexPartitions(snapshot);
  const result: RetentionRisk[] = [];
  for (const lag of lags) {
    const logStart = partitions.get(partitionKey(lag.topic, lag.partition))?.logStartOffset;
    if (logStart === null || logStart === undefined) continue;
    result.push(retentionRisk(lag, logStart, timestamps));
  }
  return result;
}
