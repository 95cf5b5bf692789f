import { describe, expect, it } from 'vitest';
import {
  allMetrics,
  catalog,
  CLUSTER_LABEL,
  isKafkaMetricName,
  kafkaMetrics,
  perPartitionGroupMetrics,
  POLL_NOTE,
  reservedKafkaLabelNames,
  selfMetrics,
} from '../../../src/metrics/catalog.js';

/** kafka_exporter's metrics (contract §1.1/§1.2, without the ZooKeeper one) with their label names. */
const KAFKA_EXPORTER: Record<string, string[]> = {
  kafka_brokers: [],
  kafka_broker_info: ['id', 'address'],
  kafka_topic_partitions: ['topic'],
  kafka_topic_partition_current_offset: ['topic', 'partition'],
  kafka_topic_partition_oldest_offset: ['topic', 'partition'],
  kafka_topic_partition_leader: ['topic', 'partition'],
  kafka_topic_partition_replicas: ['topic', 'partition'],
  kafka_topic_partition_in_sync_replica: ['topic', 'partition'],
  kafka_topic_partition_leader_is_preferred: ['topic', 'partition'],
  kafka_topic_partition_under_replicated_partition: ['topic', 'partition'],
  kafka_consumergroup_members: ['consumergroup'],
  kafka_consumergroup_current_offset: ['consumergroup', 'topic', 'partition'],
  kafka_consumergroup_current_offset_sum: ['consumergroup', 'topic'],
  kafka_consumergroup_lag: ['consumergroup', 'topic', 'partition'],
  kafka_consumergroup_lag_sum: ['consumergroup', 'topic'],
};

describe('metric catalog', () => {
  it('keys every entry by its name', () => {
    for (const [key, def] of Object.entries(catalog)) expect(def.name).toBe(key);
  });

  it('contains every kafka_exporter metric with its label names, after kafka_cluster', () => {
    for (const [name, labels] of Object.entries(KAFKA_EXPORTER)) {
      const def = allMetrics.find((m) => m.name === name);
      expect(def, name).toBeDefined();
      expect(def?.labelNames).toEqual([CLUSTER_LABEL, ...labels]);
      expect(def?.scope).toBe('kafka');
    }
  });

  it('uses valid, unique metric and label names', () => {
    expect(new Set(allMetrics.map((m) => m.name)).size).toBe(allMetrics.length);
    for (const m of allMetrics) {
      expect(m.name).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
      expect(new Set(m.labelNames).size).toBe(m.labelNames.length);
      for (const l of m.labelNames) expect(l).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
      for (const l of m.labelNames) expect(l.startsWith('__')).toBe(false);
    }
  });

  it('follows Prometheus naming: counters end in _total, others do not; info metrics end in _info', () => {
    for (const m of allMetrics) {
      expect(m.name.endsWith('_total'), m.name).toBe(m.type === 'counter');
      expect(m.name.endsWith('_info'), m.name).toBe(m.type === 'info');
      if (m.unit === 'seconds') expect(m.name).toMatch(/_seconds$/);
      if (m.unit === 'unix_seconds') expect(m.name).toMatch(/_timestamp_seconds$/);
    }
  });

  it('uses _sum only for the two kafka_exporter names, and never _count or _bucket', () => {
    const suffixed = allMetrics.filter((m) => /_(sum|count|bucket)$/.test(m.name)).map((m) => m.name);
    expect(suffixed).toEqual(['kafka_consumergroup_current_offset_sum', 'kafka_consumergroup_lag_sum']);
  });

  it('starts every Kafka-scope metric with kafka_cluster and says in HELP that values come from the last poll', () => {
    for (const m of kafkaMetrics) {
      expect(m.labelNames[0]).toBe(CLUSTER_LABEL);
      expect(m.help.endsWith(POLL_NOTE), m.name).toBe(true);
      expect(m.name).toMatch(/^kafka_/);
      expect(m.type).not.toBe('counter');
    }
  });

  it('prefixes self metrics with lagwatch_', () => {
    for (const m of selfMetrics) expect(m.name).toMatch(/^lagwatch_/);
  });

  it('has one-line HELP texts', () => {
    for (const m of allMetrics) {
      expect(m.help.length).toBeGreaterThan(10);
      expect(m.help).not.toMatch(/\n/);
    }
  });

  it('reserves every Kafka-scope label name', () => {
    expect([...reservedKafkaLabelNames].sort()).toEqual([
      'address',
      'client_host',
      'client_id',
      'cluster_id',
      'consumergroup',
      'group_instance_id',
      'id',
      'kafka_cluster',
      'member_id',
      'method',
      'partition',
      'protocol',
      'protocol_type',
      'state',
      'status',
      'topic',
      'type',
    ]);
  });

  it('marks state sets: unit boolean, the state label last among the labels', () => {
    const stateSets = allMetrics.filter((m) => m.stateLabel !== undefined);
    expect(stateSets.map((m) => [m.name, m.stateLabel])).toEqual([
      ['kafka_consumergroup_state', 'state'],
      ['kafka_consumergroup_time_lag_method', 'method'],
      ['kafka_consumergroup_status', 'status'],
      ['kafka_consumergroup_partition_status', 'status'],
    ]);
    for (const m of stateSets) {
      expect(m.unit).toBe('boolean');
      expect(m.type).toBe('gauge');
      expect(m.labelNames.at(-1)).toBe(m.stateLabel);
    }
  });

  it('keeps member labels off every family but the assignment info (no churn on lag series)', () => {
    const memberLabels = ['member_id', 'client_id', 'client_host', 'group_instance_id'];
    const withMembers = allMetrics.filter((m) => m.labelNames.some((l) => memberLabels.includes(l)));
    expect(withMembers.map((m) => m.name)).toEqual(['kafka_consumergroup_member_assignment_info']);
  });

  it('never gives two families the same name with different label sets, nor one label set a second meaning', () => {
    // Per-group and per-partition statuses are two names, so sum/count by (consumergroup, status) never mixes them.
    expect(catalog.kafka_consumergroup_status.labelNames).toEqual([
      'kafka_cluster',
      'consumergroup',
      'status',
    ]);
    expect(catalog.kafka_consumergroup_partition_status.labelNames).toEqual([
      'kafka_cluster',
      'consumergroup',
      'topic',
      'partition',
      'status',
    ]);
  });

  it('lists the per-partition consumer-group families that --group.metrics.granularity=topic drops', () => {
    expect(perPartitionGroupMetrics).toEqual([
      'kafka_consumergroup_member_assignment_info',
      'kafka_consumergroup_current_offset',
      'kafka_consumergroup_lag',
      'kafka_consumergroup_lag_seconds',
      'kafka_consumergroup_time_lag_method',
      'kafka_consumergroup_partition_status',
      'kafka_consumergroup_lost_offsets',
      'kafka_consumergroup_retention_margin_offsets',
      'kafka_consumergroup_retention_margin_seconds',
    ]);
  });

  it('tells Kafka metric names from self metric names and typos', () => {
    expect(isKafkaMetricName('kafka_consumergroup_lag')).toBe(true);
    expect(isKafkaMetricName('lagwatch_up')).toBe(false);
    expect(isKafkaMetricName('kafka_consumergroup_lagg')).toBe(false);
  });
});
