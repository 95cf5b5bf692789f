/**
 * Renders the Kafka-scope metrics of every cluster's last snapshot and its analysis as one Prometheus text
 * exposition (format 0.0.4, prom-client's `Registry.PROMETHEUS_CONTENT_TYPE`). Called once per poll; the
 * caller caches the text (and its compressed form, see src/http/exposition.ts) and /metrics serves it.
 *
 * Guarantees:
 * - every family of {@link kafkaMetrics} that has at least one series appears once, with its HELP and TYPE,
 *   even with several clusters; families without series are left out;
 * - no duplicate series: brokers, topics, partitions, groups, committed offsets and analysis rows are
 *   de-duplicated by their key (first occurrence wins) before rendering (kafka_exporter defect §3.5);
 * - deterministic order: families in catalog order; within a family clusters by `kafka_cluster`, then
 *   brokers by id, topics by name, partitions by number, groups by id (UTF-16 code-unit order), members
 *   by id, state-set values in the order of their value set;
 * - the text is built from the snapshot and its analysis alone, so a topic or group that is gone from the
 *   snapshot has no series (no stale series to evict); analysis rows count only for committed offsets the
 *   snapshot holds, so every per-partition group series has a `kafka_consumergroup_current_offset` beside it
 *   (unless that family is disabled);
 * - no sentinel values: what is unknown (no leader, no commit, an offset that could not be read, a time lag
 *   or retention margin that could not be determined) has no series, and no NaN or ±Inf is ever written;
 * - per-topic aggregates (`…_sum`, `…_max_…`, `…_min_…`, `…_partitions`) are computed from exactly the rows
 *   the per-partition series are rendered from, whether or not those series are rendered
 *   (`--group.metrics.granularity=topic`, `--metrics.disable`);
 * - state sets (`kafka_consumergroup_state`, `…_status`, `…_partition_status`, `…_time_lag_method`) render
 *   every value of their set for each subject, exactly one of them 1.
 *
 * The renderer does not compute lag: offset lag, time lag, status and retention risk come from the
 * {@link ClusterAnalysis} (src/analyze), the rest from the {@link ClusterSnapshot}.
 *
 * The text is written directly rather than through prom-client gauges: bench/render.bench.ts measured
 * prom-client several times slower and heavier at the target scale (figures in docs/decisions.md). The
 * self metrics still go through prom-client (src/metrics/self.ts).
 */
import {
  GROUP_STATUSES,
  PARTITION_STATUSES,
  type ClusterAnalysis,
  type GroupHealth,
} from '../analyze/types.js';
import {
  partitionKey,
  type ClusterSnapshot,
  type GroupSnapshot,
  type PartitionSnapshot,
  type TopicSnapshot,
} from '../collect/snapshot.js';
import type { BrokerDescription, CommittedOffset } from '../kafka/port.js';
import {
  CLUSTER_LABEL,
  expositionType,
  kafkaMetrics,
  perPartitionGroupMetrics,
  reservedKafkaLabelNames,
  type KafkaMetricName,
} from './catalog.js';
import type { RenderOptions } from './options.js';
import { groupStateSet, TIME_LAG_METHODS } from './states.js';

export { DEFAULT_RENDER_OPTIONS, type GroupMetricsGranularity, type RenderOptions } from './options.js';

/** What one cluster's samples are made of: its last good snapshot, the analysis of it, and what to leave out. */
export interface KafkaSamplesInput {
  readonly snapshot: ClusterSnapshot;
  /** `analyzeCluster(snapshot, …)` of this very snapshot. */
  readonly analysis: ClusterAnalysis;
  readonly options: RenderOptions;
}

/** One cluster to render: {@link KafkaSamplesInput} plus its constant labels. */
export interface ClusterRender extends KafkaSamplesInput {
  /**
   * Constant labels from `--kafka.labels` (`{ env: 'prod' }`), added to every series of this cluster after
   * the metric's own labels. Names must pass {@link validateConstLabels}.
   */
  readonly constLabels: Readonly<Record<string, string>>;
}

