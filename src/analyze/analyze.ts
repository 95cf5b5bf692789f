/**
 * analyzeCluster: everything analysis derives from one snapshot and the history of earlier polls.
 * The one function the exporter calls per successful poll, after `history.record(snapshot)`. Pure apart
 * from reading `history`; time comes in through `options.now`.
 */
import type { ClusterSnapshot } from '../collect/snapshot.js';
import type { HistoryView } from './history.js';
import { computeOffsetLag } from './lag.js';
import { computeRetentionRisk } from './retention.js';
import { computeHealth, type PartitionHealthDetail } from './status.js';
import { computeTimeLag, indexRecordTimestamps, type TimeLagMode, type TimeLagValue } from './time-lag.js';
import type { ClusterAnalysis } from './types.js';

export interface AnalyzeOptions {
  /** Evaluation time, milliseconds since the epoch: the poll time (snapshot.observedAt) or the clock after the poll. */
  readonly now: number;
  /** `exact` (record timestamps, estimate as fallback) or `estimate` (interpolation only). */
  readonly timeLagMode: TimeLagMode;
  /** Burrow `allowed-lag`, offsets: lag at or below it counts as caught up for status. Burrow default 0. */
  readonly allowedLag: bigint;
}

/**
 * {@link ClusterAnalysis} with what its fixed types cannot carry yet: each time lag's `lowerBound` flag and
 * each partition status's `complete` and `rule`. Assignable to ClusterAnalysis.
 */
export interface DetailedClusterAnalysis extends ClusterAnalysis {
  readonly timeLag: readonly TimeLagValue[];
  readonly partitionHealth: readonly PartitionHealthDetail[];
}

/**
 * Offset lag (computeOffsetLag), time lag, partition and group status, and retention risk of `snapshot`.
 * Every list is sorted by group, topic, partition (groups by id).
 */
export function analyzeCluster(
  snapshot: ClusterSnapshot,
  history: HistoryView,
  options: AnalyzeOptions,
): DetailedClusterAnalysis {
  const offsetLag = computeOffsetLag(snapshot);
  const timestamps = indexRecordTimestamps(snapshot.recordTimestamps);
  const health = computeHealth(snapshot.groups, offsetLag, history, timestamps, options);
  return {
    offsetLag,
    timeLag: computeTimeLag(offsetLag, timestamps, history, { now: options.now, mode: options.timeLagMode }),
    partitionHealth: health.partitions,
    groupHealth: health.groups,
    retention: computeRetentionRisk(snapshot, offsetLag, timestamps),
  };
}
