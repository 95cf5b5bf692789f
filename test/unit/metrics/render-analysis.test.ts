/**
 * The families rendered from a ClusterAnalysis (time lag, status, retention), the group state set, the
 * assignment info, and the render options (granularity, disabled families, excluded groups).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterAnalysis } from '../../../src/analyze/types.js';
import type { ClusterSnapshot } from '../../../src/collect/snapshot.js';
import {
  kafkaMetrics,
  perPartitionGroupMetrics,
  type KafkaMetricName,
} from '../../../src/metrics/catalog.js';
import { renderedKafkaMetrics, renderKafkaMetrics, type RenderOptions } from '../../../src/metrics/render.js';
import { GROUP_STATES_BY_TYPE } from '../../../src/metrics/states.js';
import { filter, find, parseExposition, parseFamilies, type Sample } from '../../support/exposition.js';
import {
  analysisOf,
  cluster,
  commits,
  group,
  main,
  mainAnalysis,
  member,
  partition,
  snapshot,
  topic,
} from './fixtures.js';

function render(
  s: ClusterSnapshot = main,
  analysis: ClusterAnalysis = mainAnalysis,
  options: Partial<RenderOptions> = {},
): Sample[] {
  return parseExposition(renderKafkaMetrics([cluster(s, { analysis, options })]));
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return find(samples, name, labels)?.value;
}

const gp = (g: string, t: string, n: number): Record<string, string> => ({
  consumergroup: g,
  topic: t,
  partition: String(n),
});
const gt = (g: string, t: string): Record<string, string> => ({ consumergroup: g, topic: t });

/** For a state-set family: subject (every label but the state label) → the values of its series by state. */
function stateSets(samples: Sample[], name: string, stateLabel: string): Map<string, Map<string, number>> {
  const sets = new Map<string, Map<string, number>>();
  for (const s of filter(samples, name)) {
    const { [stateLabel]: state, ...subject } = s.labels;
    const key = JSON.stringify(subject);
    const set = sets.get(key) ?? new Map<string, number>();
    set.set(state ?? '', s.value);
    sets.set(key, set);
  }
  return sets;
}

/** The one state whose series is 1, after checking that exactly one is and the others are 0. */
function current(set: Map<string, number> | undefined): string {
  const values = [...(set ?? new Map<string, number>()).entries()];
  const ones = values.filter(([, v]) => v === 1);
  expect(ones).toHaveLength(1);
  expect(values.filter(([, v]) => v !== 0 && v !== 1)).toEqual([]);
  return ones[0]?.[0] ?? '';
}

describe('offset lag comes from the analysis', () => {
  it('renders the analysis values instead of recomputing them', () => {
    const analysis = analysisOf(main, {
      offsetLag: analysisOf(main).offsetLag.map((l) => (l.groupId === 'billing' ? { ...l, lag: 999n } : l)),
    });
    const samples = render(main, analysis);
    expect(value(samples, 'kafka_consumergroup_lag', gp('billing', 'orders', 0))).toBe(999);
    expect(value(samples, 'kafka_consumergroup_lag_sum', gt('billing', 'orders'))).toBe(1998);
    expect(value(samples, 'kafka_consumergroup_lag', gp('kip848', 'payments', 0))).toBe(6);
  });

  it('has no lag series for a commit analysis did not cover, nor for analysis rows without a commit', () => {
    const lags = analysisOf(main).offsetLag;
    const analysis = analysisOf(main, {
      offsetLag: [
        ...lags.filter((l) => !(l.groupId === 'billing' && l.partition === 0 && l.topic === 'orders')),
        { ...lags[0]!, groupId: 'fresh', topic: 'orders', partition: 1 }, // fresh committed nothing
        { ...lags[0]!, groupId: 'ghost' }, // not in the snapshot
        { ...lags[0]!, groupId: 'billing', topic: 'gone' }, // deleted topic
      ],
    });
    const samples = render(main, analysis);
    expect(find(samples, 'kafka_consumergroup_lag', gp('billing', 'orders', 0))).toBeUndefined();
    expect(value(samples, 'kafka_consumergroup_current_offset', gp('billing', 'orders', 0))).toBe(40);
    expect(filter(samples, 'kafka_consumergroup_lag', { consumergroup: 'fresh' })).toEqual([]);
    expect(filter(samples, 'kafka_consumergroup_lag', { consumergroup: 'ghost' })).toEqual([]);
    expect(filter(samples, 'kafka_consumergroup_lag', { topic: 'gone' })).toEqual([]);
    expect(value(samples, 'kafka_consumergroup_lag_sum', gt('billing', 'orders'))).toBe(0);
  });

  it('de-duplicates analysis rows (first wins) and renders them sorted', () => {
    const lags = analysisOf(main).offsetLag;
    const duplicated = [...lags].reverse().concat(lags.map((l) => ({ ...l, lag: 12345n })));
    const samples = render(main, analysisOf(main, { offsetLag: duplicated }));
    expect(value(samples, 'kafka_consumergroup_lag', gp('billing', 'orders', 0))).toBe(60);
    const order = filter(samples, 'kafka_consumergroup_lag').map((s) => Object.values(s.labels).join('/'));
    expect(order).toEqual([...order].sort());
  });
});

