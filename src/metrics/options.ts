/**
 * What the renderer may leave out of a cluster's exposition: the cardinality controls. The configuration
 * (src/config) fills them from `--group.metrics.granularity` and `--metrics.disable`; the exporter adds
 * the groups it no longer exports (`--group.empty-max-age`).
 */
import type { KafkaMetricName } from './catalog.js';

/**
 * How finely consumer-group metrics are broken down:
 * - `partition` (default): every family, one series per group and partition where the family has a
 *   `partition` label, as kafka_exporter does;
 * - `topic`: the per-partition consumer-group families (`perPartitionGroupMetrics` in catalog.ts) are
 *   left out; the per-topic and per-group ones (`…_lag_sum`, `…_current_offset_sum`,
 *   `…_max_lag_seconds`, `…_status`, …) stay, with the same values as under `partition`.
 */
export type GroupMetricsGranularity = 'partition' | 'topic';

/** Every {@link GroupMetricsGranularity}, the default first. */
export const GROUP_METRICS_GRANULARITIES = [
  'partition',
  'topic',
] as const satisfies readonly GroupMetricsGranularity[];

/** Per-cluster rendering options. */
export interface RenderOptions {
  /** `--group.metrics.granularity`; see {@link GroupMetricsGranularity}. */
  readonly groupMetricsGranularity: GroupMetricsGranularity;
  /** Kafka-scope families not rendered at all (`--metrics.disable`). Aggregates of a disabled family's values still are. */
  readonly disabledMetrics: readonly KafkaMetricName[];
  /**
   * Consumer-group ids rendered in no family at all (info, state, offsets, lag, status, …), e.g. the groups
   * that have been Empty for longer than `--group.empty-max-age`. Absent = none.
   */
  readonly excludedGroups?: ReadonlySet<string>;
}

/** kafka_exporter-compatible rendering: every family, per partition, every group. */
export const DEFAULT_RENDER_OPTIONS: RenderOptions = {
  groupMetricsGranularity: 'partition',
  disabledMetrics: [],
};
