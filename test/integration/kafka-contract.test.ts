/**
 * The contract of the Kafka port (src/kafka/port.ts), run against every adapter and ONE real broker.
 *
 * The broker is shared: fixtures are built once (beforeAll), every adapter then only reads. All expected
 * values are what the broker was made to hold: K records produced → latest offset K; DeleteRecords before
 * offset 4 → earliest 4; offsets committed → exactly those offsets; live members → their assignments.
 *
 * Where an adapter cannot do something (kafkajs: no group type or state, no KIP-848 describe, …), its
 * profile (AdapterProfile in test/support/contract.ts) says so and the test asserts that documented behaviour
 * instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupListing, PartitionOffset } from '../../src/kafka/port.js';
import { startKafka, type KafkaTestCluster } from '../support/broker.js';
import {
  ACL_BROKER,
  ADAPTER_PROFILES,
  contractAdmins,
  countsDelta,
  described,
  suiteAdmin,
} from '../support/contract.js';
import { createWorkload, waitFor, type GroupMember, type Workload } from '../support/workload.js';

const RUN = `${process.pid}-${Date.now().toString(36)}`;
/** Topic with 3 partitions holding 5, 8 and 13 records. */
const TOPIC = `lw-contract-${RUN}`;
const TOPIC_COUNTS = [5, 8, 13];
/** Topic with 1 partition, 10 records, records before offset 4 deleted. */
const TRUNCATED = `lw-truncated-${RUN}`;
/** Topic created and deleted again before the adapters run. */
const DELETED = `lw-deleted-${RUN}`;
/** Member-less group with offsets committed on partitions 0 and 2 of TOPIC. */
const COMMITTED_GROUP = `lw-committed-${RUN}`;
const COMMITTED = [
  { topic: TOPIC, partition: 0, offset: 3n },
  { topic: TOPIC, partition: 2, offset: 11n },
];
/** Classic group with one live member on TOPIC, nothing committed. */
const CLASSIC_GROUP = `lw-classic-${RUN}`;
/** KIP-848 `consumer` group with one live member on TOPIC, nothing committed. */
const CONSUMER_GROUP = `lw-consumer-${RUN}`;
/** Member-less group with a commit, then a DENY ACL for this client's principal. */
const FORBIDDEN_GROUP = `lw-forbidden-${RUN}`;
/** Never created. */
const UNKNOWN_GROUP = `lw-unknown-${RUN}`;

let kafka: KafkaTestCluster;
let workload: Workload;
let classicMember: GroupMember;
let consumerMember: GroupMember;

const { adminFor, unreachableAdminFor } = contractAdmins('contract', () => kafka.bootstrap);

function byPartition(offsets: PartitionOffset[]): Map<string, PartitionOffset> {
  return new Map(offsets.map((o) => [`${o.topic}:${o.partition}`, o]));
}

beforeAll(async () => {
  // ACLs only where a test adds one (the DENY on FORBIDDEN_GROUP).
  kafka = await startKafka(ACL_BROKER);
  workload = createWorkload(kafka.bootstrap);

  await workload.createTopic(TOPIC, 3);
  await workload.produce(TOPIC, TOPIC_COUNTS);
  await workload.createTopic(TRUNCATED, 1);
  await workload.produce(TRUNCATED, 10);
  await workload.deleteRecords(TRUNCATED, 0, 4n);
  await workload.createTopic(DELETED, 2);
  await workload.produce(DELETED, 1);
  await workload.deleteTopics([DELETED]);

  await workload.commit(COMMITTED_GROUP, COMMITTED);
  await workload.commit(FORBIDDEN_GROUP, COMMITTED);
  await workload.denyGroup(FORBIDDEN_GROUP);
  classicMember = await workload.startMember({ groupId: CLASSIC_GROUP, topics: [TOPIC] });
  consumerMember = await workload.startMember({
    groupId: CONSUMER_GROUP,
    topics: [TOPIC],
    protocol: 'consumer',
  });
  // Both groups settle (all members reconciled) before any adapter looks at them.
  await waitFor('both live groups Stable', async () => {
    const groups = await workload.admin.listGroups({ types: ['classic', 'consumer'] });
    return groups.get(CLASSIC_GROUP)?.state === 'STABLE' && groups.get(CONSUMER_GROUP)?.state === 'STABLE';
  });
});

afterAll(async () => {
  await workload?.close();
  await kafka?.stop();
});