describe('lag in seconds', () => {
  const samples = render();

  it('renders each partition time lag in seconds', () => {
    expect(value(samples, 'kafka_consumergroup_lag_seconds', gp('billing', 'orders', 0))).toBe(120.5);
    expect(value(samples, 'kafka_consumergroup_lag_seconds', gp('billing', 'orders', 1))).toBe(0);
    expect(value(samples, 'kafka_consumergroup_lag_seconds', gp('kip848', 'payments', 0))).toBe(30);
    expect(filter(samples, 'kafka_consumergroup_lag_seconds')).toHaveLength(6);
    expect(find(samples, 'kafka_consumergroup_lag_seconds', gp('kip848', 'payments', 1))?.labels).toEqual({
      kafka_cluster: 'main',
      ...gp('kip848', 'payments', 1),
    });
  });

  it('reports the method of every value as a state set with exactly one 1, and no method label on the value', () => {
    const sets = stateSets(samples, 'kafka_consumergroup_time_lag_method', 'method');
    expect(sets.size).toBe(6);
    for (const set of sets.values()) expect([...set.keys()]).toEqual(['exact', 'estimate']);
    const methodOf = (g: string, t: string, p: number): string =>
      current(sets.get(JSON.stringify({ kafka_cluster: 'main', ...gp(g, t, p) })));
    expect(methodOf('kip848', 'payments', 0)).toBe('estimate');
    expect(methodOf('kip848', 'payments', 1)).toBe('exact');
    expect(methodOf('billing', 'orders', 0)).toBe('exact');
    for (const s of filter(samples, 'kafka_consumergroup_lag_seconds'))
      expect(s.labels.method).toBeUndefined();
  });

  it('counts estimated partitions per group and topic', () => {
    const estimated = (g: string, t: string): number | undefined =>
      value(samples, 'kafka_consumergroup_time_lag_estimated_partitions', gt(g, t));
    expect(estimated('kip848', 'payments')).toBe(1);
    expect(estimated('billing', 'orders')).toBe(0);
    expect(estimated('fresh', 'payments')).toBeUndefined(); // no time lag at all
  });

  it('takes the maximum per group and topic, equal to max by (consumergroup, topic) of the partition series', () => {
    const max = new Map<string, number>();
    for (const s of filter(samples, 'kafka_consumergroup_lag_seconds')) {
      const key = `${s.labels.consumergroup}/${s.labels.topic}`;
      max.set(key, Math.max(max.get(key) ?? -Infinity, s.value));
    }
    const rendered = new Map(
      filter(samples, 'kafka_consumergroup_max_lag_seconds').map((s) => [
        `${s.labels.consumergroup}/${s.labels.topic}`,
        s.value,
      ]),
    );
    expect(rendered).toEqual(max);
    expect(rendered.get('billing/orders')).toBe(120.5);
    expect(rendered.get('kip848/payments')).toBe(45);
  });

  it('never renders NaN or ±Inf: such values have no series and do not reach the maximum', () => {
    const analysis = analysisOf(main, {
      timeLag: [
        { groupId: 'billing', topic: 'orders', partition: 0, seconds: NaN, method: 'estimate' },
        { groupId: 'billing', topic: 'orders', partition: 1, seconds: 5, method: 'estimate' },
        { groupId: 'billing', topic: 'payments', partition: 0, seconds: Infinity, method: 'estimate' },
        { groupId: 'kip848', topic: 'payments', partition: 0, seconds: -Infinity, method: 'estimate' },
      ],
      retention: [
        {
          groupId: 'billing',
          topic: 'orders',
          partition: 0,
          lostOffsets: 0n,
          marginOffsets: 30n,
          marginSeconds: NaN,
        },
        {
          groupId: 'kip848',
          topic: 'payments',
          partition: 0,
          lostOffsets: 0n,
          marginOffsets: 1n,
          marginSeconds: -Infinity,
        },
      ],
    });
    const text = renderKafkaMetrics([cluster(main, { analysis })]);
    expect(text).not.toMatch(/ (NaN|[+-]Inf)$/m);
    const samples = parseExposition(text);
    expect(filter(samples, 'kafka_consumergroup_lag_seconds').map((s) => s.labels.partition)).toEqual(['1']);
    expect(filter(samples, 'kafka_consumergroup_max_lag_seconds')).toEqual([
      expect.objectContaining({ labels: expect.objectContaining(gt('billing', 'orders')), value: 5 }),
    ]);
    expect(filter(samples, 'kafka_consumergroup_retention_margin_seconds')).toEqual([]);
    expect(filter(samples, 'kafka_consumergroup_min_retention_margin_seconds')).toEqual([]);
    expect(samples.every((s) => Number.isFinite(s.value))).toBe(true);
  });

  it('renders nothing about time lag when analysis has none', () => {
    const samples = render(main, analysisOf(main));
    for (const name of [
      'kafka_consumergroup_lag_seconds',
      'kafka_consumergroup_max_lag_seconds',
      'kafka_consumergroup_time_lag_method',
      'kafka_consumergroup_time_lag_estimated_partitions',
    ]) {
      expect(filter(samples, name)).toEqual([]);
    }
  });
});

