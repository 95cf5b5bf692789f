/**
 * Builders and a shared example cluster for the renderer tests: a snapshot with the usual cases (`main`) and
 * a hand-written analysis of it (`mainAnalysis`) that exercises every analysis-backed family.
 */
import { computeOffsetLag } from '../../../src/analyze/lag.js';
import type {
  ClusterAnalysis,
  GroupHealth,
  PartitionHealth,
  PartitionTimeLag,
  RetentionRisk,
} from '../../../src/analyze/types.js';
import type {
  ClusterSnapshot,
  GroupSnapshot,
  PartitionSnapshot,
  TopicSnapshot,
} from '../../../src/collect/snapshot.js';
import type { CommittedOffset, GroupMemberDescription, TopicPartition } from '../../../src/kafka/port.js';
import {
  DEFAULT_RENDER_OPTIONS,
  type ClusterRender,
  type RenderOptions,
} from '../../../src/metrics/render.js';

export function partition(n: number, over: Partial<PartitionSnapshot> = {}): PartitionSnapshot {
  return {
    partition: n,
    leader: 1,
    replicas: [1, 2, 3],
    isr: [1, 2, 3],
    offlineReplicas: [],
    logStartOffset: 0n,
    highWatermark: 100n,
    ...over,
  };
}

export function topic(name: string, partitions: PartitionSnapshot[]): TopicSnapshot {
  return { name, partitions };
}

export function commits(topicName: string, offsets: Record<number, bigint>): CommittedOffset[] {
  return Object.entries(offsets).map(([p, offset]) => ({ topic: topicName, partition: Number(p), offset }));
}

export function member(
  id: string,
  assignment: TopicPartition[] = [],
  over: Partial<GroupMemberDescription> = {},
): GroupMemberDescription {
  return {
    memberId: id,
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/10.0.0.1',
    assignment,
    ...over,
  };
}

export function group(
  groupId: string,
  offsets: CommittedOffset[] | null,
  over: Partial<GroupSnapshot> = {},
): GroupSnapshot {
  return {
    groupId,
    type: 'classic',
    state: 'Stable',
    protocolType: 'consumer',
    protocol: 'range',
    members: [member('m1')],
    offsets,
    ...over,
  };
}

export function snapshot(over: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    cluster: 'main',
    clusterId: 'cluster-id-1',
    observedAt: 1_700_000_000_000,
    controllerId: 1,
    brokers: [
      { id: 1, host: 'b1', port: 9092, rack: null },
      { id: 2, host: 'b2', port: 9092, rack: null },
      { id: 3, host: 'b3', port: 9092, rack: 'r3' },
    ],
    topics: [],
    groups: [],
    recordTimestamps: [],
    errors: [],
    ...over,
  };
}

/** An analysis with only what a snapshot alone gives: offset lag. */
export function analysisOf(s: ClusterSnapshot, over: Partial<ClusterAnalysis> = {}): ClusterAnalysis {
  return {
    offsetLag: computeOffsetLag(s),
    timeLag: [],
    partitionHealth: [],
    groupHealth: [],
    retention: [],
    ...over,
  };
}

/** A cluster to render: by default no constant labels, the offset-lag-only analysis, default options. */
export function cluster(
  s: ClusterSnapshot,
  over: {
    constLabels?: Record<string, string>;
    analysis?: ClusterAnalysis;
    options?: Partial<RenderOptions>;
  } = {},
): ClusterRender {
  return {
    snapshot: s,
    analysis: over.analysis ?? analysisOf(s),
    constLabels: over.constLabels ?? {},
    options: { ...DEFAULT_RENDER_OPTIONS, ...over.options },
  };
}

// --- The example cluster ----------------------------------------------------------------------------------

export const orders = topic('orders', [
  partition(0, { logStartOffset: 10n, highWatermark: 100n }),
  partition(1, { leader: 2, replicas: [1, 2, 3], isr: [2, 3], logStartOffset: 5n, highWatermark: 50n }),
  partition(2, {
    leader: -1,
    isr: [],
    offlineReplicas: [1, 2, 3],
    logStartOffset: null,
    highWatermark: null,
  }),
]);

