/**
 * Test workloads on a real broker, built on @platformatic/kafka clients (independent of the adapter under
 * test): topics with N partitions, K records per partition, committed offsets of member-less groups, live
 * group members (classic or KIP-848 `consumer` protocol), deletions. Every wait polls with a deadline.
 *
 * ```ts
 * const w = createWorkload(kafka.bootstrap);
 * await w.createTopic('orders', 3);
 * await w.produce('orders', 10);                       // 10 records in each of the 3 partitions
 * await w.commit('billing', [{ topic: 'orders', partition: 0, offset: 7n }]);
 * const member = await w.startMember({ groupId: 'shipping', topics: ['orders'], protocol: 'consumer' });
 * await w.close();                                     // stops members, closes clients
 * ```
 */
import {
  AclOperations,
  AclPermissionTypes,
  ResourcePatternTypes,
  ResourceTypes,
  Admin,
  Consumer,
  MultipleErrors,
  Producer,
  ProduceAcks,
  stringSerializers,
  type MessagesStream,
} from '@platformatic/kafka';

/** Default deadline of every wait, milliseconds. */
export const WAIT_TIMEOUT_MS = 30_000;

/**
 * Polls `check` every `intervalMs` until it returns a value other than `undefined`/`false`, and returns it.
 * @throws Error with `what` and the last error thrown by `check` when `timeoutMs` passes first.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = WAIT_TIMEOUT_MS, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until `topic` has `partitions` partitions in the metadata, each with a leader. */
export async function waitForLeaders(admin: Admin, topic: string, partitions: number): Promise<void> {
  await waitFor(`leaders of ${topic}`, async () => {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    const info = metadata.topics.get(topic);
    return (
      info !== undefined && info.partitionsCount === partitions && info.partitions.every((p) => p.leader >= 0)
    );
  });
}

/** One partition offset to commit. */
export interface OffsetToCommit {
  topic: string;
  partition: number;
  /** The next offset the group would consume. */
  offset: bigint;
}

/** A live group member; it keeps its membership (heartbeats) until {@link GroupMember.stop}. */
export interface GroupMember {
  groupId: string;
  memberId: string;
  clientId: string;
  /** The partitions assigned to this member, sorted by topic then partition. */
  assignment: { topic: string; partition: number }[];
  /** Leaves the group and closes the consumer. Idempotent. */
  stop(): Promise<void>;
}

export interface StartMemberOptions {
  groupId: string;
  topics: string[];
  /** `classic` (JoinGroup/SyncGroup, default) or `consumer` (KIP-848 ConsumerGroupHeartbeat). */
  protocol?: 'classic' | 'consumer';
  /** Waits until the member owns this many partitions; default: every partition of `topics`. */
  expectedPartitions?: number;
}

export interface Workload {
  /** Creates a topic and waits until every partition has a leader. */
  createTopic(name: string, partitions: number, replicas?: number): Promise<void>;
  /**
   * Produces `perPartition` records to each partition (a number for all, or one count per partition) with
   * an idempotent producer (acks=all), then checks that each high watermark grew by exactly that count.
   * @throws Error when a partition received a different number of records.
   */
  produce(topic: string, perPartition: number | number[]): Promise<void>;
  /** Commits offsets for `groupId` without joining it (OffsetCommit with generation -1: an empty group). */
  commit(groupId: string, offsets: OffsetToCommit[]): Promise<void>;
  /** DeleteRecords: moves the log-start offset of one partition to `beforeOffset`. */
  deleteRecords(topic: string, partition: number, beforeOffset: bigint): Promise<void>;
  /** Starts a consumer that joins `groupId`, consumes without committing, and waits for its assignment. */
  startMember(options: StartMemberOptions): Promise<GroupMember>;
  /**
   * Denies every operation on `groupId` to `principal` (default `User:ANONYMOUS`, the principal of
   * PLAINTEXT clients) with a DENY ACL, and waits until the broker enforces it. Needs a broker started with
   * `authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer` and
   * `allow.everyone.if.no.acl.found=true`; the workload itself then loses access to the group too.
   */
  denyGroup(groupId: string, principal?: string): Promise<void>;
  /** Deletes groups (they must be empty). */
  deleteGroups(groupIds: string[]): Promise<void>;
  /** Deletes topics and waits until Metadata no longer lists them. */
  deleteTopics(names: string[]): Promise<void>;
  /** The admin client the workload uses, for ad-hoc checks. */
  readonly admin: Admin;
  /** Stops every member, closes every client. Idempotent. */
  close(): Promise<void>;
}

let sequence = 0;

