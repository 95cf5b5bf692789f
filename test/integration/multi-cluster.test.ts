/**
 * Two clusters in one process, configured with the YAML `clusters:` list, are polled independently:
 * stopping one broker does not change the other cluster's metrics, and the stopped one keeps serving its
 * last good values with `lagwatch_up 0`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startExporter, type Exporter } from '../../src/exporter.js';
import { startKafka, type KafkaTestCluster } from '../support/broker.js';
import { filter, find, parseExposition, type Sample } from '../support/exposition.js';
import { createWorkload, type Workload } from '../support/workload.js';

let east: KafkaTestCluster;
let west: KafkaTestCluster;
let workloads: Workload[] = [];
let exporter: Exporter;
let dir: string;

beforeAll(async () => {
  [east, west] = await Promise.all([startKafka(), startKafka()]);
  workloads = [createWorkload(east.bootstrap), createWorkload(west.bootstrap)];
  const [e, w] = workloads as [Workload, Workload];
  await e.createTopic('orders', 2);
  await e.produce('orders', [5, 8]);
  await e.commit('billing', [{ topic: 'orders', partition: 1, offset: 3n }]);
  await w.createTopic('clicks', 1);
  await w.produce('clicks', 9);
  await w.commit('analytics', [{ topic: 'clicks', partition: 0, offset: 4n }]);

  dir = await mkdtemp(join(tmpdir(), 'lagwatch-multi-'));
  const file = join(dir, 'lagwatch.yaml');
  await writeFile(
    file,
    [
      'web: {listen-address: "127.0.0.1:0"}',
      'poll: {interval: 1h, timeout: 5s}',
      'kafka: {request-timeout: 2s}',
      'clusters:',
      `  - {name: east, brokers: ["${east.bootstrap}"], labels: {region: us-east}}`,
      `  - {name: west, brokers: ["${west.bootstrap}"], labels: {region: us-west}}`,
    ].join('\n'),
  );
  const config = (await loadConfig(['--config.file', file], {})) as Config;
  exporter = await startExporter(config, pino({ level: 'silent' }));
});

afterAll(async () => {
  await exporter?.stop();
  for (const w of workloads) await w.close();
  await Promise.all([east?.stop(), west?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function pollBothAndScrape(): Promise<Sample[]> {
  await Promise.all(exporter.pollers.map((p) => p.pollOnce()));
  const response = await fetch(`http://127.0.0.1:${exporter.address.port}/metrics`);
  return parseExposition(await response.text());
}

/** The Kafka series of one cluster, without the self metrics, as comparable lines. */
function kafkaSeries(samples: Sample[], cluster: string): string[] {
  return samples
    .filter((s) => s.name.startsWith('kafka_') && s.labels.kafka_cluster === cluster)
    .map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`)
    .sort();
}

describe('two clusters in one process', () => {
  it('polls both, each under its own kafka_cluster label and constant labels', async () => {
    const samples = await pollBothAndScrape();
    expect(
      find(samples, 'kafka_consumergroup_lag', { kafka_cluster: 'east', consumergroup: 'billing' })?.value,
    ).toBe(5);
    expect(
      find(samples, 'kafka_consumergroup_lag', { kafka_cluster: 'west', consumergroup: 'analytics' })?.value,
    ).toBe(5);
    expect(filter(samples, 'kafka_brokers').map((s) => [s.labels.kafka_cluster, s.labels.region])).toEqual([
      ['east', 'us-east'],
      ['west', 'us-west'],
    ]);
    expect(find(samples, 'lagwatch_up', { kafka_cluster: 'east' })?.value).toBe(1);
    expect(find(samples, 'lagwatch_up', { kafka_cluster: 'west' })?.value).toBe(1);
  });

  it('keeps polling one cluster while the other is down, and serves the down one as stale', async () => {
    const before = await pollBothAndScrape();
    const westBefore = kafkaSeries(before, 'west');
    const lastWestSuccess = find(before, 'lagwatch_last_successful_poll_timestamp_seconds', {
      kafka_cluster: 'west',
    })!;

    await west.stop();
    await workloads[0]!.produce('orders', [0, 2]);
    const after = await pollBothAndScrape();

    expect(find(after, 'lagwatch_up', { kafka_cluster: 'west' })?.value).toBe(0);
    expect(find(after, 'lagwatch_up', { kafka_cluster: 'east' })?.value).toBe(1);
    // east moved on: new records raised its lag, polled after west went down.
    expect(
      find(after, 'kafka_consumergroup_lag', { kafka_cluster: 'east', consumergroup: 'billing' })?.value,
    ).toBe(7);
    // west still serves its last good snapshot, unchanged, and its last success did not advance.
    expect(kafkaSeries(after, 'west')).toEqual(westBefore);
    expect(
      find(after, 'lagwatch_last_successful_poll_timestamp_seconds', { kafka_cluster: 'west' })?.value,
    ).toBe(lastWestSuccess.value);
    const errors = filter(after, 'lagwatch_poll_errors_total', { kafka_cluster: 'west' });
    expect(errors.reduce((sum, s) => sum + s.value, 0)).toBeGreaterThan(0);
  });
});