/**
 * Receives the samples of one cluster in exposition order, family by family.
 * `labelValues` are the values of the metric's catalog `labelNames` after `kafka_cluster`, in that order.
 */
export interface KafkaSampleSink {
  sample(metric: KafkaMetricName, labelValues: readonly string[], value: number): void;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Checks constant label names: valid Prometheus label names, not reserved (`__…`), and not a label a
 * Kafka-scope metric already uses (`kafka_cluster`, `topic`, `partition`, `consumergroup`, …), which would
 * produce a duplicate label.
 * @throws Error naming the offending label.
 */
export function validateConstLabels(labels: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(labels)) {
    if (!LABEL_NAME.test(name)) throw new Error(`invalid constant label name ${JSON.stringify(name)}`);
    if (name.startsWith('__')) throw new Error(`constant label name ${name} is reserved (starts with __)`);
    if (reservedKafkaLabelNames.has(name)) {
      throw new Error(`constant label name ${name} is already used by lagwatch's Kafka metrics`);
    }
  }
}

/**
 * Renders every Kafka-scope family for all clusters as one text exposition (UTF-8 text, `\n` line ends,
 * empty string when there is nothing to render). Each cluster is rendered with its own options.
 * @throws Error when two clusters share a `kafka_cluster` value or a constant label name is invalid
 *   (both are configuration errors that would otherwise produce duplicate or invalid series).
 */
export function renderKafkaMetrics(clusters: readonly ClusterRender[]): string {
  const ordered = [...clusters].sort((a, b) => compare(a.snapshot.cluster, b.snapshot.cluster));
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]?.snapshot.cluster === ordered[i - 1]?.snapshot.cluster) {
      throw new Error(`two clusters share the kafka_cluster value ${ordered[i]?.snapshot.cluster}`);
    }
  }
  const sink = new TextSink();
  for (const cluster of ordered) {
    validateConstLabels(cluster.constLabels);
    sink.beginCluster(cluster.snapshot.cluster, cluster.constLabels);
    visitKafkaSamples(cluster, sink);
  }
  return sink.text();
}

/**
 * The Kafka-scope families rendered under `options`: the catalog's, minus `disabledMetrics`, minus the
 * per-partition consumer-group families when the granularity is `topic`. In catalog order.
 */
export function renderedKafkaMetrics(options: RenderOptions): KafkaMetricName[] {
  const off = disabledFamilies(options);
  return kafkaMetrics.map((m) => m.name as KafkaMetricName).filter((name) => !off.has(name));
}

function disabledFamilies(options: RenderOptions): Set<KafkaMetricName> {
  const off = new Set<KafkaMetricName>(options.disabledMetrics);
  if (options.groupMetricsGranularity === 'topic') for (const m of perPartitionGroupMetrics) off.add(m);
  return off;
}

/**
 * Walks one cluster's snapshot and analysis and hands every Kafka-scope sample to `sink`, de-duplicated and
 * in exposition order (see the module comment). Offsets are converted from bigint to float64 here. Samples
 * of families `options` leaves out, and non-finite values, never reach `sink`.
 */
