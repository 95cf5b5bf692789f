import { describe, expect, it } from 'vitest';
import type { ClusterSnapshot } from '../../../src/collect/snapshot.js';
import { catalog, kafkaMetrics } from '../../../src/metrics/catalog.js';
import { renderKafkaMetrics, validateConstLabels, type ClusterRender } from '../../../src/metrics/render.js';
import { filter, find, parseExposition, parseFamilies, type Sample } from '../../support/exposition.js';
import {
  cluster,
  commits,
  group,
  main,
  mainAnalysis,
  orders,
  partition,
  payments,
  snapshot,
  topic,
} from './fixtures.js';

function render(...clusters: (ClusterSnapshot | ClusterRender)[]): Sample[] {
  return parseExposition(renderKafkaMetrics(clusters.map((c) => ('snapshot' in c ? c : cluster(c)))));
}

function value(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  return find(samples, name, labels)?.value;
}

// --- tests ----------------------------------------------------------------------------------------------

describe('renderKafkaMetrics: brokers and cluster', () => {
  const samples = render(main);

  it('counts brokers and lists each once with id and host:port', () => {
    expect(value(samples, 'kafka_brokers', { kafka_cluster: 'main' })).toBe(3);
    expect(filter(samples, 'kafka_broker_info').map((s) => [s.labels.id, s.labels.address, s.value])).toEqual(
      [
        ['1', 'b1:9092', 1],
        ['2', 'b2:9092', 1],
        ['3', 'b3:9092', 1],
      ],
    );
  });

  it('exports the cluster id as kafka_cluster_info', () => {
    expect(filter(samples, 'kafka_cluster_info')).toEqual([
      { name: 'kafka_cluster_info', labels: { kafka_cluster: 'main', cluster_id: 'cluster-id-1' }, value: 1 },
    ]);
  });
});

describe('renderKafkaMetrics: topics and partitions', () => {
  const samples = render(main);
  const p = (t: string, n: number): Record<string, string> => ({ topic: t, partition: String(n) });

  it('counts partitions per topic', () => {
    expect(value(samples, 'kafka_topic_partitions', { topic: 'orders' })).toBe(3);
    expect(value(samples, 'kafka_topic_partitions', { topic: 'payments' })).toBe(2);
  });

  it('exports the high watermark as current offset and the log-start offset as oldest offset', () => {
    expect(value(samples, 'kafka_topic_partition_current_offset', p('orders', 0))).toBe(100);
    expect(value(samples, 'kafka_topic_partition_oldest_offset', p('orders', 0))).toBe(10);
    expect(value(samples, 'kafka_topic_partition_current_offset', p('orders', 1))).toBe(50);
    expect(value(samples, 'kafka_topic_partition_oldest_offset', p('orders', 1))).toBe(5);
  });

  it('has no offset series for a partition whose offsets could not be read', () => {
    expect(find(samples, 'kafka_topic_partition_current_offset', p('orders', 2))).toBeUndefined();
    expect(find(samples, 'kafka_topic_partition_oldest_offset', p('orders', 2))).toBeUndefined();
  });

  it('exports leader, replica counts, ISR size, offline replicas, preferred leader and under-replication', () => {
    expect(value(samples, 'kafka_topic_partition_leader', p('orders', 1))).toBe(2);
    expect(value(samples, 'kafka_topic_partition_replicas', p('orders', 1))).toBe(3);
    expect(value(samples, 'kafka_topic_partition_in_sync_replica', p('orders', 1))).toBe(2);
    expect(value(samples, 'kafka_topic_partition_offline_replicas', p('orders', 1))).toBe(0);
    expect(value(samples, 'kafka_topic_partition_leader_is_preferred', p('orders', 1))).toBe(0);
    expect(value(samples, 'kafka_topic_partition_under_replicated_partition', p('orders', 1))).toBe(1);
    expect(value(samples, 'kafka_topic_partition_leader_is_preferred', p('orders', 0))).toBe(1);
    expect(value(samples, 'kafka_topic_partition_under_replicated_partition', p('orders', 0))).toBe(0);
  });

  it('has no leader series for a partition without a leader, and reports it not preferred and offline', () => {
    expect(find(samples, 'kafka_topic_partition_leader', p('orders', 2))).toBeUndefined();
    expect(value(samples, 'kafka_topic_partition_leader_is_preferred', p('orders', 2))).toBe(0);
    expect(value(samples, 'kafka_topic_partition_offline_replicas', p('orders', 2))).toBe(3);
    expect(value(samples, 'kafka_topic_partition_in_sync_replica', p('orders', 2))).toBe(0);
  });
});

