/**
 * PromQL shared by several dashboards: produce and consume rates, and the state sets (group status,
 * partition status, group state) folded into one numeric code per subject for state timelines, with the
 * value mappings that name the codes.
 *
 * Aggregations first take `max by` the subject's labels, which removes the scrape target's labels: several
 * lagwatch replicas watching one cluster then count once, not once per replica.
 */
import type { ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { GROUP_STATUSES, PARTITION_STATUSES } from '../../analyze/types.js';
import { GROUP_STATES_BY_TYPE } from '../../metrics/states.js';
import { eq, type Matcher, type Promql } from '../promql.js';
import { COLOR, valueMappings } from './common.js';

/** Grafana's rate window: at least four scrape intervals. */
export const RATE_INTERVAL = '$__rate_interval';

/**
 * Produce rate per topic, in offsets per second: the rate of the high watermark, summed over partitions.
 * `rate()` on a gauge is right here: a high watermark only grows, except after truncation, which `rate()`
 * counts as a reset instead of a large negative rate.
 */
export function produceRate(p: Promql, topic: Matcher): string {
  const hwm = p.metric('kafka_topic_partition_current_offset', { topic });
  return `sum ${p.by('topic')} (max ${p.by('topic', 'partition')} (rate(${hwm}[${RATE_INTERVAL}])))`;
}

/**
 * Consume rate per group and topic, in offsets per second: the rate of the committed offsets. Per partition
 * where lagwatch exports per-partition series; else (`--group.metrics.granularity=topic`) from the
 * per-topic sum, whose rate jumps when a partition gains or loses its commit.
 */
export function consumeRate(p: Promql, group: Matcher, topic: Matcher): string {
  const perPartition = p.metric('kafka_consumergroup_current_offset', { consumergroup: group, topic });
  const perTopic = p.metric('kafka_consumergroup_current_offset_sum', { consumergroup: group, topic });
  return [
    `(`,
    `  sum ${p.by('consumergroup', 'topic')} (max ${p.by('consumergroup', 'topic', 'partition')} (rate(${perPartition}[${RATE_INTERVAL}])))`,
    `  or`,
    `  max ${p.by('consumergroup', 'topic')} (rate(${perTopic}[${RATE_INTERVAL}]))`,
    `)`,
  ].join('\n');
}

/** `max by (…) (a{l="x"} * 1 or a{l="y"} * 2 …)`: the code of the state whose series is 1; 0 when none of `terms` is. */
function codeOf(p: Promql, by: readonly string[], terms: readonly (readonly [string, number])[]): string {
  const body = terms.map(([selector, code]) => `${selector} * ${code}`).join(' or ');
  return `max ${p.by(...by)} (${body})`;
}

/** Group status as a code: the index in {@link GROUP_STATUSES} (OK 0, WARN 1, ERR 2). */
export function groupStatusCode(p: Promql, group: Matcher): string {
  return codeOf(
    p,
    ['consumergroup'],
    GROUP_STATUSES.slice(1).map(
      (status, i) => [p.metric('kafka_consumergroup_status', { consumergroup: group, status: eq(status) }), i + 1] as const,
    ),
  );
}

/** Names and colours of the group status codes. */
export function groupStatusMappings(): ValueMapping[] {
  const colors: Record<string, string> = { OK: COLOR.ok, WARN: COLOR.warn, ERR: COLOR.bad };
  return valueMappings(...GROUP_STATUSES.map((s, i) => [i, s, colors[s] ?? COLOR.bad] as [number, string, string]));
}

/** Partition status as a code: the index in {@link PARTITION_STATUSES} (OK 0, WARN 1, STOP 2, STALL 3, REWIND 4). */
export function partitionStatusCode(p: Promql, group: Matcher, topic: Matcher): string {
  return codeOf(
    p,
    ['consumergroup', 'topic', 'partition'],
    PARTITION_STATUSES.slice(1).map(
      (status, i) =>
        [p.metric('kafka_consumergroup_partition_status', { consumergroup: group, topic, status: eq(status) }), i + 1] as const,
    ),
  );
}

/** Names and colours of the partition status codes. */
export function partitionStatusMappings(): ValueMapping[] {
  const colors: Record<string, string> = { OK: COLOR.ok, WARN: COLOR.warn };
  return valueMappings(
    ...PARTITION_STATUSES.map((s, i) => [i, s, colors[s] ?? COLOR.bad] as [number, string, string]),
  );
}

/** Every group state of every group type, in first-seen order (Empty, PreparingRebalance, …). */
export const GROUP_STATES: readonly string[] = [...new Set(Object.values(GROUP_STATES_BY_TYPE).flat())];

/** Group state as a code: 1 + the index in {@link GROUP_STATES}; 0 for a state outside it (e.g. Unknown). */
export function groupStateCode(p: Promql, group: Matcher): string {
  return codeOf(
    p,
    ['consumergroup'],
    GROUP_STATES.map(
      (state, i) => [p.metric('kafka_consumergroup_state', { consumergroup: group, state: eq(state) }), i + 1] as const,
    ),
  );
}

/** Names and colours of the group state codes. */
export function groupStateMappings(): ValueMapping[] {
  const color = (state: string): string => {
    if (state === 'Stable') return COLOR.ok;
    if (state === 'Empty') return COLOR.idle;
    if (state === 'Dead') return COLOR.bad;
    return COLOR.warn; // rebalancing: PreparingRebalance, CompletingRebalance, Assigning, Reconciling, NotReady
  };
  return valueMappings(
    [0, 'Unknown', COLOR.info],
    ...GROUP_STATES.map((s, i) => [i + 1, s, color(s)] as [number, string, string]),
  );
}