describe('status', () => {
  const samples = render();

  it('renders the group status as a state set over OK, WARN, ERR with exactly one 1 per group', () => {
    const sets = stateSets(samples, 'kafka_consumergroup_status', 'status');
    const of = (g: string): Map<string, number> | undefined =>
      sets.get(JSON.stringify({ kafka_cluster: 'main', consumergroup: g }));
    expect([...(of('billing')?.keys() ?? [])]).toEqual(['OK', 'WARN', 'ERR']);
    expect(current(of('billing'))).toBe('WARN');
    expect(current(of('audit'))).toBe('ERR');
    expect(current(of('kip848'))).toBe('ERR');
    expect(current(of('fresh'))).toBe('OK');
    expect(of('broken')).toBeUndefined(); // no evaluation, no series
    expect(sets.size).toBe(4);
  });

  it('renders the partition status as a state set over OK, WARN, STOP, STALL, REWIND with exactly one 1', () => {
    const sets = stateSets(samples, 'kafka_consumergroup_partition_status', 'status');
    const of = (g: string, t: string, p: number): Map<string, number> | undefined =>
      sets.get(JSON.stringify({ kafka_cluster: 'main', ...gp(g, t, p) }));
    expect([...(of('billing', 'orders', 0)?.keys() ?? [])]).toEqual([
      'OK',
      'WARN',
      'STOP',
      'STALL',
      'REWIND',
    ]);
    expect(current(of('billing', 'orders', 0))).toBe('WARN');
    expect(current(of('audit', 'orders', 0))).toBe('STOP');
    expect(current(of('audit', 'orders', 2))).toBe('STALL'); // committed, even without a high watermark
    expect(current(of('kip848', 'payments', 1))).toBe('REWIND');
    expect(sets.size).toBe(7);
    for (const set of sets.values()) current(set);
  });

  it('ignores the evaluation of groups and partitions the snapshot does not have', () => {
    const analysis = analysisOf(main, {
      groupHealth: [{ groupId: 'ghost', status: 'ERR' }],
      partitionHealth: [
        { groupId: 'ghost', topic: 'orders', partition: 0, status: 'STOP' },
        { groupId: 'fresh', topic: 'payments', partition: 0, status: 'STOP' }, // no commit
      ],
    });
    const samples2 = render(main, analysis);
    expect(filter(samples2, 'kafka_consumergroup_status')).toEqual([]);
    expect(filter(samples2, 'kafka_consumergroup_partition_status')).toEqual([]);
  });
});