export function visitKafkaSamples(input: KafkaSamplesInput, sink: KafkaSampleSink): void {
  const { analysis, options } = input;
  const view = normalize(input.snapshot, options.excludedGroups);
  const off = disabledFamilies(options);
  const on = (metric: KafkaMetricName): boolean => !off.has(metric);
  const out: KafkaSampleSink = {
    sample(metric, labelValues, value) {
      if (!off.has(metric) && Number.isFinite(value)) sink.sample(metric, labelValues, value);
    },
  };

  out.sample('kafka_brokers', [], view.brokers.length);
  for (const b of view.brokers) out.sample('kafka_broker_info', [String(b.id), `${b.host}:${b.port}`], 1);
  out.sample('kafka_cluster_info', [view.clusterId], 1);

  for (const topic of view.topics) {
    out.sample('kafka_topic_partitions', [topic.name], topic.partitions.length);
  }
  partitionFamily(view, out, 'kafka_topic_partition_current_offset', (p) => offsetValue(p.highWatermark));
  partitionFamily(view, out, 'kafka_topic_partition_oldest_offset', (p) => offsetValue(p.logStartOffset));
  partitionFamily(view, out, 'kafka_topic_partition_leader', (p) => (p.leader >= 0 ? p.leader : null));
  partitionFamily(view, out, 'kafka_topic_partition_replicas', (p) => p.replicas.length);
  partitionFamily(view, out, 'kafka_topic_partition_in_sync_replica', (p) => p.isr.length);
  partitionFamily(view, out, 'kafka_topic_partition_offline_replicas', (p) => p.offlineReplicas.length);
  partitionFamily(view, out, 'kafka_topic_partition_leader_is_preferred', (p) =>
    p.leader >= 0 && p.leader === p.replicas[0] ? 1 : 0,
  );
  partitionFamily(view, out, 'kafka_topic_partition_under_replicated_partition', (p) =>
    p.isr.length < p.replicas.length ? 1 : 0,
  );

  // --- Groups: metadata, state, members, assignment ---------------------------------------------------
  for (const g of view.groups) {
    out.sample('kafka_consumergroup_info', [g.groupId, g.type ?? '', g.protocolType, g.protocol], 1);
  }
  for (const g of view.groups) {
    if (g.members !== null) out.sample('kafka_consumergroup_members', [g.groupId], g.members.length);
  }
  if (on('kafka_consumergroup_state')) {
    for (const g of view.groups) {
      const { states, current } = groupStateSet(g.type, g.state);
      for (const s of states) out.sample('kafka_consumergroup_state', [g.groupId, s], s === current ? 1 : 0);
    }
  }

  const exists = partitionNumbers(view);
  if (on('kafka_consumergroup_member_assignment_info')) {
    for (const g of view.groups) {
      for (const a of assignments(g, exists)) {
        out.sample(
          'kafka_consumergroup_member_assignment_info',
          [
            g.groupId,
            a.topic,
            partitionLabel(a.partition),
            a.memberId,
            a.clientId,
            a.clientHost,
            a.instanceId,
          ],
          1,
        );
      }
    }
  }

  // --- Groups: committed offsets (snapshot) ----------------------------------------------------------
  // Committed offsets on partitions that exist in this snapshot (a deleted or filtered topic has none).
  const committed = view.groups.map((g) => ({
    group: g,
    offsets: (g.offsets ?? []).filter((c) => exists.get(c.topic)?.has(c.partition) === true),
  }));
  /** {@link rowKey} → committed offset, for every committed partition rendered above. */
  const commits = new Map<string, bigint>();
  for (const { group, offsets } of committed) {
    for (const c of offsets) {
      commits.set(rowKey(group.groupId, c.topic, c.partition), c.offset);
      out.sample(
        'kafka_consumergroup_current_offset',
        [group.groupId, c.topic, partitionLabel(c.partition)],
        Number(c.offset),
      );
    }
  }
  for (const { group, offsets } of committed) {
    for (const [topic, sum] of sumByTopic(offsets, (c) => c.offset)) {
      out.sample('kafka_consumergroup_current_offset_sum', [group.groupId, topic], Number(sum));
    }
  }

  // --- Groups: offset lag (analysis) -------------------------------------------------------------------
  // Rows of committed partitions whose high watermark was read this poll, for the committed offset above.
  const lags = partitionRows(analysis.offsetLag, commits).filter(
    (l) => commits.get(rowKey(l.groupId, l.topic, l.partition)) === l.committedOffset,
  );
  for (const l of lags) {
    out.sample('kafka_consumergroup_lag', [l.groupId, l.topic, partitionLabel(l.partition)], Number(l.lag));
  }
  forEachTopicRun(lags, (groupId, topic, run) => {
    out.sample('kafka_consumergroup_lag_sum', [groupId, topic], Number(sumOf(run, (l) => l.lag)));
  });

  for (const { group, offsets } of committed) {
    if (group.offsets === null) continue; // OffsetFetch failed: which partitions lack a commit is unknown
    for (const [topic, count] of uncommittedByTopic(exists, group, offsets)) {
      out.sample('kafka_consumergroup_uncommitted_partitions', [group.groupId, topic], count);
    }
  }
  forEachTopicRun(lags, (groupId, topic, run) => {
    const ahead = countOf(run, (l) => l.committedAheadOfEnd);
    out.sample('kafka_consumergroup_ahead_of_end_partitions', [groupId, topic], ahead);
  });

  // --- Groups: lag in seconds (analysis) --------------------------------------------------------------
  const timeLags = partitionRows(analysis.timeLag, commits).filter((t) => Number.isFinite(t.seconds));
  for (const t of timeLags) {
    out.sample(
      'kafka_consumergroup_lag_seconds',
      [t.groupId, t.topic, partitionLabel(t.partition)],
      t.seconds,
    );
  }
  if (on('kafka_consumergroup_time_lag_method')) {
    for (const t of timeLags) {
      const p = partitionLabel(t.partition);
      for (const m of TIME_LAG_METHODS) {
        out.sample('kafka_consumergroup_time_lag_method', [t.groupId, t.topic, p, m], m === t.method ? 1 : 0);
      }
    }
  }
  forEachTopicRun(timeLags, (groupId, topic, run) => {
    const max = run.reduce((m, t) => Math.max(m, t.seconds), -Infinity);
    out.sample('kafka_consumergroup_max_lag_seconds', [groupId, topic], max);
    const estimated = countOf(run, (t) => t.method === 'estimate');
    out.sample('kafka_consumergroup_time_lag_estimated_partitions', [groupId, topic], estimated);
  });

  // --- Groups: status (analysis) ----------------------------------------------------------------------
  if (on('kafka_consumergroup_status')) {
    const groupIds = new Set(view.groups.map((g) => g.groupId));
    const health = uniqueSorted(analysis.groupHealth, (h) => h.groupId, byHealthGroupId);
    for (const h of health) {
      if (!groupIds.has(h.groupId)) continue;
      for (const s of GROUP_STATUSES)
        out.sample('kafka_consumergroup_status', [h.groupId, s], s === h.status ? 1 : 0);
    }
  }
  if (on('kafka_consumergroup_partition_status')) {
    for (const h of partitionRows(analysis.partitionHealth, commits)) {
      const p = partitionLabel(h.partition);
      for (const s of PARTITION_STATUSES) {
        out.sample(
          'kafka_consumergroup_partition_status',
          [h.groupId, h.topic, p, s],
          s === h.status ? 1 : 0,
        );
      }
    }
  }

  // --- Groups: retention (analysis) -------------------------------------------------------------------
  const risks = partitionRows(analysis.retention, commits);
  for (const r of risks) {
    const labels = [r.groupId, r.topic, partitionLabel(r.partition)];
    out.sample('kafka_consumergroup_lost_offsets', labels, Number(r.lostOffsets));
    out.sample('kafka_consumergroup_retention_margin_offsets', labels, Number(r.marginOffsets));
    if (r.marginSeconds !== null)
      out.sample('kafka_consumergroup_retention_margin_seconds', labels, r.marginSeconds);
  }
  forEachTopicRun(risks, (groupId, topic, run) => {
    const lost = countOf(run, (r) => r.lostOffsets > 0n);
    out.sample('kafka_consumergroup_data_loss_partitions', [groupId, topic], lost);
    let min = Infinity;
    for (const r of run) if (r.marginSeconds !== null && r.marginSeconds < min) min = r.marginSeconds;
    // Infinity (no known margin) is not finite, so `out` drops it: no series.
    out.sample('kafka_consumergroup_min_retention_margin_seconds', [groupId, topic], min);
  });
}

