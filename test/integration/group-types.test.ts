/**
 * Every Kafka 4.x group type at /metrics: the exporter, in-process, on ONE real Apache Kafka 4.3.1 broker
 * (KRaft; `share.version=1` and `streams.version=1` finalised at format, see test/support/broker.ts), with
 * groups made by real clients:
 * - CLASSIC: a classic group, two live @platformatic/kafka members on ORDERS (4 partitions, 2 each), with
 *   committed offsets set before they joined (the members consume without committing);
 * - CONSUMER: a KIP-848 `consumer` group, two live members (`group.protocol=consumer`), one subscribed to
 *   ORDERS and one to PAYMENTS, so the broker's uniform assignor gives each all of its topic; committed
 *   offsets set before they joined. kafka_exporter reports such a group as `Dead` with 0 members (#533);
 * - SHARE: a share group (KIP-932), one live KafkaShareConsumer (Java) that accepts everything on SHARE_TOPIC;
 * - STREAMS: a streams group (KIP-1071), one live Kafka Streams application (Java) that read STREAMS_TOPIC
 *   and committed;
 * - EMPTY: a classic group without members, with committed offsets on some partitions of ORDERS and PAYMENTS.
 *
 * What /metrics says is compared with what the broker reports to independent clients: the workload's
 * @platformatic/kafka admin (high watermarks, committed offsets, ListGroups, DescribeGroups of the classic
 * group), the live members' own assignments, and, for the share group, the Java Admin's
 * `listShareGroupOffsets` (start offset and KIP-1226 lag, read by a one-file Java program run from here).
 *
 * Share-group lag: the start offset Kafka 4.3.1 persists trails the acknowledgements (see
 * kafka-contract-group-types.test.ts), so `HWM − start offset` over-states the backlog; the broker's own lag
 * (KIP-1226) counts the completed deliveries beyond it. Two deterministic states are asserted: all of wave 1
 * and wave 2 acknowledged by the live member (lag 0 while the start offsets are the wave-1 counts), and, last,
 * the member stopped and wave 3 produced (nothing delivered: lag = wave 3, group Empty).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startExporter, type Exporter } from '../../src/exporter.js';
import { startKafka, type KafkaTestCluster } from '../support/broker.js';
import { filter, find, parseExposition, type Sample } from '../support/exposition.js';
import {
  countAtLeast,
  JAVA_SOURCES_DIR,
  startShareConsumer,
  startStreamsApp,
  type JavaClient,
} from '../support/java-clients.js';
import { javaBinary } from '../support/jvm-process.js';
import { ensureKafkaJars } from '../support/kafka-jars.js';
import { createWorkload, waitFor, type GroupMember, type Workload } from '../support/workload.js';

const execFileAsync = promisify(execFile);

const RUN = `${process.pid}-${Date.now().toString(36)}`;
const ORDERS = `lw-types-orders-${RUN}`;
const ORDERS_COUNTS = [10, 20, 30, 40];
const PAYMENTS = `lw-types-payments-${RUN}`;
const PAYMENTS_COUNTS = [6, 9];
const SHARE_TOPIC = `lw-types-share-${RUN}`;
const SHARE_WAVE_1 = [4, 7, 10];
const SHARE_WAVE_2 = [1, 1, 1];
/** Produced after the share consumer stopped: nothing of it is delivered. */
const SHARE_WAVE_3 = [2, 3, 5];
const STREAMS_TOPIC = `lw-types-streams-${RUN}`;
const STREAMS_COUNTS = [3, 5, 8];

const CLASSIC = `lw-types-classic-${RUN}`;
const CONSUMER = `lw-types-consumer-${RUN}`;
const SHARE = `lw-types-share-${RUN}`;
const SHARE_CLIENT_ID = `lw-types-share-client-${RUN}`;
const STREAMS = `lw-types-streams-${RUN}`;
const STREAMS_CLIENT_ID = `lw-types-streams-client-${RUN}`;
const EMPTY = `lw-types-empty-${RUN}`;