describe('group state', () => {
  it('is a state set over the states of the group type, exactly one of them 1', () => {
    const s = snapshot({
      groups: [
        group('c', [], { type: 'classic', state: 'PreparingRebalance' }),
        group('k', [], { type: 'consumer', state: 'Reconciling' }),
        group('s', [], { type: 'share', state: 'Empty' }),
        group('t', [], { type: 'streams', state: 'NotReady' }),
        group('u', [], { type: undefined, state: 'Stable' }),
        group('x', [], { type: 'consumer', state: 'STABLE' }), // any case, reported in Kafka's spelling
      ],
    });
    const sets = stateSets(render(s, analysisOf(s)), 'kafka_consumergroup_state', 'state');
    const of = (g: string): Map<string, number> | undefined =>
      sets.get(JSON.stringify({ kafka_cluster: 'main', consumergroup: g }));
    expect([...(of('c')?.keys() ?? [])]).toEqual(GROUP_STATES_BY_TYPE.classic);
    expect([...(of('k')?.keys() ?? [])]).toEqual(GROUP_STATES_BY_TYPE.consumer);
    expect([...(of('s')?.keys() ?? [])]).toEqual(GROUP_STATES_BY_TYPE.share);
    expect([...(of('t')?.keys() ?? [])]).toEqual(GROUP_STATES_BY_TYPE.streams);
    expect([...(of('u')?.keys() ?? [])]).toEqual(GROUP_STATES_BY_TYPE.classic);
    expect(current(of('c'))).toBe('PreparingRebalance');
    expect(current(of('k'))).toBe('Reconciling');
    expect(current(of('s'))).toBe('Empty');
    expect(current(of('t'))).toBe('NotReady');
    expect(current(of('u'))).toBe('Stable');
    expect(current(of('x'))).toBe('Stable');
  });

  it('adds a state outside the type set (Unknown, or a newer broker state) so that one series is still 1', () => {
    const sets = stateSets(render(), 'kafka_consumergroup_state', 'state');
    const broken = sets.get(JSON.stringify({ kafka_cluster: 'main', consumergroup: 'broken' }));
    expect([...(broken?.keys() ?? [])]).toEqual([...GROUP_STATES_BY_TYPE.classic, 'Unknown']);
    expect(current(broken)).toBe('Unknown');
    expect(sets.size).toBe(main.groups.length);
    for (const set of sets.values()) current(set);
  });
});