/** Any analysis row about one partition of one group. */
interface GroupPartitionRow {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
}

/**
 * Key of a (group, topic, partition) in lookup maps: `group\u0000topic\u0000partition`. Unambiguous even for a
 * group id containing NUL: read from the right, the partition is digits and a topic name cannot contain NUL.
 */
function rowKey(groupId: string, topic: string, partition: number): string {
  return `${groupId}\u0000${partitionKey(topic, partition)}`;
}

/**
 * Analysis rows de-duplicated (first occurrence wins), sorted by group, topic and partition, and limited to
 * the committed partitions being rendered (`commits`, keyed by {@link rowKey}): rows of excluded groups, of
 * deleted or filtered topics, or of commits the snapshot does not hold are dropped.
 */
function partitionRows<R extends GroupPartitionRow>(
  rows: readonly R[],
  commits: ReadonlyMap<string, bigint>,
): R[] {
  return uniqueSorted(rows, (r) => rowKey(r.groupId, r.topic, r.partition), byGroupTopicPartition).filter(
    (r) => commits.has(rowKey(r.groupId, r.topic, r.partition)),
  );
}

/** Calls `fn` once per run of consecutive rows with the same group and topic (rows sorted by group, topic). */
function forEachTopicRun<R extends GroupPartitionRow>(
  rows: readonly R[],
  fn: (groupId: string, topic: string, run: readonly R[]) => void,
): void {
  let start = 0;
  for (let i = 1; i <= rows.length; i++) {
    const first = rows[start] as R;
    const row = rows[i];
    if (row !== undefined && row.groupId === first.groupId && row.topic === first.topic) continue;
    fn(first.groupId, first.topic, rows.slice(start, i));
    start = i;
  }
}

