/**
 * The Kafka port's contract for every Kafka 4.x group type, run against every adapter and ONE real broker
 * (Apache Kafka 4.3.1, KRaft; `share.version=1` and `streams.version=1` are finalised at format, see
 * test/support/broker.ts).
 *
 * Fixtures, all real clients, built once in beforeAll; every adapter then only reads:
 * - a classic group and a KIP-848 `consumer` group, one live @platformatic/kafka member each (workload.ts);
 * - a share group (KIP-932) with one live KafkaShareConsumer (Java, test/support/java/ShareConsume.java)
 *   that accepts every record of SHARE_TOPIC: wave 1 (4, 7, 10 records), then wave 2 (1 record each);
 * - a streams group (KIP-1071): a Kafka Streams application with `group.protocol=streams` (Java,
 *   test/support/java/StreamsApp.java) that read all of STREAMS_TOPIC (3, 5, 8 records) and committed.
 *
 * Share-group start offsets on Kafka 4.3.1: the share-partition start offset that DescribeShareGroupOffsets
 * reports is the one the share-partition leader last persisted, and it persists the start offset of the
 * moment an acknowledgement is written, before that acknowledgement advances it. So after wave 1 is fully
 * acknowledged the reported start offset is still 0 on every partition (with `lag` 0: KIP-1226 counts the
 * completed deliveries beyond the start offset); the acknowledgement of wave 2 persists the start offset
 * that wave 1's acknowledgement reached, i.e. the wave-1 counts (4, 7, 10), again with `lag` 0. The test
 * asserts that second, deterministic state.
 *
 * Where an adapter cannot do something, its profile (AdapterProfile in test/support/contract.ts) says so and
 * the test asserts that documented behaviour instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaErrorCode } from '../../src/kafka/errors.js';
import type { GroupListing, TopicPartition } from '../../src/kafka/port.js';
import { startKafka, type KafkaTestCluster } from '../support/broker.js';
import { ADAPTER_PROFILES, contractAdmins, countsDelta, described, suiteAdmin } from '../support/contract.js';
import {
  countAtLeast,
  startShareConsumer,
  startStreamsApp,
  type JavaClient,
} from '../support/java-clients.js';
import { createWorkload, waitFor, type GroupMember, type Workload } from '../support/workload.js';

const RUN = `${process.pid}-${Date.now().toString(36)}`;
/** Topic of the classic and the `consumer` group; 3 partitions. */
const TOPIC = `lw-gt-${RUN}`;
/** Topic of the share group; 3 partitions: wave 1, then wave 2 once wave 1 is acknowledged. */
const SHARE_TOPIC = `lw-gt-share-${RUN}`;
const SHARE_WAVE_1 = [4, 7, 10];
const SHARE_WAVE_2 = [1, 1, 1];
const SHARE_TOTAL = [...SHARE_WAVE_1, ...SHARE_WAVE_2].reduce((a, b) => a + b, 0);
/** Topic of the streams group; 3 partitions. */
const STREAMS_TOPIC = `lw-gt-streams-${RUN}`;
const STREAMS_COUNTS = [3, 5, 8];

const CLASSIC_GROUP = `lw-gt-classic-${RUN}`;
const CONSUMER_GROUP = `lw-gt-consumer-${RUN}`;
const SHARE_GROUP = `lw-gt-share-${RUN}`;
const SHARE_CLIENT_ID = `lw-gt-share-client-${RUN}`;
/** The Streams `application.id`, i.e. the streams group id. */
const STREAMS_GROUP = `lw-gt-streams-${RUN}`;
const STREAMS_CLIENT_ID = `lw-gt-streams-client-${RUN}`;
/** Never created. */
const UNKNOWN_GROUP = `lw-gt-unknown-${RUN}`;

const ALL_PARTITIONS = (topic: string): TopicPartition[] =>
  [0, 1, 2].map((partition) => ({ topic, partition }));

let kafka: KafkaTestCluster;
let workload: Workload;
let classicMember: GroupMember;
let consumerMember: GroupMember;
let shareConsumer: JavaClient;
let streamsApp: JavaClient;

const { adminFor } = contractAdmins('group-types', () => kafka.bootstrap);