describe('renderKafkaMetrics: consumer groups', () => {
  const samples = render(main);
  const gp = (g: string, t: string, n: number): Record<string, string> => ({
    consumergroup: g,
    topic: t,
    partition: String(n),
  });

  it('exports committed offsets and lag = high watermark - committed offset', () => {
    expect(value(samples, 'kafka_consumergroup_current_offset', gp('billing', 'orders', 0))).toBe(40);
    expect(value(samples, 'kafka_consumergroup_lag', gp('billing', 'orders', 0))).toBe(60);
    expect(value(samples, 'kafka_consumergroup_lag', gp('billing', 'orders', 1))).toBe(0); // 60 > 50: clamped
    expect(value(samples, 'kafka_consumergroup_lag', gp('billing', 'payments', 0))).toBe(0);
  });

  it('has no offset or lag series for partitions without a commit (no -1)', () => {
    expect(find(samples, 'kafka_consumergroup_current_offset', gp('billing', 'orders', 2))).toBeUndefined();
    expect(find(samples, 'kafka_consumergroup_lag', gp('billing', 'orders', 2))).toBeUndefined();
    expect(find(samples, 'kafka_consumergroup_lag', gp('billing', 'payments', 1))).toBeUndefined();
    expect(filter(samples, 'kafka_consumergroup_current_offset', { consumergroup: 'fresh' })).toEqual([]);
    expect(samples.filter((s) => s.value < 0)).toEqual([]);
  });

  it('has a committed offset but no lag when the high watermark could not be read', () => {
    expect(value(samples, 'kafka_consumergroup_current_offset', gp('audit', 'orders', 2))).toBe(3);
    expect(find(samples, 'kafka_consumergroup_lag', gp('audit', 'orders', 2))).toBeUndefined();
  });

  it('sums equal the sums of the per-partition series, for every group and topic', () => {
    const sumBy = (name: string): Map<string, number> => {
      const sums = new Map<string, number>();
      for (const s of filter(samples, name)) {
        const key = `${s.labels.consumergroup}/${s.labels.topic}`;
        sums.set(key, (sums.get(key) ?? 0) + s.value);
      }
      return sums;
    };
    const asMap = (name: string): Map<string, number> =>
      new Map(filter(samples, name).map((s) => [`${s.labels.consumergroup}/${s.labels.topic}`, s.value]));
    expect(asMap('kafka_consumergroup_lag_sum')).toEqual(sumBy('kafka_consumergroup_lag'));
    expect(asMap('kafka_consumergroup_current_offset_sum')).toEqual(
      sumBy('kafka_consumergroup_current_offset'),
    );
    expect(value(samples, 'kafka_consumergroup_lag_sum', { consumergroup: 'billing', topic: 'orders' })).toBe(
      60,
    );
    expect(
      value(samples, 'kafka_consumergroup_current_offset_sum', { consumergroup: 'audit', topic: 'orders' }),
    ).toBe(103);
  });

  it('counts uncommitted partitions of committed or assigned topics', () => {
    const uncommitted = (g: string, t: string): number | undefined =>
      value(samples, 'kafka_consumergroup_uncommitted_partitions', { consumergroup: g, topic: t });
    expect(uncommitted('billing', 'orders')).toBe(1);
    expect(uncommitted('billing', 'payments')).toBe(1);
    expect(uncommitted('audit', 'orders')).toBe(1);
    expect(uncommitted('audit', 'payments')).toBeUndefined(); // neither committed nor assigned
    expect(uncommitted('fresh', 'payments')).toBe(2); // assigned, nothing committed
    expect(uncommitted('kip848', 'payments')).toBe(0);
    expect(
      filter(samples, 'kafka_consumergroup_uncommitted_partitions', { consumergroup: 'broken' }),
    ).toEqual([]);
  });

  it('counts partitions whose commit is beyond the high watermark', () => {
    const ahead = (g: string, t: string): number | undefined =>
      value(samples, 'kafka_consumergroup_ahead_of_end_partitions', { consumergroup: g, topic: t });
    expect(ahead('billing', 'orders')).toBe(1);
    expect(ahead('billing', 'payments')).toBe(0);
    expect(ahead('audit', 'orders')).toBe(0);
  });

  it('counts members, also of KIP-848 groups and empty groups; no series when the group was not described', () => {
    expect(value(samples, 'kafka_consumergroup_members', { consumergroup: 'kip848' })).toBe(2);
    expect(value(samples, 'kafka_consumergroup_members', { consumergroup: 'audit' })).toBe(0);
    expect(find(samples, 'kafka_consumergroup_members', { consumergroup: 'broken' })).toBeUndefined();
  });

  it('exports group type, protocol type and protocol as kafka_consumergroup_info, without the volatile state', () => {
    expect(find(samples, 'kafka_consumergroup_info', { consumergroup: 'kip848' })).toEqual({
      name: 'kafka_consumergroup_info',
      labels: {
        kafka_cluster: 'main',
        consumergroup: 'kip848',
        type: 'consumer',
        protocol_type: '',
        protocol: 'uniform',
      },
      value: 1,
    });
    const untyped = render(snapshot({ groups: [group('g', [], { type: undefined })] }));
    expect(find(untyped, 'kafka_consumergroup_info')?.labels.type).toBe('');
  });

  it('ignores commits on topics that are not in the snapshot (deleted or filtered out)', () => {
    const s = render(snapshot({ topics: [payments], groups: [group('g', commits('gone', { 0: 5n }))] }));
    expect(filter(s, 'kafka_consumergroup_current_offset')).toEqual([]);
    expect(filter(s, 'kafka_consumergroup_current_offset_sum')).toEqual([]);
    expect(filter(s, 'kafka_consumergroup_uncommitted_partitions')).toEqual([]);
  });

  it('renders offsets above 2^32 exactly and keeps sums exact', () => {
    const big = 2n ** 40n;
    const s = render(
      snapshot({
        topics: [
          topic('t', [partition(0, { highWatermark: big + 10n }), partition(1, { highWatermark: big })]),
        ],
        groups: [group('g', commits('t', { 0: big, 1: big - 1n }))],
      }),
    );
    expect(value(s, 'kafka_consumergroup_current_offset', { partition: '0' })).toBe(Number(big));
    expect(value(s, 'kafka_consumergroup_lag_sum', { topic: 't' })).toBe(11);
    expect(value(s, 'kafka_consumergroup_current_offset_sum', { topic: 't' })).toBe(Number(2n * big - 1n));
  });
});