/** Exact bigint sum of `value` over `rows`. */
function sumOf<R>(rows: readonly R[], value: (row: R) => bigint): bigint {
  let sum = 0n;
  for (const r of rows) sum += value(r);
  return sum;
}

function countOf<R>(rows: readonly R[], test: (row: R) => boolean): number {
  let count = 0;
  for (const r of rows) if (test(r)) count++;
  return count;
}

/** One (member, assigned partition) pair of a group, as `kafka_consumergroup_member_assignment_info` labels it. */
interface Assignment {
  readonly topic: string;
  readonly partition: number;
  readonly memberId: string;
  readonly clientId: string;
  readonly clientHost: string;
  /** `group.instance.id` (static membership), or `''`. */
  readonly instanceId: string;
}

/**
 * Every partition assigned to a described member of the group, on partitions that exist in the snapshot;
 * de-duplicated and sorted by topic, partition and member id. Empty when the group was not described.
 */
function assignments(group: GroupSnapshot, exists: ReadonlyMap<string, ReadonlySet<number>>): Assignment[] {
  const rows: Assignment[] = [];
  for (const m of group.members ?? []) {
    for (const a of m.assignment) {
      if (exists.get(a.topic)?.has(a.partition) !== true) continue;
      rows.push({
        topic: a.topic,
        partition: a.partition,
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        instanceId: m.groupInstanceId ?? '',
      });
    }
  }
  return uniqueSorted(
    rows,
    (r) => `${partitionKey(r.topic, r.partition)}\u0000${r.memberId}`,
    (a, b) => compare(a.topic, b.topic) || a.partition - b.partition || compare(a.memberId, b.memberId),
  );
}

/** Emits one per-partition family for every partition of every topic; `value` null = no series. */
function partitionFamily(
  view: ClusterSnapshot,
  sink: KafkaSampleSink,
  metric: KafkaMetricName,
  value: (p: PartitionSnapshot) => number | null,
): void {
  for (const topic of view.topics) {
    for (const p of topic.partitions) {
      const v = value(p);
      if (v !== null) sink.sample(metric, [topic.name, partitionLabel(p.partition)], v);
    }
  }
}

/** An offset as a sample value (float64: exact up to 2^53), or null when it was not read. */
function offsetValue(offset: bigint | null): number | null {
  return offset === null ? null : Number(offset);
}

/**
 * Per topic (in order of first appearance, i.e. sorted when `rows` are), the sum of `value` over `rows`.
 * Sums run in bigint, so they are exact before the final float64 conversion.
 */
function sumByTopic<R extends { readonly topic: string }>(
  rows: readonly R[],
  value: (row: R) => bigint,
): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const r of rows) sums.set(r.topic, (sums.get(r.topic) ?? 0n) + value(r));
  return sums;
}