/** Creates the workload clients for one cluster (`bootstrap` = `host:port`). Nothing connects before the first call. */
export function createWorkload(bootstrap: string): Workload {
  const clientId = `lagwatch-workload-${process.pid}-${sequence++}`;
  const admin = new Admin({ clientId, bootstrapBrokers: [bootstrap], retries: 5, retryDelay: 200 });
  const producer = new Producer({
    clientId: `${clientId}-producer`,
    bootstrapBrokers: [bootstrap],
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
    // platformatic re-sends a whole Produce request when one of its partitions fails (e.g. a leader not
    // known yet right after topic creation); idempotence makes the broker drop the re-sent batches, so
    // "K records" stays K.
    idempotent: true,
    retries: 5,
    retryDelay: 200,
  });
  const members = new Set<GroupMember>();
  let closed: Promise<void> | undefined;

  async function partitionCount(topic: string): Promise<number> {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    const info = metadata.topics.get(topic);
    if (!info) throw new Error(`topic ${topic} not in metadata`);
    return info.partitionsCount;
  }

  async function highWatermarks(topic: string, partitions: number): Promise<bigint[]> {
    const [answer] = await admin.listOffsets({
      topics: [
        {
          name: topic,
          partitions: Array.from({ length: partitions }, (_, p) => ({ partitionIndex: p, timestamp: -1n })),
        },
      ],
    });
    const offsets = Array.from({ length: partitions }, () => 0n);
    for (const p of answer?.partitions ?? []) offsets[p.partitionIndex] = p.offset;
    return offsets;
  }

  return {
    admin,

    async createTopic(name, partitions, replicas = 1) {
      await admin.createTopics({ topics: [name], partitions, replicas });
      await waitForLeaders(admin, name, partitions);
    },

    async produce(topic, perPartition) {
      const count = await partitionCount(topic);
      const counts =
        typeof perPartition === 'number' ? Array.from({ length: count }, () => perPartition) : perPartition;
      const messages = counts.flatMap((n, partition) =>
        Array.from({ length: n }, (_, i) => ({
          topic,
          partition,
          key: `k${i}`,
          value: `${topic}/${partition}/${i}`,
        })),
      );
      if (messages.length === 0) return;
      const before = await highWatermarks(topic, counts.length);
      await producer.send({ messages });
      const after = await highWatermarks(topic, counts.length);
      counts.forEach((n, partition) => {
        const written = (after[partition] ?? 0n) - (before[partition] ?? 0n);
        if (written !== BigInt(n)) {
          throw new Error(`produced ${written} records to ${topic}-${partition} instead of ${n}`);
        }
      });
    },

    async commit(groupId, offsets) {
      const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
      for (const { topic, partition, offset } of offsets) {
        const list = byTopic.get(topic) ?? [];
        list.push({ partition, offset });
        byTopic.set(topic, list);
      }
      await admin.alterConsumerGroupOffsets({
        groupId,
        topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })),
      });
    },

    async deleteRecords(topic, partition, beforeOffset) {
      await admin.deleteRecords({
        topics: [{ name: topic, partitions: [{ partition, offset: beforeOffset }] }],
      });
    },

    async startMember({ groupId, topics, protocol = 'classic', expectedPartitions }) {
      let expected = expectedPartitions;
      if (expected === undefined) {
        expected = 0;
        for (const topic of topics) expected += await partitionCount(topic);
      }
      const memberClientId = `${clientId}-member-${sequence++}`;
      const consumer =
        protocol === 'consumer'
          ? new Consumer({
              clientId: memberClientId,
              bootstrapBrokers: [bootstrap],
              groupId,
              groupProtocol: 'consumer',
            })
          : new Consumer({
              clientId: memberClientId,
              bootstrapBrokers: [bootstrap],
              groupId,
              sessionTimeout: 20_000,
              heartbeatInterval: 500,
            });
      let stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
      let stopped: Promise<void> | undefined;
      const stop = (): Promise<void> => {
        stopped ??= (async () => {
          members.delete(member);
          if (stream) await stream.close().catch(() => undefined);
          await new Promise<void>((resolve) => consumer.close(true, () => resolve()));
        })();
        return stopped;
      };
      const member: GroupMember = { groupId, memberId: '', clientId: memberClientId, assignment: [], stop };
      members.add(member);
      try {
        stream = await consumer.consume({ topics, mode: 'earliest', autocommit: false });
        stream.on('data', () => undefined);
        stream.on('error', () => undefined);
        const owned = expected;
        const assignment = await waitFor(`assignment of a member of ${groupId}`, () => {
          const list = (consumer.assignments ?? []).flatMap(({ topic, partitions }) =>
            partitions.map((partition) => ({ topic, partition })),
          );
          return list.length === owned ? list : undefined;
        });
        member.memberId = consumer.memberId ?? '';
        member.assignment = assignment.sort((a, b) =>
          a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
        );
        return member;
      } catch (error) {
        await stop();
        throw error;
      }
    },

    async denyGroup(groupId, principal = 'User:ANONYMOUS') {
      await admin.createAcls({
        creations: [
          {
            resourceType: ResourceTypes.GROUP,
            resourceName: groupId,
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal,
            host: '*',
            operation: AclOperations.ALL,
            permissionType: AclPermissionTypes.DENY,
          },
        ],
      });
      await waitFor(`the DENY ACL on ${groupId}`, async () => {
        try {
          await admin.listConsumerGroupOffsets({ groups: [groupId] });
          return false;
        } catch (error) {
          // MultipleErrors > ResponseError (FindCoordinator) > ProtocolError with apiCode 30.
          return error instanceof MultipleErrors && error.findBy('apiCode', 30) !== null;
        }
      });
    },

    async deleteGroups(groupIds) {
      if (groupIds.length > 0) await admin.deleteGroups({ groups: groupIds });
    },

    async deleteTopics(names) {
      if (names.length === 0) return;
      await admin.deleteTopics({ topics: names });
      await waitFor(`deletion of ${names.join(', ')}`, async () => {
        const listed = new Set(await admin.listTopics());
        return names.every((name) => !listed.has(name));
      });
    },

    close() {
      closed ??= (async () => {
        await Promise.all([...members].map((m) => m.stop()));
        await producer.close().catch(() => undefined);
        await admin.close().catch(() => undefined);
      })();
      return closed;
    },
  };
}