describe('member assignment', () => {
  const samples = render();

  it('renders one info series per assigned partition with member id, client id, client host and instance id', () => {
    expect(
      filter(samples, 'kafka_consumergroup_member_assignment_info', { consumergroup: 'billing' }),
    ).toEqual([
      ...[0, 1].map((p) => ({
        name: 'kafka_consumergroup_member_assignment_info',
        labels: {
          kafka_cluster: 'main',
          ...gp('billing', 'orders', p),
          member_id: 'm1',
          client_id: 'client',
          client_host: '/10.0.0.1',
          group_instance_id: '',
        },
        value: 1,
      })),
      {
        name: 'kafka_consumergroup_member_assignment_info',
        labels: {
          kafka_cluster: 'main',
          ...gp('billing', 'orders', 2),
          member_id: 'm2',
          client_id: 'billing-2',
          client_host: '/10.0.0.2',
          group_instance_id: 'billing-pod-2',
        },
        value: 1,
      },
      expect.objectContaining({
        labels: expect.objectContaining({ ...gp('billing', 'payments', 0), member_id: 'm2' }),
      }),
    ]);
  });

  it('covers every group whose members have assignments, on existing partitions only', () => {
    const rows = filter(samples, 'kafka_consumergroup_member_assignment_info').map(
      (s) => `${s.labels.consumergroup}/${s.labels.topic}/${s.labels.partition}/${s.labels.member_id}`,
    );
    expect(rows).toEqual([
      'billing/orders/0/m1',
      'billing/orders/1/m1',
      'billing/orders/2/m2',
      'billing/payments/0/m2',
      'fresh/payments/0/m1',
      'kip848/payments/0/a',
    ]);
  });

  it('keeps member labels off the lag series, which stay one per partition', () => {
    for (const s of filter(samples, 'kafka_consumergroup_lag')) {
      expect(Object.keys(s.labels)).toEqual(['kafka_cluster', 'consumergroup', 'topic', 'partition']);
    }
  });
});

describe('retention', () => {
  const samples = render();

  it('renders lost offsets and the retention margin in offsets for every partition analysis covers', () => {
    expect(value(samples, 'kafka_consumergroup_lost_offsets', gp('kip848', 'payments', 1))).toBe(3);
    expect(value(samples, 'kafka_consumergroup_lost_offsets', gp('billing', 'orders', 0))).toBe(0);
    expect(value(samples, 'kafka_consumergroup_retention_margin_offsets', gp('billing', 'orders', 0))).toBe(
      30,
    );
    expect(value(samples, 'kafka_consumergroup_retention_margin_offsets', gp('kip848', 'payments', 1))).toBe(
      0,
    );
    expect(filter(samples, 'kafka_consumergroup_lost_offsets')).toHaveLength(6);
  });

  it('renders the retention margin in seconds only where it is known', () => {
    expect(value(samples, 'kafka_consumergroup_retention_margin_seconds', gp('billing', 'orders', 0))).toBe(
      3600,
    );
    expect(
      find(samples, 'kafka_consumergroup_retention_margin_seconds', gp('billing', 'orders', 1)),
    ).toBeUndefined();
    expect(filter(samples, 'kafka_consumergroup_retention_margin_seconds')).toHaveLength(4);
  });

  it('counts partitions with data loss and takes the smallest known margin per group and topic', () => {
    expect(value(samples, 'kafka_consumergroup_data_loss_partitions', gt('kip848', 'payments'))).toBe(1);
    expect(value(samples, 'kafka_consumergroup_data_loss_partitions', gt('billing', 'orders'))).toBe(0);
    expect(value(samples, 'kafka_consumergroup_min_retention_margin_seconds', gt('billing', 'orders'))).toBe(
      3600,
    );
    expect(
      value(samples, 'kafka_consumergroup_min_retention_margin_seconds', gt('billing', 'payments')),
    ).toBe(60);
    expect(value(samples, 'kafka_consumergroup_min_retention_margin_seconds', gt('kip848', 'payments'))).toBe(
      0,
    );
  });
});

describe('every state set of the catalog', () => {
  it('has exactly one series valued 1 per subject, the others 0', () => {
    const samples = render();
    const stateSetFamilies = kafkaMetrics.filter((m) => m.stateLabel !== undefined);
    expect(stateSetFamilies).toHaveLength(4);
    for (const m of stateSetFamilies) {
      const sets = stateSets(samples, m.name, m.stateLabel ?? '');
      expect(sets.size, m.name).toBeGreaterThan(0);
      for (const set of sets.values()) current(set);
    }
  });
});

