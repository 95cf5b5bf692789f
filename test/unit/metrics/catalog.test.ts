import { describe, expect, it } from 'vitest';
import {
  allMetrics,
  catalog,
  CLUSTER_LABEL,
  kafkaMetrics,
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
      'cluster_id',
      'consumergroup',
      'id',
      'kafka_cluster',
      'partition',
      'protocol',
      'protocol_type',
      'state',
      'topic',
      'type',
    ]);
  });
});