/** Committed before the members join: `[topic, offsets by partition]`. */
const CLASSIC_COMMITS: [string, bigint[]][] = [[ORDERS, [3n, 20n, 7n, 40n]]];
const CONSUMER_COMMITS: [string, bigint[]][] = [
  [ORDERS, [1n, 5n, 30n, 12n]],
  [PAYMENTS, [6n, 2n]],
];
/** Partitions not listed stay uncommitted. */
const EMPTY_COMMITS = [
  { topic: ORDERS, partition: 0, offset: 10n },
  { topic: ORDERS, partition: 1, offset: 2n },
  { topic: PAYMENTS, partition: 1, offset: 9n },
];

/** Kafka's `GroupState.groupStatesForType` in 4.3.1, as the broker spells the states. */
const STATES_BY_TYPE: Record<string, string[]> = {
  classic: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
  consumer: [
    'Empty',
    'PreparingRebalance',
    'CompletingRebalance',
    'Assigning',
    'Reconciling',
    'Stable',
    'Dead',
  ],
  share: ['Empty', 'Stable', 'Dead'],
  streams: ['Empty', 'NotReady', 'Assigning', 'Reconciling', 'Stable', 'Dead'],
};

/** The client host the broker reports for every client of this test (all on loopback). */
const CLIENT_HOST = '/127.0.0.1';

let kafka: KafkaTestCluster;
let workload: Workload;
let exporter: Exporter;
let classicMembers: GroupMember[];
let consumerMembers: GroupMember[];
let javaClients: Promise<[JavaClient, JavaClient]> | undefined;
let shareConsumer: JavaClient;

const sum = (counts: number[]): number => counts.reduce((a, b) => a + b, 0);

function commits(groupId: string, byTopic: [string, bigint[]][]): Promise<void> {
  return workload.commit(
    groupId,
    byTopic.flatMap(([topic, offsets]) => offsets.map((offset, partition) => ({ topic, partition, offset }))),
  );
}

beforeAll(async () => {
  kafka = await startKafka({ nodes: 1 });
  workload = createWorkload(kafka.bootstrap);

  for (const [topic, counts] of [
    [ORDERS, ORDERS_COUNTS],
    [PAYMENTS, PAYMENTS_COUNTS],
    [SHARE_TOPIC, SHARE_WAVE_1],
    [STREAMS_TOPIC, STREAMS_COUNTS],
  ] as const) {
    await workload.createTopic(topic, counts.length);
    await workload.produce(topic, counts);
  }

  // The JVM clients start while the Node members join.
  javaClients = Promise.all([
    startShareConsumer({
      bootstrap: kafka.bootstrap,
      groupId: SHARE,
      topic: SHARE_TOPIC,
      clientId: SHARE_CLIENT_ID,
      acceptRecords: sum(SHARE_WAVE_1),
    }),
    startStreamsApp({
      bootstrap: kafka.bootstrap,
      applicationId: STREAMS,
      sourceTopic: STREAMS_TOPIC,
      clientId: STREAMS_CLIENT_ID,
      processRecords: sum(STREAMS_COUNTS),
    }),
  ]);
  // Keep a failed start from being an unhandled rejection while the Node members join.
  javaClients.catch(() => undefined);

  await commits(CLASSIC, CLASSIC_COMMITS);
  await commits(CONSUMER, CONSUMER_COMMITS);
  await workload.commit(EMPTY, EMPTY_COMMITS);
  // Classic: the second member takes half of ORDERS from the first (platformatic's round-robin assignor).
  const classicFirst = await workload.startMember({ groupId: CLASSIC, topics: [ORDERS] });
  const classicSecond = await workload.startMember({
    groupId: CLASSIC,
    topics: [ORDERS],
    expectedPartitions: ORDERS_COUNTS.length / 2,
  });
  classicMembers = [classicFirst, classicSecond];
  // KIP-848: the broker's assignor respects each member's subscription, so the assignments are stable.
  consumerMembers = [
    await workload.startMember({ groupId: CONSUMER, topics: [ORDERS], protocol: 'consumer' }),
    await workload.startMember({ groupId: CONSUMER, topics: [PAYMENTS], protocol: 'consumer' }),
  ];
  [shareConsumer] = await javaClients;

  // Wave 2, acknowledged after wave 1: its acknowledgement persists the start offsets wave 1 reached.
  await workload.produce(SHARE_TOPIC, SHARE_WAVE_2);
  await shareConsumer.waitForLine(countAtLeast('ACKED', sum(SHARE_WAVE_1) + sum(SHARE_WAVE_2)), 30_000);
  await waitFor('the streams group to commit all of STREAMS_TOPIC', async () => {
    const offsets = await committed(STREAMS);
    return STREAMS_COUNTS.every((count, p) => offsets.get(`${STREAMS_TOPIC}/${p}`) === BigInt(count));
  });
  await waitFor('the classic members to hold two ORDERS partitions each', async () => {
    const group = (await workload.admin.describeGroups({ groups: [CLASSIC] })).get(CLASSIC);
    return (
      group?.state === 'STABLE' &&
      group.members.size === 2 &&
      [...group.members.values()].every((m) => assignedPartitions(m.assignments).length === 2)
    );
  });
  await waitFor('the four live groups Stable', async () => {
    const groups = await workload.admin.listGroups({ types: ['classic', 'consumer', 'share', 'streams'] });
    return [CLASSIC, CONSUMER, SHARE, STREAMS].every((id) => groups.get(id)?.state === 'STABLE');
  });

  const config = (await loadConfig(
    ['--kafka.server', kafka.bootstrap, '--web.listen-address=127.0.0.1:0', '--poll.interval=1h'],
    {},
  )) as Config;
  exporter = await startExporter(config, pino({ level: 'silent' }));
});