/**
 * For each topic the group has committed on or is assigned (by its described members), the number of the
 * topic's partitions without a commit; topics sorted by name. `offsets` are de-duplicated and limited to
 * partitions that exist in the snapshot, so a topic's count is its partitions minus its commits.
 */
function uncommittedByTopic(
  exists: ReadonlyMap<string, ReadonlySet<number>>,
  group: GroupSnapshot,
  offsets: readonly CommittedOffset[],
): Map<string, number> {
  const commits = sumByTopic(offsets, () => 1n);
  const topics = new Set(commits.keys());
  for (const m of group.members ?? []) {
    for (const a of m.assignment) if (exists.get(a.topic)?.has(a.partition) === true) topics.add(a.topic);
  }
  const result = new Map<string, number>();
  for (const topic of [...topics].sort(compare)) {
    const partitions = exists.get(topic)?.size ?? 0;
    result.set(topic, partitions - Number(commits.get(topic) ?? 0n));
  }
  return result;
}

/** For each topic of the snapshot, its partition numbers. */
function partitionNumbers(view: ClusterSnapshot): Map<string, Set<number>> {
  return new Map(view.topics.map((t) => [t.name, new Set(t.partitions.map((p) => p.partition))]));
}

/** Decimal strings of partition numbers, shared across samples. */
const partitionLabels: string[] = [];

/** The `partition` label value: the partition number in decimal. */
function partitionLabel(partition: number): string {
  return (partitionLabels[partition] ??= String(partition));
}

/**
 * The snapshot de-duplicated (first occurrence wins) and sorted: brokers by id, topics by name, partitions
 * by number, groups by id (without `excludedGroups`), committed offsets by topic and partition. Keeps the input
 * untouched.
 */
function normalize(snapshot: ClusterSnapshot, excludedGroups?: ReadonlySet<string>): ClusterSnapshot {
  const groups =
    excludedGroups === undefined || excludedGroups.size === 0
      ? snapshot.groups
      : snapshot.groups.filter((g) => !excludedGroups.has(g.groupId));
  return {
    ...snapshot,
    brokers: uniqueSorted(snapshot.brokers, (b) => b.id, byId),
    topics: uniqueSorted(snapshot.topics, (t) => t.name, byName).map((t) => ({
      name: t.name,
      partitions: uniqueSorted(t.partitions, (p) => p.partition, byPartition),
    })),
    groups: uniqueSorted(groups, (g) => g.groupId, byGroupId).map((g) => ({
      ...g,
      offsets:
        g.offsets === null
          ? null
          : uniqueSorted(g.offsets, (c) => partitionKey(c.topic, c.partition), byTopicPartition),
    })),
  };
}

/**
 * Items with a unique `key`, first occurrence kept, sorted by `order` (which must agree with `key`:
 * equal keys compare 0). Returns the input itself when it is already strictly ordered (the usual case).
 */
function uniqueSorted<T>(items: readonly T[], key: (item: T) => unknown, order: (a: T, b: T) => number): T[] {
  let strictlyOrdered = true;
  for (let i = 1; i < items.length && strictlyOrdered; i++) {
    strictlyOrdered = order(items[i - 1] as T, items[i] as T) < 0;
  }
  if (strictlyOrdered) return items as T[];
  const seen = new Set<unknown>();
  const unique: T[] = [];
  for (const item of items) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    unique.push(item);
  }
  return unique.sort(order);
}

const byId = (a: BrokerDescription, b: BrokerDescription): number => a.id - b.id;
const byName = (a: TopicSnapshot, b: TopicSnapshot): number => compare(a.name, b.name);
const byPartition = (a: PartitionSnapshot, b: PartitionSnapshot): number => a.partition - b.partition;
const byGroupId = (a: GroupSnapshot, b: GroupSnapshot): number => compare(a.groupId, b.groupId);
const byTopicPartition = (a: CommittedOffset, b: CommittedOffset): number =>
  compare(a.topic, b.topic) || a.partition - b.partition;
