/**
 * The test-broker harness itself: a single node and a three-node quorum start, Metadata agrees, a node can
 * be stopped and started, and stop() leaves no JVM and no data behind.
 */
import { access } from 'node:fs/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCluster, startKafka, type KafkaTestCluster } from '../support/broker.js';
import { isPidAlive } from '../support/owned-processes.js';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Polls Metadata until `predicate` holds or 30 s pass; returns the last broker ids seen. */
async function waitForBrokerIds(brokers: string[], predicate: (ids: number[]) => boolean): Promise<number[]> {
  const deadline = Date.now() + 30_000;
  let ids: number[] = [];
  while (Date.now() < deadline) {
    ids = await describeCluster(brokers).then(
      (summary) => summary.brokerIds,
      () => ids,
    );
    if (predicate(ids)) return ids;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return ids;
}

describe('single-node broker', () => {
  let cluster: KafkaTestCluster | undefined;
  afterAll(() => cluster?.stop());

  it('starts, answers Metadata with one broker and a controller, and stops without leftovers', async () => {
    cluster = await startKafka();
    expect(cluster.nodes).toBe(1);
    expect(cluster.brokers).toEqual([cluster.bootstrap]);
    expect(cluster.bootstrap).toMatch(/^127\.0\.0\.1:\d+$/);

    const summary = await describeCluster(cluster.brokers);
    expect(summary.brokerIds).toEqual([1]);
    expect(summary.controllerId).toBeGreaterThanOrEqual(0);
    expect(summary.clusterId).toBe(cluster.clusterId);

    const pid = cluster.pidOf(1);
    expect(pid).toBeTypeOf('number');
    expect(isPidAlive(pid ?? -1)).toBe(true);
    expect(await exists(cluster.dataDir)).toBe(true);

    await cluster.stop();
    expect(isPidAlive(pid ?? -1)).toBe(false);
    expect(cluster.pidOf(1)).toBeUndefined();
    expect(await exists(cluster.dataDir)).toBe(false);
  });
});

describe('three-node cluster', () => {
  let cluster: KafkaTestCluster | undefined;
  afterAll(() => cluster?.stop());

  it('starts with three brokers, loses one on stopNode, regains it on startNode, and stops cleanly', async () => {
    cluster = await startKafka({ nodes: 3 });
    expect(cluster.nodes).toBe(3);
    expect(cluster.brokers).toHaveLength(3);
    expect(cluster.brokers[0]).toBe(cluster.bootstrap);

    const summary = await describeCluster(cluster.brokers);
    expect(summary.brokerIds).toEqual([1, 2, 3]);
    expect(summary.controllerId).toBeGreaterThanOrEqual(1);
    expect(summary.clusterId).toBe(cluster.clusterId);

    const pids = [1, 2, 3].map((id) => cluster?.pidOf(id) ?? -1);
    expect(new Set(pids).size).toBe(3);

    await cluster.stopNode(2);
    expect(isPidAlive(pids[1] ?? -1)).toBe(false);
    expect(await waitForBrokerIds(cluster.brokers, (ids) => ids.length === 2)).toEqual([1, 3]);

    await cluster.startNode(2);
    expect(await waitForBrokerIds(cluster.brokers, (ids) => ids.length === 3)).toEqual([1, 2, 3]);
    const restarted = cluster.pidOf(2) ?? -1;

    await cluster.stop();
    for (const pid of [...pids, restarted]) expect(isPidAlive(pid)).toBe(false);
    expect(await exists(cluster.dataDir)).toBe(false);
  }, 120_000);
});