afterAll(async () => {
  await exporter?.stop();
  // Also when beforeAll failed before it took the clients.
  const clients = await javaClients?.catch(() => []);
  await Promise.all((clients ?? []).map((client) => client.stop()));
  await workload?.close();
  await kafka?.stop();
});

/** Runs one poll now and returns what a scrape of /metrics then serves. */
async function pollAndScrape(): Promise<Sample[]> {
  const outcome = await exporter.pollers[0]!.pollOnce();
  expect(outcome.error).toBeNull();
  expect(outcome.snapshot?.errors).toEqual([]);
  const response = await fetch(`http://127.0.0.1:${exporter.address.port}/metrics`);
  expect(response.status).toBe(200);
  return parseExposition(await response.text());
}

/** The broker's high watermark of every partition of `topic`, as `topic/partition → offset`. */
async function highWatermarks(topic: string, partitions: number): Promise<Map<string, bigint>> {
  const [answer] = await workload.admin.listOffsets({
    topics: [
      {
        name: topic,
        partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
          partitionIndex,
          timestamp: -1n,
        })),
      },
    ],
  });
  return new Map(answer!.partitions.map((p) => [`${topic}/${p.partitionIndex}`, p.offset]));
}

/** The broker's committed offsets of `groupId` (OffsetFetch), as `topic/partition → offset`. */
async function committed(groupId: string): Promise<Map<string, bigint>> {
  const [answer] = await workload.admin.listConsumerGroupOffsets({ groups: [groupId] });
  const offsets = new Map<string, bigint>();
  for (const t of answer!.topics) {
    for (const p of t.partitions)
      if (p.committedOffset >= 0n) offsets.set(`${t.name}/${p.partitionIndex}`, p.committedOffset);
  }
  return offsets;
}

function assignedPartitions(
  assignments: Map<string, { topic: string; partitions: number[] }> | undefined,
): { topic: string; partition: number }[] {
  return [...(assignments?.values() ?? [])].flatMap(({ topic, partitions }) =>
    partitions.map((partition) => ({ topic, partition })),
  );
}

const SHARE_OFFSETS_JAVA = `
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.common.TopicPartition;

public final class ShareGroupOffsets {
  public static void main(String[] args) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    try (Admin admin = Admin.create(props)) {
      Map<TopicPartition, SharePartitionOffsetInfo> offsets = admin
          .listShareGroupOffsets(Map.of(args[1], new ListShareGroupOffsetsSpec()))
          .partitionsToOffsetInfo(args[1])
          .get();
      for (Map.Entry<TopicPartition, SharePartitionOffsetInfo> e : offsets.entrySet()) {
        SharePartitionOffsetInfo info = e.getValue();
        System.out.println("OFFSET " + e.getKey().topic() + " " + e.getKey().partition() + " "
            + (info == null ? "-" : info.startOffset()) + " "
            + (info == null ? "-" : info.lag().map(String::valueOf).orElse("-")));
      }
    }
  }
}
`;