const byGroupTopicPartition = (a: GroupPartitionRow, b: GroupPartitionRow): number =>
  compare(a.groupId, b.groupId) || compare(a.topic, b.topic) || a.partition - b.partition;
const byHealthGroupId = (a: GroupHealth, b: GroupHealth): number => compare(a.groupId, b.groupId);

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Escapes a label value for the text format: backslash, double quote, line feed. */
function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/[\\"\n]/g, escapeChar) : value;
}

/** Escapes HELP text for the text format: backslash, line feed. */
function escapeHelp(help: string): string {
  return /[\\\n]/.test(help) ? help.replace(/[\\\n]/g, escapeChar) : help;
}

function escapeChar(c: string): string {
  return c === '\n' ? '\\n' : `\\${c}`;
}

/** The lines of one family being written, and the label fragments of its previous sample. */
interface FamilyBuffer {
  /** `,name="` for each label after `kafka_cluster`. */
  readonly names: readonly string[];
  /** Label values of the previous sample, and their rendered `,name="escaped"` fragments. */
  readonly lastValues: string[];
  readonly lastFragments: string[];
  /** Pieces of text, joined at the end (cheaper than building each line as a string). */
  readonly pieces: string[];
}

/**
 * Writes samples as text into one buffer per family, so that families stay contiguous across clusters.
 * Samples arrive sorted, so consecutive samples of a family mostly share label values (group, topic): the
 * escaped fragment of a value is reused while it repeats.
 */
class TextSink implements KafkaSampleSink {
  readonly #families = new Map<KafkaMetricName, FamilyBuffer>();
  /** `{kafka_cluster="…"` of the current cluster. */
  #head = '';
  /** `,k="v",…} ` of the current cluster's constant labels. */
  #tail = '} ';

  beginCluster(cluster: string, constLabels: Readonly<Record<string, string>>): void {
    this.#head = `{${CLUSTER_LABEL}="${escapeLabelValue(cluster)}"`;
    let tail = '';
    for (const [name, value] of Object.entries(constLabels)) tail += `,${name}="${escapeLabelValue(value)}"`;
    this.#tail = `${tail}} `;
  }

  sample(metric: KafkaMetricName, labelValues: readonly string[], value: number): void {
    let family = this.#families.get(metric);
    if (family === undefined) {
      const names = LABEL_PREFIXES.get(metric) as readonly string[];
      family = { names, lastValues: names.map(() => ''), lastFragments: names.map(() => ''), pieces: [] };
      this.#families.set(metric, family);
    }
    const { names, lastValues, lastFragments, pieces } = family;
    pieces.push(metric, this.#head);
    for (let i = 0; i < names.length; i++) {
      const v = labelValues[i] as string;
      if (v !== lastValues[i] || lastFragments[i] === '') {
        lastValues[i] = v;
        lastFragments[i] = `${names[i]}${escapeLabelValue(v)}"`;
      }
      pieces.push(lastFragments[i] as string);
    }
    pieces.push(this.#tail, formatValue(value), '\n');
  }

  text(): string {
    const parts: string[] = [];
    for (const m of kafkaMetrics) {
      const family = this.#families.get(m.name as KafkaMetricName);
      if (family === undefined) continue;
      parts.push(`# HELP ${m.name} ${escapeHelp(m.help)}\n# TYPE ${m.name} ${expositionType(m.type)}\n`);
      parts.push(family.pieces.join(''));
    }
    return parts.join('');
  }
}

/** For each Kafka metric, `,name="` for each of its labels after `kafka_cluster`. */
const LABEL_PREFIXES = new Map<string, readonly string[]>(
  kafkaMetrics.map((m) => [m.name, m.labelNames.slice(1).map((n) => `,${n}="`)]),
);

/** A sample value as Go's strconv.ParseFloat reads it: integers as digits, NaN/±Inf spelled out. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

// The catalog's first label of every Kafka metric must be kafka_cluster: TextSink relies on it.
for (const m of kafkaMetrics) {
  if (m.labelNames[0] !== CLUSTER_LABEL)
    throw new Error(`catalog: ${m.name} must start with ${CLUSTER_LABEL}`);
}
