/**
 * The exporter end to end on a real Kafka 4.x broker: a workload with several topics and partitions and
 * three kinds of group (with members, without members, with uncommitted partitions). What /metrics says is
 * compared with what the broker reports through an independent client (the workload's admin).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startExporter, type Exporter } from '../../src/exporter.js';
import { startKafka, type KafkaTestCluster } from '../support/broker.js';
import { filter, find, parseExposition, type Sample } from '../support/exposition.js';
import { createWorkload, type Workload } from '../support/workload.js';

let kafka: KafkaTestCluster;
let workload: Workload;
let exporter: Exporter;

const produced: Record<string, number[]> = { orders: [10, 20, 30, 40], payments: [5, 7], audit: [3, 3, 3] };

beforeAll(async () => {
  kafka = await startKafka();
  workload = createWorkload(kafka.bootstrap);
  for (const [topic, counts] of Object.entries(produced)) {
    await workload.createTopic(topic, counts.length);
    await workload.produce(topic, counts);
  }
  // `live`: committed offsets, then a member that keeps its membership without committing.
  await workload.commit('live', [
    { topic: 'orders', partition: 0, offset: 4n },
    { topic: 'orders', partition: 1, offset: 20n },
    { topic: 'orders', partition: 2, offset: 0n },
    { topic: 'orders', partition: 3, offset: 39n },
  ]);
  await workload.startMember({ groupId: 'live', topics: ['orders'] });
  // `idle`: committed offsets, no members (a stopped consumer).
  await workload.commit('idle', [
    { topic: 'payments', partition: 0, offset: 2n },
    { topic: 'payments', partition: 1, offset: 7n },
    { topic: 'orders', partition: 2, offset: 11n },
  ]);
  // `partial`: only one of audit's three partitions has a committed offset.
  await workload.commit('partial', [{ topic: 'audit', partition: 0, offset: 1n }]);
  await workload.deleteRecords('payments', 0, 1n);

  const config = (await loadConfig(
    ['--kafka.server', kafka.bootstrap, '--web.listen-address=127.0.0.1:0', '--poll.interval=1h'],
    {},
  )) as Config;
  exporter = await startExporter(config, pino({ level: 'silent' }));
});

afterAll(async () => {
  await exporter?.stop();
  await workload?.close();
  await kafka?.stop();
});

/** Runs one poll now and returns what a scrape of /metrics then serves. */
async function pollAndScrape(): Promise<Sample[]> {
  const [poller] = exporter.pollers;
  const outcome = await poller!.pollOnce();
  expect(outcome.error).toBeNull();
  const response = await fetch(`http://127.0.0.1:${exporter.address.port}/metrics`);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

/** The broker's own answer: high watermark and log-start offset of every partition of `topic`. */
async function watermarks(topic: string): Promise<{ latest: bigint[]; earliest: bigint[] }> {
  const partitions = produced[topic]!.map((_, partitionIndex) => partitionIndex);
  const read = async (timestamp: bigint): Promise<bigint[]> => {
    const [answer] = await workload.admin.listOffsets({
      topics: [
        { name: topic, partitions: partitions.map((partitionIndex) => ({ partitionIndex, timestamp })) },
      ],
    });
    return partitions.map((p) => answer!.partitions.find((x) => x.partitionIndex === p)!.offset);
  };
  return { latest: await read(-1n), earliest: await read(-2n) };
}

/** The broker's own answer: the committed offsets of `groupId`, as `topic/partition → offset`. */
async function committed(groupId: string): Promise<Map<string, bigint>> {
  const [answer] = await workload.admin.listConsumerGroupOffsets({ groups: [groupId] });
  const offsets = new Map<string, bigint>();
  for (const t of answer!.topics) {
    for (const p of t.partitions)
      if (p.committedOffset >= 0n) offsets.set(`${t.name}/${p.partitionIndex}`, p.committedOffset);
  }
  return offsets;
}

describe('exporter on a real broker', () => {
  it('reports the high watermark and log-start offset of every partition as the broker does', async () => {
    const samples = await pollAndScrape();
    for (const topic of Object.keys(produced)) {
      const { latest, earliest } = await watermarks(topic);
      latest.forEach((offset, partition) => {
        const labels = { topic, partition: String(partition) };
        expect(find(samples, 'kafka_topic_partition_current_offset', labels)?.value).toBe(Number(offset));
        expect(find(samples, 'kafka_topic_partition_oldest_offset', labels)?.value).toBe(
          Number(earliest[partition]),
        );
      });
      expect(find(samples, 'kafka_topic_partitions', { topic })?.value).toBe(produced[topic]!.length);
    }
    // The values the workload produced, and the DeleteRecords on payments/0.
    expect(
      find(samples, 'kafka_topic_partition_current_offset', { topic: 'orders', partition: '3' })?.value,
    ).toBe(40);
    expect(
      find(samples, 'kafka_topic_partition_oldest_offset', { topic: 'payments', partition: '0' })?.value,
    ).toBe(1);
  });

  it('reports every lag as the high watermark minus the committed offset the broker reports', async () => {
    const samples = await pollAndScrape();
    const lagSeries = filter(samples, 'kafka_consumergroup_lag');
    expect(lagSeries.length).toBe(4 + 3 + 1);
    for (const series of lagSeries) {
      const { consumergroup, topic, partition } = series.labels;
      const offset = (await committed(consumergroup!)).get(`${topic}/${partition}`);
      const { latest } = await watermarks(topic!);
      expect(offset, `${consumergroup} ${topic}/${partition} has a commit`).toBeDefined();
      expect(series.value).toBe(Number(latest[Number(partition)]! - offset!));
      expect(find(samples, 'kafka_consumergroup_current_offset', series.labels)?.value).toBe(Number(offset));
    }
    // Spot checks against the workload's own numbers.
    const lag = (consumergroup: string, topic: string, partition: number): number | undefined =>
      find(samples, 'kafka_consumergroup_lag', { consumergroup, topic, partition: String(partition) })?.value;
    expect([0, 1, 2, 3].map((p) => lag('live', 'orders', p))).toEqual([6, 0, 30, 1]);
    expect(lag('idle', 'payments', 0)).toBe(3);
    expect(lag('idle', 'orders', 2)).toBe(19);
    expect(
      find(samples, 'kafka_consumergroup_lag_sum', { consumergroup: 'live', topic: 'orders' })?.value,
    ).toBe(37);
  });

  it('reports groups without members, with their member count and lag', async () => {
    const samples = await pollAndScrape();
    expect(find(samples, 'kafka_consumergroup_members', { consumergroup: 'live' })?.value).toBe(1);
    expect(find(samples, 'kafka_consumergroup_members', { consumergroup: 'idle' })?.value).toBe(0);
    expect(
      find(samples, 'kafka_consumergroup_lag_sum', { consumergroup: 'idle', topic: 'payments' })?.value,
    ).toBe(3);
  });

  it('has no lag or offset series for partitions without a committed offset, never -1', async () => {
    const samples = await pollAndScrape();
    const partial = filter(samples, 'kafka_consumergroup_lag', { consumergroup: 'partial' });
    expect(partial.map((s) => s.labels.partition)).toEqual(['0']);
    expect(partial[0]!.value).toBe(2);
    expect(filter(samples, 'kafka_consumergroup_current_offset', { consumergroup: 'partial' })).toHaveLength(
      1,
    );
    for (const s of samples.filter((x) => x.name.startsWith('kafka_consumergroup_'))) {
      expect(s.value, `${s.name} ${JSON.stringify(s.labels)}`).toBeGreaterThanOrEqual(0);
    }
  });

  it('drops a deleted group and a deleted topic after the next poll', async () => {
    let samples = await pollAndScrape();
    expect(filter(samples, 'kafka_consumergroup_lag', { consumergroup: 'idle' }).length).toBeGreaterThan(0);
    expect(filter(samples, 'kafka_topic_partitions', { topic: 'audit' })).toHaveLength(1);

    await workload.deleteGroups(['idle']);
    await workload.deleteTopics(['audit']);
    samples = await pollAndScrape();
    expect(samples.filter((s) => s.labels.consumergroup === 'idle')).toEqual([]);
    expect(samples.filter((s) => s.labels.topic === 'audit')).toEqual([]);
    // The rest is still there.
    expect(filter(samples, 'kafka_consumergroup_lag', { consumergroup: 'live' })).toHaveLength(4);
  });

  it('serves its self metrics and is ready after the first poll', async () => {
    const samples = await pollAndScrape();
    const cluster = { kafka_cluster: kafka.clusterId };
    expect(find(samples, 'lagwatch_up', cluster)?.value).toBe(1);
    expect(find(samples, 'lagwatch_last_successful_poll_timestamp_seconds', cluster)?.value).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(
      find(samples, 'lagwatch_kafka_requests_total', { ...cluster, api: 'OffsetFetch' })?.value,
    ).toBeGreaterThan(0);
    const ready = await fetch(`http://127.0.0.1:${exporter.address.port}/readyz`);
    expect(ready.status).toBe(200);
  });
});
