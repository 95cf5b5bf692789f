/**
 * The number of Kafka requests of one poll, counted by the default adapter at the wire, grows with the
 * number of brokers, not with partitions or groups (DESIGN.md). Measured on a one-node and a three-node
 * cluster, each with a small workload (2 partitions, 2 groups) and a large one (100 partitions, 50 groups).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ExportFilter } from '../../src/collect/filter.js';
import { pollCluster } from '../../src/collect/poll.js';
import { RecordTimestampCache } from '../../src/collect/timestamp-cache.js';
import { createKafkaAdmin } from '../../src/kafka/index.js';
import { startKafka, type KafkaTestCluster } from '../support/broker.js';
import { createWorkload, type Workload } from '../support/workload.js';

const running: { kafka: KafkaTestCluster; workload: Workload }[] = [];

afterAll(async () => {
  for (const { kafka, workload } of running) {
    await workload.close();
    await kafka.stop();
  }
});

interface Size {
  prefix: string;
  topics: number;
  partitionsPerTopic: number;
  groups: number;
}

const small: Size = { prefix: 'small', topics: 2, partitionsPerTopic: 1, groups: 2 };
const large: Size = { prefix: 'large', topics: 10, partitionsPerTopic: 10, groups: 50 };

/** Creates the topics and groups of `size`: every group commits an offset on every partition of one topic. */
async function createWorkloadOfSize(workload: Workload, size: Size, replicas: number): Promise<void> {
  for (let t = 0; t < size.topics; t++) {
    await workload.createTopic(`${size.prefix}-topic-${t}`, size.partitionsPerTopic, replicas);
    await workload.produce(`${size.prefix}-topic-${t}`, 3);
  }
  for (let g = 0; g < size.groups; g++) {
    const topic = `${size.prefix}-topic-${g % size.topics}`;
    await workload.commit(
      `${size.prefix}-group-${g}`,
      Array.from({ length: size.partitionsPerTopic }, (_, partition) => ({ topic, partition, offset: 1n })),
    );
  }
}

/** Requests of one poll restricted to `size`'s topics and groups, after a warm-up poll has opened the connections. */
async function requestsOfOnePoll(kafka: KafkaTestCluster, size: Size): Promise<Record<string, number>> {
  const admin = createKafkaAdmin('platformatic', {
    brokers: kafka.brokers,
    clientId: 'count',
    requestTimeoutMs: 10_000,
  });
  const filter: ExportFilter = {
    topicFilter: new RegExp(`^${size.prefix}-`),
    topicExclude: /^$/,
    groupFilter: new RegExp(`^${size.prefix}-`),
    groupExclude: /^$/,
    includeInternalTopics: false,
  };
  try {
    // A fresh record-timestamp cache for each poll, so the measured poll fetches every record it needs:
    // the worst case, as on lagwatch's first poll.
    const poll = () =>
      pollCluster({
        admin,
        filter,
        clusterName: undefined,
        observedAt: Date.now(),
        timeLagMode: 'exact',
        timestamps: new RecordTimestampCache(),
      });
    await poll();
    const before = new Map(admin.requestCounts());
    const snapshot = await poll();
    expect(snapshot.topics.flatMap((t) => t.partitions)).toHaveLength(size.topics * size.partitionsPerTopic);
    expect(snapshot.groups.filter((g) => (g.offsets?.length ?? 0) > 0)).toHaveLength(size.groups);
    const counts: Record<string, number> = {};
    for (const [api, n] of admin.requestCounts())
      if (n > (before.get(api) ?? 0)) counts[api] = n - (before.get(api) ?? 0);
    return counts;
  } finally {
    await admin.close();
  }
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

describe.each([1, 3] as const)('requests of one poll on a %i-node cluster', (nodes) => {
  let kafka: KafkaTestCluster;

  it(
    'do not grow from 2 partitions and 2 groups to 100 partitions and 50 groups',
    { timeout: 300_000 },
    async () => {
      kafka = await startKafka({ nodes });
      const workload = createWorkload(kafka.bootstrap);
      running.push({ kafka, workload });
      await createWorkloadOfSize(workload, small, nodes);
      await createWorkloadOfSize(workload, large, nodes);

      const smallCounts = await requestsOfOnePoll(kafka, small);
      const largeCounts = await requestsOfOnePoll(kafka, large);
      console.log(
        `${nodes} node(s): small ${JSON.stringify(smallCounts)} large ${JSON.stringify(largeCounts)}`,
      );

      // Per Kafka API, at most one request per broker (two ListOffsets rounds: earliest and latest; two Fetch
      // rounds: the committed and the log-start offset of each lagging partition), whatever
      // the number of partitions and groups. Metadata and FindCoordinator are cluster-wide.
      const bound: Record<string, number> = {
        Metadata: 2,
        ListGroups: nodes,
        FindCoordinator: 2,
        OffsetFetch: nodes,
        DescribeGroups: nodes,
        ConsumerGroupDescribe: nodes,
        ListOffsets: 2 * nodes,
        // Record timestamps for time lag: one round for the committed offsets, one for the log-start
        // offsets of lagging partitions (one round when both fit one response), per leader.
        Fetch: 2 * nodes,
      };
      for (const counts of [smallCounts, largeCounts]) {
        for (const [api, n] of Object.entries(counts)) {
          expect(bound[api], `unexpected API ${api}`).toBeDefined();
          expect(n, `${api} requests`).toBeLessThanOrEqual(bound[api]!);
        }
      }
      expect(largeCounts.OffsetFetch).toBeGreaterThanOrEqual(1);
      expect(largeCounts.ListOffsets).toBeGreaterThanOrEqual(2);
      expect(largeCounts.Fetch).toBeGreaterThanOrEqual(1);
      // 50× the partitions and 25× the groups cost no more requests than the brokers involved allow.
      expect(total(largeCounts)).toBeLessThanOrEqual(total(bound));
      if (nodes === 1) expect(largeCounts).toEqual(smallCounts);
    },
  );
});
