/**
 * Lag in seconds: the age of the first record a group has not consumed, per committed partition.
 * Pure: offset lags, record timestamps, history and `now` in; seconds out. Accuracy: docs/lag-seconds.md.
 *
 * Methods (lag-semantics.md §b4, §b1):
 * - `exact`: now − timestamp of the record at the committed offset (snapshot.recordTimestamps, read by the
 *   poll with Fetch). `none` (only control records such as transaction markers remain below the high
 *   watermark) is 0 s. A timestamp in the future (producer clock ahead, CreateTime) is clamped to 0 s.
 * - `estimate`: now − the time the partition's high watermark passed the committed offset, interpolated
 *   over the poll history (src/analyze/lookup-table.ts). An offset older than the history gives a lower
 *   bound (`lowerBound`), the age of the oldest point, never an extrapolation.
 *
 * Per partition, in mode `exact`: exact if a usable timestamp is there, else the estimate (no READ
 * permission: TOPIC_AUTHORIZATION_FAILED; deleted by retention: OFFSET_OUT_OF_RANGE; fetch failed as a
 * whole; a record without timestamp). In mode `estimate`: the estimate. A caught-up partition (lag 0) is
 * 0 s, `exact`, in both modes: nothing is unconsumed. A partition with neither is omitted, never NaN.
 */
import type { RecordTimestamp } from '../kafka/port.js';
import type { HistoryView } from './history.js';
import type { PartitionLag } from './lag.js';
import { partitionKey } from '../collect/snapshot.js';
import type { OffsetTime } from './lookup-table.js';
import type { PartitionTimeLag } from './types.js';

/** `exact`: record timestamps with the estimate as fallback; `estimate`: interpolation only (no Fetch, no READ ACL). */
export type TimeLagMode = 'exact' | 'estimate';

/** Time lag with the flag the fixed output type lacks: `lowerBound` means the true lag is at least `seconds`. */
export interface TimeLagValue extends PartitionTimeLag {
  /** True when `seconds` is a lower bound (committed offset older than the history), not an estimate. */
  readonly lowerBound: boolean;
}

/** Seconds and whether they are a lower bound; the per-partition result of one method. */
export interface Seconds {
  /** Seconds, finite, ≥ 0. */
  readonly seconds: number;
  readonly lowerBound: boolean;
}

/** Key of a record in a {@link indexRecordTimestamps} map: `topic\u0000partition\u0000offset` (the asked offset). */
export function recordKey(topic: string, partition: number, offset: bigint): string {
  return `${partitionKey(topic, partition)}\u0000${offset}`;
}

/** The snapshot's record timestamps by {@link recordKey} of the offset asked for (not `recordOffset`). */
export function indexRecordTimestamps(records: readonly RecordTimestamp[]): Map<string, RecordTimestamp> {
  return new Map(records.map((r) => [recordKey(r.topic, r.partition, r.offset), r]));
}

/** A record's timestamp in milliseconds when usable: present, finite and ≥ 0 (-1 means "no timestamp", magic v0). */
export function usableTimestampMs(record: RecordTimestamp | undefined): number | undefined {
  if (record === undefined || !('timestampMs' in record)) return undefined;
  const ms = record.timestampMs;
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/**
 * Exact lag of a lagging partition from the record at its committed offset: max(0, now − timestamp) / 1000
 * seconds; 0 for `none` (only control records remain); undefined for an error, a missing record or an
 * unusable timestamp. `now` in milliseconds since the epoch.
 */
export function exactSeconds(record: RecordTimestamp | undefined, now: number): number | undefined {
  if (record !== undefined && 'none' in record) return 0;
  const ms = usableTimestampMs(record);
  return ms === undefined ? undefined : Math.max(0, now - ms) / 1000;
}

/**
 * Estimated lag of a lagging partition from a table lookup: max(0, now − time) / 1000 seconds.
 * - `interpolated` → the estimate;
 * - `before-history` → a lower bound; undefined when it is 0 s (history starts now: no information);
 * - `caught-up` → undefined: the caller knows the partition lags, so the table is behind this poll;
 * - undefined (empty table) → undefined.
 */
export function estimatedSeconds(lookup: OffsetTime | undefined, now: number): Seconds | undefined {
  if (lookup === undefined || lookup.kind === 'caught-up') return undefined;
  const seconds = Math.max(0, now - lookup.timeMs) / 1000;
  if (lookup.kind === 'interpolated') return { seconds, lowerBound: false };
  return seconds > 0 ? { seconds, lowerBound: true } : undefined;
}

/**
 * Time lag of every partition in `lags` (computeOffsetLag), in the same order; partitions without a value
 * are omitted. `timestamps` by {@link recordKey}; `now` in milliseconds since the epoch.
 */
export function computeTimeLag(
  lags: readonly PartitionLag[],
  timestamps: ReadonlyMap<string, RecordTimestamp>,
  history: HistoryView,
  options: { readonly now: number; readonly mode: TimeLagMode },
): TimeLagValue[] {
  const { now, mode } = options;
  const result: TimeLagValue[] = [];
  for (const lag of lags) {
    const id = { groupId: lag.groupId, topic: lag.topic, partition: lag.partition };
    if (lag.lag === 0n) {
      result.push({ ...id, seconds: 0, method: 'exact', lowerBound: false });
      continue;
    }
    if (mode === 'exact') {
      const record = timestamps.get(recordKey(lag.topic, lag.partition, lag.firstUnconsumedOffset));
      const seconds = exactSeconds(record, now);
      if (seconds !== undefined) {
        result.push({ ...id, seconds, method: 'exact', lowerBound: false });
        continue;
      }
    }
    const table = history.table(lag.topic, lag.partition);
    const estimate = estimatedSeconds(table?.lookup(lag.firstUnconsumedOffset), now);
    if (estimate !== undefined) result.push({ ...id, ...estimate, method: 'estimate' });
  }
  return result;
}