describe('renderKafkaMetrics: exposition', () => {
  it('puts kafka_cluster first and the constant labels on every series', () => {
    const text = renderKafkaMetrics([
      cluster(main, { constLabels: { env: 'prod', dc: 'west' }, analysis: mainAnalysis }),
    ]);
    const samples = parseExposition(text);
    expect(samples.length).toBeGreaterThan(40);
    for (const s of samples) {
      expect(Object.keys(s.labels)[0]).toBe('kafka_cluster');
      expect(s.labels).toMatchObject({ kafka_cluster: 'main', env: 'prod', dc: 'west' });
    }
  });

  it('renders each family once, with HELP and TYPE, for several clusters', () => {
    const other = { ...main, cluster: 'other', clusterId: 'cluster-id-2' };
    const text = renderKafkaMetrics([
      cluster(other, { constLabels: { env: 'dr' }, analysis: mainAnalysis }),
      cluster(main, { constLabels: { env: 'prod' }, analysis: mainAnalysis }),
    ]);
    const families = parseFamilies(text); // throws on a repeated HELP/TYPE, split family or duplicate series
    expect(families.map((f) => f.name)).toEqual(kafkaMetrics.map((m) => m.name));
    for (const f of families) {
      const def = kafkaMetrics.find((m) => m.name === f.name);
      expect(f.help).toBe(def?.help);
      expect(f.type).toBe(def?.type === 'counter' ? 'counter' : 'gauge');
      expect(f.samples.map((s) => s.labels.kafka_cluster)).toEqual(
        [...f.samples.map((s) => s.labels.kafka_cluster)].sort(),
      );
    }
    const brokers = filter(parseExposition(text), catalog.kafka_brokers.name);
    expect(brokers.map((s) => s.labels)).toEqual([
      { kafka_cluster: 'main', env: 'prod' },
      { kafka_cluster: 'other', env: 'dr' },
    ]);
  });

  it('omits families without series and renders nothing for no clusters', () => {
    expect(renderKafkaMetrics([])).toBe('');
    const families = parseFamilies(renderKafkaMetrics([cluster(snapshot(), { constLabels: {} })]));
    expect(families.map((f) => f.name)).toEqual(['kafka_brokers', 'kafka_broker_info', 'kafka_cluster_info']);
  });

  it('is deterministic: input order does not change the output', () => {
    const shuffled: ClusterSnapshot = {
      ...main,
      brokers: [...main.brokers].reverse(),
      topics: [...main.topics].reverse().map((t) => ({ ...t, partitions: [...t.partitions].reverse() })),
      groups: [...main.groups]
        .reverse()
        .map((g) => ({ ...g, offsets: g.offsets && [...g.offsets].reverse() })),
    };
    const a = renderKafkaMetrics([cluster(main, { constLabels: { env: 'x' }, analysis: mainAnalysis })]);
    expect(
      renderKafkaMetrics([cluster(shuffled, { constLabels: { env: 'x' }, analysis: mainAnalysis })]),
    ).toBe(a);
    expect(renderKafkaMetrics([cluster(main, { constLabels: { env: 'x' }, analysis: mainAnalysis })])).toBe(
      a,
    );
  });

  it('de-duplicates groups, topics, partitions, brokers and commits listed twice (first wins)', () => {
    const dup = snapshot({
      brokers: [...main.brokers, { id: 1, host: 'other', port: 1, rack: null }],
      topics: [
        orders,
        topic('payments', [
          partition(0, { highWatermark: 7n }),
          partition(0, { highWatermark: 1n }),
          partition(1),
        ]),
        topic('orders', [partition(0)]),
      ],
      groups: [
        group('billing', [...commits('orders', { 0: 40n }), ...commits('orders', { 0: 1n })]),
        group('billing', commits('orders', { 0: 99n })),
      ],
    });
    const samples = render(dup); // the parser throws on duplicate series
    expect(filter(samples, 'kafka_broker_info')).toHaveLength(3);
    expect(value(samples, 'kafka_brokers', {})).toBe(3);
    expect(value(samples, 'kafka_topic_partitions', { topic: 'orders' })).toBe(3);
    expect(value(samples, 'kafka_topic_partitions', { topic: 'payments' })).toBe(2);
    expect(
      value(samples, 'kafka_topic_partition_current_offset', { topic: 'payments', partition: '0' }),
    ).toBe(7);
    expect(filter(samples, 'kafka_consumergroup_info')).toHaveLength(1);
    expect(value(samples, 'kafka_consumergroup_current_offset', { partition: '0', topic: 'orders' })).toBe(
      40,
    );
  });

  it('escapes label values with quotes, backslashes and line feeds', () => {
    const odd = 'a"b\\c\nd';
    const samples = render(
      snapshot({ cluster: odd, topics: [payments], groups: [group(odd, commits('payments', { 0: 1n }))] }),
    );
    expect(
      value(samples, 'kafka_consumergroup_lag', { kafka_cluster: odd, consumergroup: odd, partition: '0' }),
    ).toBe(6);
  });

  it('rejects two clusters with the same kafka_cluster value', () => {
    expect(() =>
      renderKafkaMetrics([
        cluster(main, { constLabels: { env: 'a' } }),
        cluster(main, { constLabels: { env: 'b' } }),
      ]),
    ).toThrow(/kafka_cluster value main/);
  });
});

describe('validateConstLabels', () => {
  it('accepts valid names', () => {
    expect(() => validateConstLabels({ env: 'prod', _x9: '' })).not.toThrow();
  });

  it.each(['9env', 'a-b', '', '__name', 'kafka_cluster', 'topic', 'partition', 'consumergroup', 'id'])(
    'rejects %j',
    (name) => {
      expect(() => validateConstLabels({ [name]: 'v' })).toThrow();
      expect(() => renderKafkaMetrics([cluster(main, { constLabels: { [name]: 'v' } })])).toThrow();
    },
  );
});