describe('--group.metrics.granularity=topic', () => {
  const byPartition = render();
  const byTopic = render(main, mainAnalysis, { groupMetricsGranularity: 'topic' });
  const aggregates = kafkaMetrics
    .map((m) => m.name as KafkaMetricName)
    .filter((name) => name.startsWith('kafka_consumergroup_') && !perPartitionGroupMetrics.includes(name));

  it('drops every per-partition consumer-group family', () => {
    for (const name of perPartitionGroupMetrics) {
      expect(filter(byPartition, name).length, name).toBeGreaterThan(0);
      expect(filter(byTopic, name), name).toEqual([]);
    }
  });

  it('keeps the topic families and the per-topic and per-group aggregates, with the same values', () => {
    expect(aggregates).toEqual(
      expect.arrayContaining([
        'kafka_consumergroup_lag_sum',
        'kafka_consumergroup_current_offset_sum',
        'kafka_consumergroup_max_lag_seconds',
        'kafka_consumergroup_status',
        'kafka_consumergroup_state',
        'kafka_consumergroup_members',
        'kafka_consumergroup_info',
      ]),
    );
    for (const name of aggregates) {
      expect(filter(byTopic, name), name).toEqual(filter(byPartition, name));
      expect(filter(byTopic, name).length, name).toBeGreaterThan(0);
    }
    for (const name of kafkaMetrics.map((m) => m.name).filter((n) => n.startsWith('kafka_topic_'))) {
      expect(filter(byTopic, name), name).toEqual(filter(byPartition, name));
    }
  });

  it('keeps aggregates equal to what the dropped per-partition series sum, max or min to', () => {
    const agg = (name: string, fold: (a: number, b: number) => number): Map<string, number> => {
      const result = new Map<string, number>();
      for (const s of filter(byPartition, name)) {
        const key = `${s.labels.consumergroup}/${s.labels.topic}`;
        const prev = result.get(key);
        result.set(key, prev === undefined ? s.value : fold(prev, s.value));
      }
      return result;
    };
    const rendered = (name: string): Map<string, number> =>
      new Map(filter(byTopic, name).map((s) => [`${s.labels.consumergroup}/${s.labels.topic}`, s.value]));
    const sum = (a: number, b: number): number => a + b;
    expect(rendered('kafka_consumergroup_lag_sum')).toEqual(agg('kafka_consumergroup_lag', sum));
    expect(rendered('kafka_consumergroup_current_offset_sum')).toEqual(
      agg('kafka_consumergroup_current_offset', sum),
    );
    expect(rendered('kafka_consumergroup_max_lag_seconds')).toEqual(
      agg('kafka_consumergroup_lag_seconds', Math.max),
    );
    expect(rendered('kafka_consumergroup_min_retention_margin_seconds')).toEqual(
      agg('kafka_consumergroup_retention_margin_seconds', Math.min),
    );
    const lossCount = new Map<string, number>();
    for (const x of filter(byPartition, 'kafka_consumergroup_lost_offsets')) {
      const key = `${x.labels.consumergroup}/${x.labels.topic}`;
      lossCount.set(key, (lossCount.get(key) ?? 0) + (x.value > 0 ? 1 : 0));
    }
    expect(rendered('kafka_consumergroup_data_loss_partitions')).toEqual(lossCount);
    const estimatedCount = new Map<string, number>();
    for (const s of filter(byPartition, 'kafka_consumergroup_time_lag_method', { method: 'estimate' })) {
      const key = `${s.labels.consumergroup}/${s.labels.topic}`;
      estimatedCount.set(key, (estimatedCount.get(key) ?? 0) + s.value);
    }
    expect(rendered('kafka_consumergroup_time_lag_estimated_partitions')).toEqual(estimatedCount);
  });
});