beforeAll(async () => {
  kafka = await startKafka({ nodes: 1 });
  workload = createWorkload(kafka.bootstrap);

  await workload.createTopic(TOPIC, 3);
  await workload.createTopic(SHARE_TOPIC, 3);
  await workload.produce(SHARE_TOPIC, SHARE_WAVE_1);
  await workload.createTopic(STREAMS_TOPIC, 3);
  await workload.produce(STREAMS_TOPIC, STREAMS_COUNTS);

  // The JVM clients start while the Node members join.
  const starting = Promise.all([
    startShareConsumer({
      bootstrap: kafka.bootstrap,
      groupId: SHARE_GROUP,
      topic: SHARE_TOPIC,
      clientId: SHARE_CLIENT_ID,
      acceptRecords: SHARE_WAVE_1.reduce((a, b) => a + b, 0),
    }),
    startStreamsApp({
      bootstrap: kafka.bootstrap,
      applicationId: STREAMS_GROUP,
      sourceTopic: STREAMS_TOPIC,
      clientId: STREAMS_CLIENT_ID,
      processRecords: STREAMS_COUNTS.reduce((a, b) => a + b, 0),
    }),
  ]);
  classicMember = await workload.startMember({ groupId: CLASSIC_GROUP, topics: [TOPIC] });
  consumerMember = await workload.startMember({
    groupId: CONSUMER_GROUP,
    topics: [TOPIC],
    protocol: 'consumer',
  });
  [shareConsumer, streamsApp] = await starting;

  // Wave 2, acknowledged after wave 1: its acknowledgement persists the start offsets wave 1 reached.
  await workload.produce(SHARE_TOPIC, SHARE_WAVE_2);
  await shareConsumer.waitForLine(countAtLeast('ACKED', SHARE_TOTAL), 30_000);

  // Streams commits every 100 ms; wait until everything it read is committed.
  await waitFor('the streams group to commit all of STREAMS_TOPIC', async () => {
    const [answer] = await workload.admin.listConsumerGroupOffsets({ groups: [STREAMS_GROUP] });
    const committed = answer?.topics.find((t) => t.name === STREAMS_TOPIC)?.partitions ?? [];
    return STREAMS_COUNTS.every(
      (count, partition) =>
        committed.find((p) => p.partitionIndex === partition)?.committedOffset === BigInt(count),
    );
  });
  await waitFor('all four groups Stable', async () => {
    const groups = await workload.admin.listGroups({ types: ['classic', 'consumer', 'share', 'streams'] });
    return [CLASSIC_GROUP, CONSUMER_GROUP, SHARE_GROUP, STREAMS_GROUP].every(
      (id) => groups.get(id)?.state === 'STABLE',
    );
  });
});

afterAll(async () => {
  await Promise.all([shareConsumer?.stop(), streamsApp?.stop()]);
  await workload?.close();
  await kafka?.stop();
});