describe.each(ADAPTER_PROFILES)('KafkaAdminPort contract: $client', (profile) => {
  const admin = suiteAdmin(() => adminFor(profile.client));

  it('names its client', () => {
    expect(admin.client).toBe(profile.client);
  });

  it('describeCluster reports the cluster id, controller, broker and every topic with its replicas', async () => {
    const cluster = await admin.describeCluster();
    const [host, port] = kafka.bootstrap.split(':');

    expect(cluster.clusterId).toBe(kafka.clusterId);
    expect(cluster.controllerId).toBe(1);
    expect(cluster.brokers).toEqual([{ id: 1, host, port: Number(port), rack: null }]);

    const names = cluster.topics.map((t) => t.name);
    expect(names).toEqual([...names].sort());
    expect(names).not.toContain(DELETED);

    const topic = cluster.topics.find((t) => t.name === TOPIC);
    expect(topic).toMatchObject({
      internal: false,
      partitions: [0, 1, 2].map((partition) => ({
        partition,
        leader: 1,
        replicas: [1],
        isr: [1],
        offlineReplicas: [],
      })),
    });
    expect(topic?.error).toBeUndefined();
    if (profile.reportsTopicIds) expect(topic?.topicId).toMatch(/^[0-9a-f-]{36}$/);
    else expect(topic?.topicId).toBeNull();

    // The first group call created the offsets topic; it is listed and marked internal.
    expect(cluster.topics.find((t) => t.name === '__consumer_offsets')).toMatchObject({ internal: true });
  });

  it('listOffsets returns the high watermark (latest) and log-start offset (earliest) of each partition', async () => {
    const partitions = [
      ...TOPIC_COUNTS.map((_, partition) => ({ topic: TOPIC, partition })),
      { topic: TRUNCATED, partition: 0 },
    ];
    const latest = byPartition(await admin.listOffsets(partitions, 'latest'));
    const earliest = byPartition(await admin.listOffsets(partitions, 'earliest'));

    expect(latest.size).toBe(4);
    expect(earliest.size).toBe(4);
    TOPIC_COUNTS.forEach((count, partition) => {
      expect(latest.get(`${TOPIC}:${partition}`)).toEqual({ topic: TOPIC, partition, offset: BigInt(count) });
      expect(earliest.get(`${TOPIC}:${partition}`)).toEqual({ topic: TOPIC, partition, offset: 0n });
    });
    expect(latest.get(`${TRUNCATED}:0`)).toEqual({ topic: TRUNCATED, partition: 0, offset: 10n });
    expect(earliest.get(`${TRUNCATED}:0`)).toEqual({ topic: TRUNCATED, partition: 0, offset: 4n });
  });

  it('listOffsets gives item errors for a deleted topic and a missing partition, values for the rest', async () => {
    const result = byPartition(
      await admin.listOffsets(
        [
          { topic: TOPIC, partition: 1 },
          { topic: DELETED, partition: 0 },
          { topic: DELETED, partition: 1 },
          { topic: TOPIC, partition: 7 },
        ],
        'latest',
      ),
    );
    expect(result.size).toBe(4);
    expect(result.get(`${TOPIC}:1`)).toEqual({ topic: TOPIC, partition: 1, offset: 8n });
    for (const key of [`${DELETED}:0`, `${DELETED}:1`, `${TOPIC}:7`]) {
      expect(result.get(key)).toMatchObject({ error: { code: 3, name: 'UNKNOWN_TOPIC_OR_PARTITION' } });
    }
  });

  it('listGroups lists every group once, with type and state where the client can read them', async () => {
    const groups = await admin.listGroups();
    const ids = groups.map((g) => g.groupId);
    expect(new Set(ids).size).toBe(ids.length);

    const find = (id: string): GroupListing | undefined => groups.find((g) => g.groupId === id);
    expect(find(UNKNOWN_GROUP)).toBeUndefined();
    expect(find(CLASSIC_GROUP)).toMatchObject({ protocolType: 'consumer' });
    // A group that only has commits was created by OffsetCommit: no protocol type.
    expect(find(COMMITTED_GROUP)).toMatchObject({ protocolType: '' });
    expect(find(CONSUMER_GROUP)).toBeDefined();

    if (profile.listsGroupTypeAndState) {
      expect(find(CLASSIC_GROUP)).toMatchObject({ type: 'classic', state: 'Stable' });
      expect(find(COMMITTED_GROUP)).toMatchObject({ type: 'classic', state: 'Empty' });
      expect(find(CONSUMER_GROUP)).toMatchObject({
        type: 'consumer',
        state: 'Stable',
        protocolType: 'consumer',
      });
    } else {
      for (const id of [CLASSIC_GROUP, COMMITTED_GROUP, CONSUMER_GROUP]) {
        expect(find(id)?.type).toBeUndefined();
        expect(find(id)?.state).toBeUndefined();
      }
    }
  });

  it('describeGroups describes members with their assignments, per group, in one batch', async () => {
    const listed = await admin.listGroups();
    const listing = (id: string): GroupListing => {
      const found = listed.find((g) => g.groupId === id);
      if (!found) throw new Error(`${id} not listed`);
      return found;
    };
    const result = await admin.describeGroups([
      listing(CLASSIC_GROUP),
      listing(CONSUMER_GROUP),
      listing(COMMITTED_GROUP),
      { groupId: UNKNOWN_GROUP, protocolType: 'consumer' },
    ]);
    expect([...result.keys()].sort()).toEqual(
      [CLASSIC_GROUP, COMMITTED_GROUP, CONSUMER_GROUP, UNKNOWN_GROUP].sort(),
    );

    const classic = described(result.get(CLASSIC_GROUP));
    expect(classic).toMatchObject({
      groupId: CLASSIC_GROUP,
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'roundrobin',
    });
    expect(classic.members).toEqual([
      {
        memberId: classicMember.memberId,
        groupInstanceId: null,
        clientId: classicMember.clientId,
        clientHost: '/127.0.0.1',
        assignment: classicMember.assignment,
      },
    ]);

    expect(described(result.get(COMMITTED_GROUP))).toMatchObject({
      state: 'Empty',
      protocolType: '',
      members: [],
    });
    // An unknown id in a batch does not fail the others: DescribeGroups reports it `Dead` without members.
    expect(described(result.get(UNKNOWN_GROUP))).toMatchObject({ state: 'Dead', members: [] });

    const consumer = described(result.get(CONSUMER_GROUP));
    if (profile.describesConsumerGroups) {
      expect(consumer).toMatchObject({
        groupId: CONSUMER_GROUP,
        type: 'consumer',
        state: 'Stable',
        protocol: 'uniform',
      });
      expect(consumer.members).toHaveLength(1);
      expect(consumer.members[0]).toMatchObject({
        memberId: consumerMember.memberId,
        groupInstanceId: null,
        clientId: consumerMember.clientId,
        clientHost: '/127.0.0.1',
      });
      const assignment = [...(consumer.members[0]?.assignment ?? [])].sort(
        (a, b) => a.partition - b.partition,
      );
      expect(assignment).toEqual(consumerMember.assignment);
    } else {
      // Documented gap: DescribeGroups cannot see KIP-848 groups.
      expect(consumer).toMatchObject({ state: 'Dead', members: [] });
    }
  });

  it('describeGroups handles group types it cannot describe per item', async () => {
    const result = await admin.describeGroups([
      { groupId: `${UNKNOWN_GROUP}-share`, protocolType: 'share', type: 'share' },
      { groupId: UNKNOWN_GROUP, protocolType: 'consumer', type: 'consumer' },
    ]);
    expect(result.size).toBe(2);
    const share = result.get(`${UNKNOWN_GROUP}-share`);
    expect(share).toMatchObject({ ok: false, error: profile.unknownShareGroupError });
    const unknown = result.get(UNKNOWN_GROUP);
    if (profile.describesConsumerGroups) {
      // ConsumerGroupDescribe answers an unknown id with GROUP_ID_NOT_FOUND.
      expect(unknown).toMatchObject({ ok: false, error: { code: 69, name: 'GROUP_ID_NOT_FOUND' } });
    } else {
      expect(described(unknown)).toMatchObject({ state: 'Dead', members: [] });
    }
  });

  it('fetchCommittedOffsets returns exactly the committed partitions of each group', async () => {
    const result = await admin.fetchCommittedOffsets([
      COMMITTED_GROUP,
      CLASSIC_GROUP,
      CONSUMER_GROUP,
      UNKNOWN_GROUP,
    ]);
    expect([...result.keys()].sort()).toEqual(
      [CLASSIC_GROUP, COMMITTED_GROUP, CONSUMER_GROUP, UNKNOWN_GROUP].sort(),
    );
    // Partition 1 has no commit: absent, never -1.
    expect(result.get(COMMITTED_GROUP)).toEqual({ ok: true, value: COMMITTED });
    // Members that consume without committing, and an unknown group, have no committed offsets.
    expect(result.get(CLASSIC_GROUP)).toEqual({ ok: true, value: [] });
    expect(result.get(CONSUMER_GROUP)).toEqual({ ok: true, value: [] });
    expect(result.get(UNKNOWN_GROUP)).toEqual({ ok: true, value: [] });
  });

  it('requestCounts counts the requests of each call at the wire', async () => {
    const fresh = adminFor(profile.client);
    try {
      expect(fresh.requestCounts().size).toBe(0);
      const expectations = profile.requests;
      const check = async (name: string, expected: Record<string, number>, call: () => Promise<unknown>) => {
        const before = fresh.requestCounts();
        await call();
        const delta = countsDelta(before, fresh.requestCounts());
        if (expectations.exact) {
          expect(delta, name).toEqual(expected);
        } else {
          // At least the listed requests; nothing else but connection set-up (ApiVersions on a new connection).
          for (const [api, n] of Object.entries(expected))
            expect(delta[api] ?? 0, `${name}: ${api}`).toBeGreaterThanOrEqual(n);
          const unexpected = Object.keys(delta).filter((api) => !(api in expected) && api !== 'ApiVersions');
          expect(unexpected, name).toEqual([]);
        }
        return delta;
      };

      await check('first describeCluster', { ...expectations.first }, () => fresh.describeCluster());
      await check('describeCluster', expectations.describeCluster, () => fresh.describeCluster());
      const partitions = TOPIC_COUNTS.map((_, partition) => ({ topic: TOPIC, partition }));
      await check('listOffsets', expectations.listOffsets, () => fresh.listOffsets(partitions, 'latest'));
      const groups = await fresh.listGroups();
      await check('listGroups', expectations.listGroups, () => fresh.listGroups());
      const listings = groups.filter((g) =>
        [CLASSIC_GROUP, CONSUMER_GROUP, COMMITTED_GROUP].includes(g.groupId),
      );
      await check('describeGroups', expectations.describeGroups, () => fresh.describeGroups(listings));
      await check('fetchCommittedOffsets', expectations.fetchCommittedOffsets, () =>
        fresh.fetchCommittedOffsets([COMMITTED_GROUP, CLASSIC_GROUP, CONSUMER_GROUP, UNKNOWN_GROUP]),
      );
    } finally {
      await fresh.close();
    }
  });

  it('an unauthorised group costs that group only', async () => {
    const offsets = await admin.fetchCommittedOffsets([COMMITTED_GROUP, FORBIDDEN_GROUP]);
    expect(offsets.get(COMMITTED_GROUP)).toEqual({ ok: true, value: COMMITTED });
    expect(offsets.get(FORBIDDEN_GROUP)).toMatchObject({ ok: false, error: profile.groupAuthorizationError });

    const groups = await admin.describeGroups([
      { groupId: COMMITTED_GROUP, protocolType: '' },
      { groupId: FORBIDDEN_GROUP, protocolType: '' },
    ]);
    expect(described(groups.get(COMMITTED_GROUP))).toMatchObject({ state: 'Empty', members: [] });
    expect(groups.get(FORBIDDEN_GROUP)).toMatchObject({ ok: false, error: profile.groupAuthorizationError });

    // ListGroups still lists it: with DESCRIBE on the cluster, Kafka lists every group, describable or not.
    expect((await admin.listGroups()).map((g) => g.groupId)).toContain(FORBIDDEN_GROUP);
  });

  it('fetchCommittedOffsets answers for every group of a large batch, in bounded requests', async () => {
    const unknown = Array.from({ length: 600 }, (_, i) => `${UNKNOWN_GROUP}-${i}`);
    const before = admin.requestCounts();
    const result = await admin.fetchCommittedOffsets([...unknown, COMMITTED_GROUP]);
    const delta = countsDelta(before, admin.requestCounts());

    expect(result.size).toBe(601);
    expect(result.get(COMMITTED_GROUP)).toEqual({ ok: true, value: COMMITTED });
    for (const id of unknown) expect(result.get(id)).toEqual({ ok: true, value: [] });
    const { groupsPerRequest, findCoordinatorPerGroup } = profile.offsetFetch;
    expect(delta['OffsetFetch']).toBe(Math.ceil(601 / groupsPerRequest));
    expect(delta['FindCoordinator']).toBe(findCoordinatorPerGroup ? 601 : 1);
  });

  it('requestCounts ignores other clients in the process', async () => {
    const before = admin.requestCounts();
    const other = adminFor(profile.client);
    try {
      await other.describeCluster();
      await workload.admin.metadata({ topics: [TOPIC], forceUpdate: true });
    } finally {
      await other.close();
    }
    expect(countsDelta(before, admin.requestCounts())).toEqual({});
  });

  it('a call that cannot reach any broker throws instead of returning item errors', async () => {
    const unreachable = unreachableAdminFor(profile.client);
    try {
      await expect(unreachable.describeCluster()).rejects.toThrow();
      await expect(unreachable.listOffsets([{ topic: TOPIC, partition: 0 }], 'latest')).rejects.toThrow();
      await expect(unreachable.listGroups()).rejects.toThrow();
      await expect(unreachable.fetchCommittedOffsets([COMMITTED_GROUP])).rejects.toThrow();
    } finally {
      await unreachable.close();
    }
  });

  it('close is idempotent', async () => {
    const fresh = adminFor(profile.client);
    await fresh.describeCluster();
    await fresh.close();
    await expect(fresh.close()).resolves.toBeUndefined();
  });
});