export const payments = topic('payments', [
  partition(0, { highWatermark: 7n }),
  partition(1, { logStartOffset: 5n, highWatermark: 9n }),
]);

/**
 * Groups: `billing` (classic, lagging on orders/0, commit beyond the end on orders/1), `audit` (Empty, caught
 * up on orders/0, no high watermark on orders/2), `fresh` (assigned, nothing committed), `broken` (neither
 * offsets nor description), `kip848` (a KIP-848 `consumer` group whose commit on payments/1 fell below the
 * log-start offset).
 */
export const main = snapshot({
  topics: [orders, payments],
  groups: [
    group('billing', [...commits('orders', { 0: 40n, 1: 60n }), ...commits('payments', { 0: 7n })], {
      members: [
        member('m1', [
          { topic: 'orders', partition: 0 },
          { topic: 'orders', partition: 1 },
        ]),
        member(
          'm2',
          [
            { topic: 'payments', partition: 0 },
            { topic: 'orders', partition: 2 },
            { topic: 'gone', partition: 0 },
          ],
          { clientId: 'billing-2', clientHost: '/10.0.0.2', groupInstanceId: 'billing-pod-2' },
        ),
      ],
    }),
    group('audit', commits('orders', { 0: 100n, 2: 3n }), { members: [], state: 'Empty' }),
    group('fresh', [], { members: [member('m1', [{ topic: 'payments', partition: 0 }])] }),
    group('broken', null, { members: null, state: 'Unknown' }),
    group('kip848', commits('payments', { 0: 1n, 1: 2n }), {
      type: 'consumer',
      protocolType: '',
      protocol: 'uniform',
      members: [member('a', [{ topic: 'payments', partition: 0 }]), member('b')],
    }),
  ],
});

function timeLag(
  groupId: string,
  t: string,
  p: number,
  seconds: number,
  method: PartitionTimeLag['method'],
): PartitionTimeLag {
  return { groupId, topic: t, partition: p, seconds, method };
}

function health(groupId: string, t: string, p: number, status: PartitionHealth['status']): PartitionHealth {
  return { groupId, topic: t, partition: p, status };
}

function risk(
  groupId: string,
  t: string,
  p: number,
  lostOffsets: bigint,
  marginOffsets: bigint,
  marginSeconds: number | null,
): RetentionRisk {
  return { groupId, topic: t, partition: p, lostOffsets, marginOffsets, marginSeconds };
}

/** What analysis could say about `main`; rows deliberately unsorted. */
export const mainAnalysis: ClusterAnalysis = analysisOf(main, {
  timeLag: [
    timeLag('kip848', 'payments', 1, 45, 'exact'),
    timeLag('billing', 'orders', 0, 120.5, 'exact'),
    timeLag('billing', 'orders', 1, 0, 'exact'),
    timeLag('billing', 'payments', 0, 0, 'exact'),
    timeLag('audit', 'orders', 0, 0, 'exact'),
    timeLag('kip848', 'payments', 0, 30, 'estimate'),
  ],
  partitionHealth: [
    health('billing', 'orders', 0, 'WARN'),
    health('billing', 'orders', 1, 'OK'),
    health('billing', 'payments', 0, 'OK'),
    health('audit', 'orders', 0, 'STOP'),
    health('audit', 'orders', 2, 'STALL'),
    health('kip848', 'payments', 0, 'OK'),
    health('kip848', 'payments', 1, 'REWIND'),
  ],
  groupHealth: [
    { groupId: 'kip848', status: 'ERR' },
    { groupId: 'billing', status: 'WARN' },
    { groupId: 'audit', status: 'ERR' },
    { groupId: 'fresh', status: 'OK' },
  ] satisfies GroupHealth[],
  retention: [
    risk('billing', 'orders', 0, 0n, 30n, 3600),
    risk('billing', 'orders', 1, 0n, 55n, null),
    risk('billing', 'payments', 0, 0n, 7n, 60),
    risk('audit', 'orders', 0, 0n, 90n, 7200),
    risk('kip848', 'payments', 0, 0n, 1n, null),
    risk('kip848', 'payments', 1, 3n, 0n, 0),
  ],
});
