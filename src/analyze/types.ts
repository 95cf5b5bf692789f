/**
 * What analysis derives from a snapshot and the history of earlier polls. Plain data, read by the renderer.
 * Produced by `analyzeCluster` (src/analyze/analyze.ts).
 */
import type { PartitionLag } from './lag.js';

/** How a time lag was obtained: the timestamp of the record at the committed offset, or interpolation over history. */
export type TimeLagMethod = 'exact' | 'estimate';

/** Lag in seconds of one committed partition of a group: the age of the first unconsumed record. */
export interface PartitionTimeLag {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** Seconds, ≥ 0, finite. 0 for a caught-up partition. */
  readonly seconds: number;
  readonly method: TimeLagMethod;
}

/** Burrow's partition statuses (lag-semantics.md §c), evaluated from the committed offsets lagwatch observed. */
export type PartitionStatus = 'OK' | 'WARN' | 'STOP' | 'STALL' | 'REWIND';
export const PARTITION_STATUSES: readonly PartitionStatus[] = ['OK', 'WARN', 'STOP', 'STALL', 'REWIND'];

/** Burrow's group statuses: STOP, STALL and REWIND partitions make a group ERR. */
export type GroupStatus = 'OK' | 'WARN' | 'ERR';
export const GROUP_STATUSES: readonly GroupStatus[] = ['OK', 'WARN', 'ERR'];

export interface PartitionHealth {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  readonly status: PartitionStatus;
}

export interface GroupHealth {
  readonly groupId: string;
  readonly status: GroupStatus;
}

/**
 * Retention risk of one committed partition. A committed offset below the log-start offset means records
 * were deleted before the group consumed them.
 */
export interface RetentionRisk {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** max(0, log-start offset − committed offset): offsets deleted before they were consumed. */
  readonly lostOffsets: bigint;
  /** max(0, committed offset − log-start offset): offsets left before retention reaches the group's position. */
  readonly marginOffsets: bigint;
  /**
   * Seconds between the oldest retained record and the record at the committed offset, when both timestamps
   * are known: how much older the log's tail may grow before retention deletes unconsumed records. Else null.
   */
  readonly marginSeconds: number | null;
}

/** Everything analysis derives for one cluster in one poll. */
export interface ClusterAnalysis {
  readonly offsetLag: readonly PartitionLag[];
  readonly timeLag: readonly PartitionTimeLag[];
  readonly partitionHealth: readonly PartitionHealth[];
  readonly groupHealth: readonly GroupHealth[];
  readonly retention: readonly RetentionRisk[];
}