describe('--metrics.disable', () => {
  it('leaves the disabled families out and every other family unchanged', () => {
    const disabled: KafkaMetricName[] = [
      'kafka_consumergroup_lag',
      'kafka_consumergroup_partition_status',
      'kafka_broker_info',
    ];
    const all = render();
    const some = render(main, mainAnalysis, { disabledMetrics: disabled });
    for (const name of disabled) expect(filter(some, name), name).toEqual([]);
    for (const m of kafkaMetrics.filter((k) => !disabled.includes(k.name as KafkaMetricName))) {
      expect(filter(some, m.name), m.name).toEqual(filter(all, m.name));
    }
    expect(value(some, 'kafka_consumergroup_lag_sum', gt('billing', 'orders'))).toBe(60);
  });

  it('lists the rendered families', () => {
    expect(renderedKafkaMetrics({ groupMetricsGranularity: 'partition', disabledMetrics: [] })).toEqual(
      kafkaMetrics.map((m) => m.name),
    );
    const topicLevel = renderedKafkaMetrics({
      groupMetricsGranularity: 'topic',
      disabledMetrics: ['kafka_brokers'],
    });
    expect(topicLevel).not.toContain('kafka_brokers');
    expect(topicLevel).not.toContain('kafka_consumergroup_lag');
    expect(topicLevel).toContain('kafka_consumergroup_lag_sum');
    const families = parseFamilies(
      renderKafkaMetrics([
        cluster(main, {
          analysis: mainAnalysis,
          options: { groupMetricsGranularity: 'topic', disabledMetrics: ['kafka_brokers'] },
        }),
      ]),
    );
    expect(families.map((f) => f.name)).toEqual(topicLevel);
  });
});

describe('excluded groups', () => {
  it('are in no family at all; other groups are unchanged', () => {
    const all = render();
    const some = render(main, mainAnalysis, { excludedGroups: new Set(['audit', 'kip848']) });
    expect(some.filter((s) => ['audit', 'kip848'].includes(s.labels.consumergroup ?? ''))).toEqual([]);
    const others = (samples: Sample[]): Sample[] =>
      samples.filter((s) => !['audit', 'kip848'].includes(s.labels.consumergroup ?? ''));
    expect(others(some)).toEqual(others(all));
  });
});

describe('several clusters with their own options', () => {
  it('renders each cluster with its own granularity and disabled families', () => {
    const other: ClusterSnapshot = { ...main, cluster: 'other' };
    const text = renderKafkaMetrics([
      cluster(main, { analysis: mainAnalysis }),
      cluster(other, {
        analysis: mainAnalysis,
        options: { groupMetricsGranularity: 'topic', disabledMetrics: ['kafka_consumergroup_state'] },
      }),
    ]);
    const samples = parseExposition(text);
    expect(filter(samples, 'kafka_consumergroup_lag', { kafka_cluster: 'main' }).length).toBeGreaterThan(0);
    expect(filter(samples, 'kafka_consumergroup_lag', { kafka_cluster: 'other' })).toEqual([]);
    expect(filter(samples, 'kafka_consumergroup_state', { kafka_cluster: 'other' })).toEqual([]);
    expect(filter(samples, 'kafka_consumergroup_lag_sum', { kafka_cluster: 'other' })).toEqual(
      filter(samples, 'kafka_consumergroup_lag_sum', { kafka_cluster: 'main' }).map((s) => ({
        ...s,
        labels: { ...s.labels, kafka_cluster: 'other' },
      })),
    );
  });
});

describe('offsets beyond 2^53', () => {
  it('render as finite float64 values', () => {
    const big = 2n ** 60n;
    const s = snapshot({
      topics: [topic('t', [partition(0, { highWatermark: big })])],
      groups: [
        group('g', commits('t', { 0: 0n }), { members: [member('m', [{ topic: 't', partition: 0 }])] }),
      ],
    });
    const samples = render(s, analysisOf(s));
    expect(value(samples, 'kafka_consumergroup_lag', gp('g', 't', 0))).toBe(Number(big));
    expect(samples.every((x) => Number.isFinite(x.value))).toBe(true);
  });
});