/** A share partition's state as the Java Admin reports it; `null` where the broker gives none. */
interface SharePartitionState {
  startOffset: bigint | null;
  lag: bigint | null;
}

/**
 * The broker's share-group offsets as Kafka's own Java Admin reads them (`listShareGroupOffsets`,
 * DescribeShareGroupOffsets v1), as `topic/partition → state`. Runs a one-file Java program (the source
 * launcher of Java 11+) against the broker's jars.
 */
async function brokerShareOffsets(groupId: string): Promise<Map<string, SharePartitionState>> {
  const libsDir = await ensureKafkaJars();
  const dir = await mkdtemp(join(tmpdir(), 'lagwatch-share-offsets-'));
  try {
    const source = join(dir, 'ShareGroupOffsets.java');
    await writeFile(source, SHARE_OFFSETS_JAVA);
    const { stdout } = await execFileAsync(
      javaBinary(),
      [
        '-XX:TieredStopAtLevel=1',
        '-Xshare:auto',
        `-Dlog4j2.configurationFile=${join(JAVA_SOURCES_DIR, 'log4j2.properties')}`,
        '-cp',
        join(libsDir, '*'),
        source,
        kafka.bootstrap,
        groupId,
      ],
      { timeout: 60_000, cwd: dir },
    );
    const parse = (value: string): bigint | null => (value === '-' ? null : BigInt(value));
    const states = new Map<string, SharePartitionState>();
    for (const line of stdout.split('\n')) {
      const [marker, topic, partition, startOffset, lag] = line.trim().split(' ');
      if (marker !== 'OFFSET') continue;
      states.set(`${topic}/${partition}`, { startOffset: parse(startOffset!), lag: parse(lag!) });
    }
    return states;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Asserts one `kafka_consumergroup_state` series per state of `type`, 1 exactly for `state`. */
function expectState(samples: Sample[], groupId: string, type: string, state: string): void {
  const series = filter(samples, 'kafka_consumergroup_state', { consumergroup: groupId });
  expect(series.map((s) => s.labels.state).sort(), `${groupId} state set`).toEqual(
    [...STATES_BY_TYPE[type]!].sort(),
  );
  expect(
    series.filter((s) => s.value === 1).map((s) => s.labels.state),
    `${groupId} current state`,
  ).toEqual([state]);
  expect(
    series.every((s) => s.value === 0 || s.value === 1),
    `${groupId} state values`,
  ).toBe(true);
}

/** `kafka_consumergroup_member_assignment_info` of a group as sorted `member client host instance topic/p` rows. */
function assignmentRows(samples: Sample[], groupId: string): string[] {
  return filter(samples, 'kafka_consumergroup_member_assignment_info', { consumergroup: groupId })
    .map((s) => {
      expect(s.value).toBe(1);
      const l = s.labels;
      return `${l.member_id} ${l.client_id} ${l.client_host} ${l.group_instance_id} ${l.topic}/${l.partition}`;
    })
    .sort();
}

function rows(
  members: { memberId: string; clientId: string; assignment: { topic: string; partition: number }[] }[],
): string[] {
  return members
    .flatMap((m) =>
      m.assignment.map((a) => `${m.memberId} ${m.clientId} ${CLIENT_HOST}  ${a.topic}/${a.partition}`),
    )
    .sort();
}

/**
 * Asserts that every `kafka_consumergroup_lag` and `…_current_offset` series of `groupId` is the broker's
 * high watermark minus its committed offset, and that exactly the committed partitions have one.
 * @returns the lags, as `topic/partition → lag`.
 */
async function expectLagAsBroker(
  samples: Sample[],
  groupId: string,
  topics: [string, number][],
): Promise<Map<string, number>> {
  const offsets = await committed(groupId);
  const ends = new Map<string, bigint>();
  for (const [topic, partitions] of topics) {
    for (const [key, offset] of await highWatermarks(topic, partitions)) ends.set(key, offset);
  }
  const lagSeries = filter(samples, 'kafka_consumergroup_lag', { consumergroup: groupId });
  const lags = new Map(lagSeries.map((s) => [`${s.labels.topic}/${s.labels.partition}`, s.value]));
  expect([...lags.keys()].sort(), `${groupId}: committed partitions with a lag series`).toEqual(
    [...offsets.keys()].sort(),
  );
  for (const [key, offset] of offsets) {
    const end = ends.get(key);
    expect(end, `high watermark of ${key}`).toBeDefined();
    expect(lags.get(key), `${groupId} lag on ${key}`).toBe(Number(end! - offset));
    const [topic, partition] = key.split('/') as [string, string];
    expect(
      find(samples, 'kafka_consumergroup_current_offset', { consumergroup: groupId, topic, partition })
        ?.value,
      `${groupId} committed offset on ${key}`,
    ).toBe(Number(offset));
  }
  return lags;
}

describe('every Kafka 4.x group type at /metrics', () => {
  it('lists each group once, with its type, protocol type and protocol as the broker reports them', async () => {
    const samples = await pollAndScrape();
    const info = filter(samples, 'kafka_consumergroup_info');
    expect(info.map((s) => s.labels.consumergroup).sort()).toEqual(
      [CLASSIC, CONSUMER, SHARE, STREAMS, EMPTY].sort(),
    );
    const listed = await workload.admin.listGroups({ types: ['classic', 'consumer', 'share', 'streams'] });
    const classic = (await workload.admin.describeGroups({ groups: [CLASSIC] })).get(CLASSIC)!;
    const expected: [string, string, string][] = [
      [CLASSIC, 'classic', classic.protocol],
      // The broker's default server-side assignors of KIP-848 and share groups; streams groups name none.
      [CONSUMER, 'consumer', 'uniform'],
      [SHARE, 'share', 'simple'],
      [STREAMS, 'streams', ''],
      // A group that never had members has no protocol.
      [EMPTY, 'classic', ''],
    ];
    expect(classic.protocol).not.toBe('');
    for (const [groupId, type, protocol] of expected) {
      expect(listed.get(groupId)?.groupType.toLowerCase(), `${groupId} listed type`).toBe(type);
      expect(find(samples, 'kafka_consumergroup_info', { consumergroup: groupId })?.labels, groupId).toEqual({
        kafka_cluster: kafka.clusterId,
        consumergroup: groupId,
        type,
        protocol_type: listed.get(groupId)!.protocolType,
        protocol,
      });
      expect(find(samples, 'kafka_consumergroup_info', { consumergroup: groupId })?.value).toBe(1);
    }
  });

  it('reports the state of each group: Stable for the live ones, Empty for the member-less one', async () => {
    const samples = await pollAndScrape();
    expectState(samples, CLASSIC, 'classic', 'Stable');
    expectState(samples, CONSUMER, 'consumer', 'Stable');
    expectState(samples, SHARE, 'share', 'Stable');
    expectState(samples, STREAMS, 'streams', 'Stable');
    expectState(samples, EMPTY, 'classic', 'Empty');
  });

  it('reports the KIP-848 group with its members, not as Dead (kafka_exporter #533)', async () => {
    const samples = await pollAndScrape();
    expect(
      find(samples, 'kafka_consumergroup_state', { consumergroup: CONSUMER, state: 'Dead' })?.value,
    ).toBe(0);
    expect(find(samples, 'kafka_consumergroup_members', { consumergroup: CONSUMER })?.value).toBe(2);
    expect(
      filter(samples, 'kafka_consumergroup_member_assignment_info', { consumergroup: CONSUMER }),
    ).toHaveLength(ORDERS_COUNTS.length + PAYMENTS_COUNTS.length);
  });

  it('reports the real member count of every group', async () => {
    const samples = await pollAndScrape();
    const members = (groupId: string): number | undefined =>
      find(samples, 'kafka_consumergroup_members', { consumergroup: groupId })?.value;
    const classic = (await workload.admin.describeGroups({ groups: [CLASSIC] })).get(CLASSIC)!;
    expect(members(CLASSIC)).toBe(classic.members.size);
    expect(members(CLASSIC)).toBe(2);
    expect(members(CONSUMER)).toBe(consumerMembers.length);
    expect(members(SHARE)).toBe(1);
    expect(members(STREAMS)).toBe(1);
    expect(members(EMPTY)).toBe(0);
  });

  it('reports every member assignment with the client ids the clients were given', async () => {
    const samples = await pollAndScrape();

    // Classic: as DescribeGroups reports the members (the round-robin split happened in a rebalance).
    const classic = (await workload.admin.describeGroups({ groups: [CLASSIC] })).get(CLASSIC)!;
    const classicTruth = [...classic.members.values()].map((m) => {
      expect(m.clientHost).toBe(CLIENT_HOST);
      return { memberId: m.id, clientId: m.clientId, assignment: assignedPartitions(m.assignments) };
    });
    expect(classicTruth.map((m) => m.memberId).sort()).toEqual(classicMembers.map((m) => m.memberId).sort());
    expect(classicTruth.map((m) => m.clientId).sort()).toEqual(classicMembers.map((m) => m.clientId).sort());
    expect(assignmentRows(samples, CLASSIC)).toEqual(rows(classicTruth));
    expect(assignmentRows(samples, CLASSIC)).toHaveLength(ORDERS_COUNTS.length);

    // KIP-848: as the members themselves hold them.
    expect(assignmentRows(samples, CONSUMER)).toEqual(rows(consumerMembers));
    expect(consumerMembers.map((m) => m.assignment.map((a) => a.topic))).toEqual([
      [ORDERS, ORDERS, ORDERS, ORDERS],
      [PAYMENTS, PAYMENTS],
    ]);

    // Share and streams: one member each, with every partition of its topic; the member id is the broker's.
    for (const [groupId, clientId, topic, partitions] of [
      [SHARE, SHARE_CLIENT_ID, SHARE_TOPIC, SHARE_WAVE_1.length],
      // Streams names its consumer `<client.id>-StreamThread-<n>-consumer`.
      [STREAMS, `${STREAMS_CLIENT_ID}-StreamThread-1-consumer`, STREAMS_TOPIC, STREAMS_COUNTS.length],
    ] as const) {
      const series = filter(samples, 'kafka_consumergroup_member_assignment_info', {
        consumergroup: groupId,
      });
      const memberId = series[0]?.labels.member_id ?? '';
      expect(memberId, `${groupId} member id`).not.toBe('');
      expect(assignmentRows(samples, groupId)).toEqual(
        rows([
          {
            memberId,
            clientId,
            assignment: Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
          },
        ]),
      );
    }

    expect(filter(samples, 'kafka_consumergroup_member_assignment_info', { consumergroup: EMPTY })).toEqual(
      [],
    );
  });

  it('reports the lag of classic, consumer and streams groups as high watermark − committed offset', async () => {
    const samples = await pollAndScrape();
    const classic = await expectLagAsBroker(samples, CLASSIC, [[ORDERS, 4]]);
    const consumer = await expectLagAsBroker(samples, CONSUMER, [
      [ORDERS, 4],
      [PAYMENTS, 2],
    ]);
    const streams = await expectLagAsBroker(samples, STREAMS, [[STREAMS_TOPIC, 3]]);
    const empty = await expectLagAsBroker(samples, EMPTY, [
      [ORDERS, 4],
      [PAYMENTS, 2],
    ]);
    // The workload's own numbers: the members consume without committing, Streams committed everything.
    const values = (lags: Map<string, number>, topic: string, n: number): (number | undefined)[] =>
      Array.from({ length: n }, (_, p) => lags.get(`${topic}/${p}`));
    expect(values(classic, ORDERS, 4)).toEqual([7, 0, 23, 0]);
    expect(values(consumer, ORDERS, 4)).toEqual([9, 15, 0, 28]);
    expect(values(consumer, PAYMENTS, 2)).toEqual([0, 7]);
    expect(values(streams, STREAMS_TOPIC, 3)).toEqual([0, 0, 0]);
    expect(values(empty, ORDERS, 4)).toEqual([0, 18, undefined, undefined]);
    expect(values(empty, PAYMENTS, 2)).toEqual([undefined, 0]);
    expect(
      find(samples, 'kafka_consumergroup_lag_sum', { consumergroup: CONSUMER, topic: ORDERS })?.value,
    ).toBe(52);
  });

  it('reports the share group lag the broker reports (KIP-1226): 0 once everything is acknowledged', async () => {
    const [samples, broker] = await Promise.all([pollAndScrape(), brokerShareOffsets(SHARE)]);
    const ends = await highWatermarks(SHARE_TOPIC, 3);
    expect([...broker.keys()].sort()).toEqual([...ends.keys()].sort());
    for (const [key, state] of broker) {
      const [topic, partition] = key.split('/') as [string, string];
      const labels = { consumergroup: SHARE, topic, partition };
      expect(state.lag, `broker lag on ${key}`).not.toBeNull();
      expect(find(samples, 'kafka_consumergroup_lag', labels)?.value, `lag on ${key}`).toBe(
        Number(state.lag),
      );
      expect(find(samples, 'kafka_consumergroup_current_offset', labels)?.value, `start on ${key}`).toBe(
        Number(state.startOffset),
      );
    }
    // Deterministic on 4.3.1: nothing left to deliver, although the start offsets trail the acknowledgements.
    for (const [partition, count] of SHARE_WAVE_1.entries()) {
      const labels = { consumergroup: SHARE, topic: SHARE_TOPIC, partition: String(partition) };
      expect(find(samples, 'kafka_consumergroup_lag', labels)?.value).toBe(0);
      expect(find(samples, 'kafka_consumergroup_current_offset', labels)?.value).toBe(count);
      expect(ends.get(`${SHARE_TOPIC}/${partition}`)).toBe(BigInt(count + SHARE_WAVE_2[partition]!));
    }
  });

  // Last: stops the share consumer.
  it('reports a stopped share group as Empty, with the undelivered records as its lag', async () => {
    await shareConsumer.stop();
    await waitFor('the share group Empty', async () => {
      const groups = await workload.admin.listGroups({ types: ['share'] });
      return groups.get(SHARE)?.state === 'EMPTY';
    });
    const wave3ProducedAt = Date.now();
    await workload.produce(SHARE_TOPIC, SHARE_WAVE_3);

    const [samples, broker] = await Promise.all([pollAndScrape(), brokerShareOffsets(SHARE)]);
    // Time lag reads the first undelivered record (high watermark − broker lag: wave 3), not the record at
    // the trailing start offset, which was produced and acknowledged with the earlier waves.
    const ageOfWave3 = (Date.now() - wave3ProducedAt) / 1000;
    for (const partition of SHARE_WAVE_3.keys()) {
      const labels = { consumergroup: SHARE, topic: SHARE_TOPIC, partition: String(partition) };
      expect(find(samples, 'kafka_consumergroup_lag_seconds', labels)?.value).toBeLessThanOrEqual(ageOfWave3);
    }
    expectState(samples, SHARE, 'share', 'Empty');
    expect(find(samples, 'kafka_consumergroup_members', { consumergroup: SHARE })?.value).toBe(0);
    expect(assignmentRows(samples, SHARE)).toEqual([]);
    for (const [partition, count] of SHARE_WAVE_3.entries()) {
      const key = `${SHARE_TOPIC}/${partition}`;
      const labels = { consumergroup: SHARE, topic: SHARE_TOPIC, partition: String(partition) };
      expect(broker.get(key)?.lag, `broker lag on ${key}`).toBe(BigInt(count));
      expect(find(samples, 'kafka_consumergroup_lag', labels)?.value, `lag on ${key}`).toBe(count);
      expect(find(samples, 'kafka_consumergroup_current_offset', labels)?.value).toBe(
        Number(broker.get(key)!.startOffset),
      );
    }
    expect(
      find(samples, 'kafka_consumergroup_lag_sum', { consumergroup: SHARE, topic: SHARE_TOPIC })?.value,
    ).toBe(sum(SHARE_WAVE_3));
    // The other groups are unaffected.
    expectState(samples, CONSUMER, 'consumer', 'Stable');
    expectState(samples, STREAMS, 'streams', 'Stable');
  });
});