describe.each(ADAPTER_PROFILES)('Kafka 4.x group types: $client', (profile) => {
  const admin = suiteAdmin(() => adminFor(profile.client));

  /** The adapter's own listGroups(), by group id. */
  async function listings(): Promise<Map<string, GroupListing>> {
    return new Map((await admin.listGroups()).map((g) => [g.groupId, g]));
  }

  it('listGroups: each group once, with its type and state where the client can read them', async () => {
    const groups = await listings();
    const expected: [string, GroupListing][] = [
      [CLASSIC_GROUP, { groupId: CLASSIC_GROUP, type: 'classic', state: 'Stable', protocolType: 'consumer' }],
      [
        CONSUMER_GROUP,
        { groupId: CONSUMER_GROUP, type: 'consumer', state: 'Stable', protocolType: 'consumer' },
      ],
      [SHARE_GROUP, { groupId: SHARE_GROUP, type: 'share', state: 'Stable', protocolType: 'share' }],
      [STREAMS_GROUP, { groupId: STREAMS_GROUP, type: 'streams', state: 'Stable', protocolType: 'streams' }],
    ];
    for (const [id, listing] of expected) {
      if (profile.listsGroupTypeAndState) {
        expect(groups.get(id), id).toEqual(listing);
      } else {
        expect(groups.get(id), id).toEqual({ groupId: id, protocolType: listing.protocolType });
      }
    }
  });

  it('describeGroups: state, members, client ids and assignments of every group type, in one batch', async () => {
    const typed: GroupListing[] = [
      { groupId: CLASSIC_GROUP, type: 'classic', protocolType: 'consumer' },
      { groupId: CONSUMER_GROUP, type: 'consumer', protocolType: 'consumer' },
      { groupId: SHARE_GROUP, type: 'share', protocolType: 'share' },
      { groupId: STREAMS_GROUP, type: 'streams', protocolType: 'streams' },
    ];
    const before = admin.requestCounts();
    const result = await admin.describeGroups(typed);
    const delta = countsDelta(before, admin.requestCounts());
    expect([...result.keys()].sort()).toEqual(typed.map((g) => g.groupId).sort());

    expect(described(result.get(CLASSIC_GROUP))).toMatchObject({
      state: 'Stable',
      members: [
        {
          memberId: classicMember.memberId,
          clientId: classicMember.clientId,
          assignment: classicMember.assignment,
        },
      ],
    });

    const consumer = described(result.get(CONSUMER_GROUP));
    if (profile.describesConsumerGroups) {
      expect(consumer).toMatchObject({ type: 'consumer', state: 'Stable' });
      expect(consumer.members.map((m) => [m.memberId, m.clientId])).toEqual([
        [consumerMember.memberId, consumerMember.clientId],
      ]);
      expect(consumer.members[0]?.assignment).toEqual(consumerMember.assignment);
    } else {
      // DescribeGroups cannot see KIP-848 groups.
      expect(consumer).toMatchObject({ state: 'Dead', members: [] });
    }

    if (profile.describesShareAndStreams === 'described') {
      const share = described(result.get(SHARE_GROUP));
      expect(share).toEqual({
        groupId: SHARE_GROUP,
        type: 'share',
        state: 'Stable',
        protocolType: 'share',
        // The share group's server-side assignor.
        protocol: 'simple',
        members: [
          {
            memberId: expect.any(String) as string,
            groupInstanceId: null,
            clientId: SHARE_CLIENT_ID,
            clientHost: '/127.0.0.1',
            assignment: ALL_PARTITIONS(SHARE_TOPIC),
          },
        ],
      });

      const streams = described(result.get(STREAMS_GROUP));
      expect(streams).toEqual({
        groupId: STREAMS_GROUP,
        type: 'streams',
        state: 'Stable',
        protocolType: 'streams',
        protocol: '',
        members: [
          {
            memberId: expect.any(String) as string,
            groupInstanceId: null,
            // Streams names its consumer `<client.id>-StreamThread-<n>-consumer`.
            clientId: `${STREAMS_CLIENT_ID}-StreamThread-1-consumer`,
            clientHost: '/127.0.0.1',
            // Active tasks 0_0, 0_1, 0_2 of sub-topology 0, whose source topic is STREAMS_TOPIC.
            assignment: ALL_PARTITIONS(STREAMS_TOPIC),
          },
        ],
      });
    } else {
      for (const [id, api] of [
        [SHARE_GROUP, 'ShareGroupDescribe'],
        [STREAMS_GROUP, 'StreamsGroupDescribe'],
      ] as const) {
        expect(result.get(id), id).toEqual({
          ok: false,
          error: {
            code: KafkaErrorCode.UNSUPPORTED_VERSION,
            name: 'UNSUPPORTED_VERSION',
            message: expect.stringContaining(api) as string,
          },
        });
      }
    }

    if (profile.groupTypeRequests.describeGroups)
      expect(delta).toEqual(profile.groupTypeRequests.describeGroups);
  });

  it('describeGroups of the listings the adapter made itself', async () => {
    const groups = await listings();
    const ids = [CLASSIC_GROUP, CONSUMER_GROUP, SHARE_GROUP, STREAMS_GROUP];
    const result = await admin.describeGroups(ids.map((id) => groups.get(id) as GroupListing));
    expect([...result.keys()].sort()).toEqual([...ids].sort());
    for (const id of [SHARE_GROUP, STREAMS_GROUP]) {
      if (profile.listsGroupTypeAndState) {
        expect(described(result.get(id))).toMatchObject({ state: 'Stable', members: [{}] });
      } else {
        // Untyped listings go to DescribeGroups, which cannot see share and streams groups.
        expect(described(result.get(id))).toMatchObject({ state: 'Dead', members: [] });
      }
    }
  });

  it('describeGroups: an unknown id or a group of another type is an item error, not a failed batch', async () => {
    const result = await admin.describeGroups([
      { groupId: UNKNOWN_GROUP, type: 'share', protocolType: 'share' },
      { groupId: SHARE_GROUP, type: 'streams', protocolType: 'streams' },
      { groupId: STREAMS_GROUP, type: 'streams', protocolType: 'streams' },
    ]);
    expect(result.size).toBe(3);
    if (profile.describesShareAndStreams === 'described') {
      expect(result.get(UNKNOWN_GROUP)).toEqual({
        ok: false,
        error: { code: 69, name: 'GROUP_ID_NOT_FOUND', message: `Group ${UNKNOWN_GROUP} not found.` },
      });
      // SHARE_GROUP asked for as a streams group.
      expect(result.get(SHARE_GROUP)).toEqual({
        ok: false,
        error: {
          code: 69,
          name: 'GROUP_ID_NOT_FOUND',
          message: `Group ${SHARE_GROUP} is not a streams group.`,
        },
      });
      expect(described(result.get(STREAMS_GROUP))).toMatchObject({ state: 'Stable' });
    } else {
      for (const id of [UNKNOWN_GROUP, SHARE_GROUP, STREAMS_GROUP]) {
        expect(result.get(id)).toMatchObject({
          ok: false,
          error: { code: KafkaErrorCode.UNSUPPORTED_VERSION },
        });
      }
    }
  });

  it('fetchShareGroupOffsets: start offsets persisted by the acknowledgements, the broker lag', async () => {
    const before = admin.requestCounts();
    const result = await admin.fetchShareGroupOffsets([SHARE_GROUP, STREAMS_GROUP, UNKNOWN_GROUP]);
    const delta = countsDelta(before, admin.requestCounts());
    expect([...result.keys()].sort()).toEqual([SHARE_GROUP, STREAMS_GROUP, UNKNOWN_GROUP].sort());
    if (profile.fetchesShareGroupOffsets) {
      expect(result.get(SHARE_GROUP)).toEqual({
        ok: true,
        // See the module comment: the wave-1 counts, and no record left to deliver (KIP-1226 lag, v1).
        value: SHARE_WAVE_1.map((count, partition) => ({
          topic: SHARE_TOPIC,
          partition,
          startOffset: BigInt(count),
          lag: 0n,
        })),
      });
      // A group without share-partition state (a streams group, an unknown id): no partitions, no error.
      expect(result.get(STREAMS_GROUP)).toEqual({ ok: true, value: [] });
      expect(result.get(UNKNOWN_GROUP)).toEqual({ ok: true, value: [] });
    } else {
      for (const id of [SHARE_GROUP, STREAMS_GROUP, UNKNOWN_GROUP]) {
        expect(result.get(id)).toEqual({
          ok: false,
          error: {
            code: KafkaErrorCode.UNSUPPORTED_VERSION,
            name: 'UNSUPPORTED_VERSION',
            message: expect.stringContaining('DescribeShareGroupOffsets') as string,
          },
        });
      }
    }
    expect(delta).toEqual(profile.groupTypeRequests.fetchShareGroupOffsets);
  });

  it('fetchCommittedOffsets: the streams group commits like any consumer; the share group has none', async () => {
    const result = await admin.fetchCommittedOffsets([STREAMS_GROUP, SHARE_GROUP]);
    expect(result.get(STREAMS_GROUP)).toEqual({
      ok: true,
      value: STREAMS_COUNTS.map((count, partition) => ({
        topic: STREAMS_TOPIC,
        partition,
        offset: BigInt(count),
      })),
    });
    expect(result.get(SHARE_GROUP)).toEqual({ ok: true, value: [] });
  });
});
