/**
 * Shared set-up of the Kafka port contract suites (test/integration/kafka-contract*.test.ts): what each adapter
 * can do ({@link AdapterProfile}, one profile per client), the broker options of the suites that add ACLs, the
 * admins the suites open, and helpers for the answers they check.
 */
import { afterAll, beforeAll } from 'vitest';
import { createKafkaAdmin } from '../../src/kafka/index.js';
import type { GroupDescription, ItemResult, KafkaAdminPort, KafkaClientName } from '../../src/kafka/port.js';
import type { StartKafkaOptions } from './broker.js';

/** What an adapter can do, and the requests each method is expected to send on a 1-node broker. */
export interface AdapterProfile {
  client: KafkaClientName;
  /** ListGroups reports `type` and `state` of every group (v5; `state` from v4), else neither. */
  listsGroupTypeAndState: boolean;
  /** KIP-848 `consumer` groups are described with members (ConsumerGroupDescribe); otherwise `Dead`, no members. */
  describesConsumerGroups: boolean;
  /**
   * How describeGroups answers share and streams groups given with their type: `described` (ShareGroupDescribe,
   * StreamsGroupDescribe) or `unsupported` (an UNSUPPORTED_VERSION item error per group, no request).
   */
  describesShareAndStreams: 'described' | 'unsupported';
  /**
   * The item error for an unknown id listed as a share group: GROUP_ID_NOT_FOUND from ShareGroupDescribe, or
   * UNSUPPORTED_VERSION from a client that cannot send it.
   */
  unknownShareGroupError: { code: number; name: string };
  /** fetchShareGroupOffsets: start offsets (DescribeShareGroupOffsets) or UNSUPPORTED_VERSION per group. */
  fetchesShareGroupOffsets: boolean;
  /** Metadata gives topic ids (v10+). */
  reportsTopicIds: boolean;
  /** The item error of a group this client may not describe (DENY ACL). */
  groupAuthorizationError: { code: number; name: string };
  /** Groups per OffsetFetch request (KIP-709 batching) and whether FindCoordinator is sent per group. */
  offsetFetch: { groupsPerRequest: number; findCoordinatorPerGroup: boolean };
  /**
   * fetchRecordTimestamps reads records (Fetch). When false, every query is answered with
   * {@link recordFetchUnsupported} and no request is sent: kafkajs' admin API cannot send Fetch, and a kafkajs
   * Consumer would need a group join and a seek per partition; lagwatch falls back to the offset-based
   * time-lag estimate.
   */
  fetchesRecords: boolean;
  recordFetchUnsupported?: { code: number; name: string };
  /**
   * Requests each call sends, by Kafka API name. `exact`: the counts must match exactly. Otherwise each
   * listed API must appear at least that often, and no other API may appear except ApiVersions (kafkajs
   * opens connections lazily and sends ApiVersions on each).
   */
  requests: {
    exact: boolean;
    first: Record<string, number>;
    describeCluster: Record<string, number>;
    listOffsets: Record<string, number>;
    listGroups: Record<string, number>;
    describeGroups: Record<string, number>;
    fetchCommittedOffsets: Record<string, number>;
  };
  /**
   * Requests of one describeGroups call over one group of each Kafka 4.x type (`null`: not asserted) and of
   * one fetchShareGroupOffsets call, by Kafka API name, exact.
   */
  groupTypeRequests: {
    describeGroups: Record<string, number> | null;
    fetchShareGroupOffsets: Record<string, number>;
  };
  /** Requests of fetchRecordTimestamps calls, by Kafka API name, exact. */
  recordTimestampRequests: {
    /** One call for 13 partitions of one leader (14 queries). */
    onePerLeader: Record<string, number>;
    /** One call that needs a second round (a batch cut by `partition_max_bytes`). */
    cutBatch: Record<string, number>;
  };
}

export const ADAPTER_PROFILES: readonly AdapterProfile[] = [
  {
    client: 'platformatic',
    listsGroupTypeAndState: true,
    describesConsumerGroups: true,
    describesShareAndStreams: 'described',
    unknownShareGroupError: { code: 69, name: 'GROUP_ID_NOT_FOUND' },
    fetchesShareGroupOffsets: true,
    reportsTopicIds: true,
    groupAuthorizationError: { code: 30, name: 'GROUP_AUTHORIZATION_FAILED' },
    offsetFetch: { groupsPerRequest: 500, findCoordinatorPerGroup: false },
    fetchesRecords: true,
    requests: {
      exact: true,
      first: { ApiVersions: 1, Metadata: 1 },
      describeCluster: { Metadata: 1 },
      // Leaders come from the latest Metadata: one ListOffsets per leader, no Metadata.
      listOffsets: { ListOffsets: 1 },
      listGroups: { ListGroups: 1 },
      // One batched FindCoordinator; per coordinator one DescribeGroups (classic) + one ConsumerGroupDescribe.
      describeGroups: { FindCoordinator: 1, DescribeGroups: 1, ConsumerGroupDescribe: 1 },
      // One batched FindCoordinator; one OffsetFetch v8+ for all groups of the coordinator.
      fetchCommittedOffsets: { FindCoordinator: 1, OffsetFetch: 1 },
    },
    groupTypeRequests: {
      // One batched FindCoordinator; one describe request per group type for the one coordinator.
      describeGroups: {
        FindCoordinator: 1,
        DescribeGroups: 1,
        ConsumerGroupDescribe: 1,
        ShareGroupDescribe: 1,
        StreamsGroupDescribe: 1,
      },
      fetchShareGroupOffsets: { FindCoordinator: 1, DescribeShareGroupOffsets: 1 },
    },
    recordTimestampRequests: {
      // Leaders come from the Metadata of describeCluster: no Metadata, one Fetch for every partition.
      onePerLeader: { Fetch: 1 },
      // Round 1 gets one partition's 100 KiB batch whole (KIP-74: first partition) and the other's cut at
      // 64 KiB; round 2 asks that one again with the batch's size.
      cutBatch: { Fetch: 2 },
    },
  },
  {
    client: 'kafkajs',
    // ListGroups v2: no type, no state; share and streams groups are listed all the same.
    listsGroupTypeAndState: false,
    describesConsumerGroups: false,
    // No ShareGroupDescribe (77) or StreamsGroupDescribe (89) in kafkajs 2.2.4.
    describesShareAndStreams: 'unsupported',
    unknownShareGroupError: { code: 35, name: 'UNSUPPORTED_VERSION' },
    // No DescribeShareGroupOffsets (90) either.
    fetchesShareGroupOffsets: false,
    reportsTopicIds: false,
    groupAuthorizationError: { code: 30, name: 'GROUP_AUTHORIZATION_FAILED' },
    offsetFetch: { groupsPerRequest: 1, findCoordinatorPerGroup: true },
    fetchesRecords: false,
    recordFetchUnsupported: { code: -1, name: 'UNSUPPORTED_API' },
    requests: {
      exact: false,
      // Measured on a 1-node broker: first describeCluster {ApiVersions 1, Metadata 4}; listOffsets
      // {ApiVersions 1, Metadata 2, ListOffsets 2}; describeGroups of 3 groups {FindCoordinator 3,
      // DescribeGroups 1}; fetchCommittedOffsets of 4 groups {FindCoordinator 4, OffsetFetch 4}.
      first: { ApiVersions: 1, Metadata: 1 },
      describeCluster: { Metadata: 1 },
      // Per topic: Metadata refresh, then a latest and an earliest round.
      listOffsets: { Metadata: 1, ListOffsets: 2 },
      listGroups: { Metadata: 1, ListGroups: 1 },
      // One FindCoordinator per group.
      describeGroups: { FindCoordinator: 3, DescribeGroups: 1 },
      // One FindCoordinator and one OffsetFetch per group.
      fetchCommittedOffsets: { FindCoordinator: 4, OffsetFetch: 4 },
    },
    groupTypeRequests: {
      // kafkajs: one FindCoordinator per group, plus ApiVersions on new connections; not pinned here.
      describeGroups: null,
      fetchShareGroupOffsets: {},
    },
    recordTimestampRequests: { onePerLeader: {}, cutBatch: {} },
  },
];

/** A 1-node broker with ACLs only where a test adds one; everything else stays open. */
export const ACL_BROKER: StartKafkaOptions = {
  nodes: 1,
  extraProperties: {
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'allow.everyone.if.no.acl.found': 'true',
  },
};

/** Opens admins of one suite, with client id `lagwatch-<suite>-<client>`. */
export interface ContractAdmins {
  /** An admin on the suite's broker; the caller closes it. */
  adminFor(client: KafkaClientName): KafkaAdminPort;
  /** An admin on a port nothing listens on, with a short request timeout; the caller closes it. */
  unreachableAdminFor(client: KafkaClientName): KafkaAdminPort;
}

/** `bootstrap` is read when an admin is opened, i.e. after the suite's beforeAll started the broker. */
export function contractAdmins(suite: string, bootstrap: () => string): ContractAdmins {
  return {
    adminFor: (client) =>
      createKafkaAdmin(client, {
        brokers: [bootstrap()],
        clientId: `lagwatch-${suite}-${client}`,
        requestTimeoutMs: 10_000,
      }),
    unreachableAdminFor: (client) =>
      createKafkaAdmin(client, {
        brokers: ['127.0.0.1:1'],
        clientId: `lagwatch-${suite}-${client}-unreachable`,
        requestTimeoutMs: 2_000,
      }),
  };
}

/**
 * The admin of the enclosing describe block: opened by `open` in its beforeAll, closed in its afterAll. The
 * returned port forwards every call to that admin, so tests use it like a plain {@link KafkaAdminPort}.
 */
export function suiteAdmin(open: () => KafkaAdminPort): KafkaAdminPort {
  let current: KafkaAdminPort | undefined;
  beforeAll(() => {
    current = open();
  });
  afterAll(async () => {
    await current?.close();
  });
  return new Proxy({} as KafkaAdminPort, {
    get(_target, key) {
      if (!current) throw new Error('the suite admin is used outside the tests of its describe block');
      const value: unknown = Reflect.get(current, key);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}

/** The requests sent between two `requestCounts()` snapshots, by Kafka API name (APIs not sent are absent). */
export function countsDelta(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [api, n] of after) {
    const d = n - (before.get(api) ?? 0);
    if (d > 0) delta[api] = d;
  }
  return delta;
}

/** The description of a describeGroups item; throws on an item error or a missing item. */
export function described(result: ItemResult<GroupDescription> | undefined): GroupDescription {
  if (!result?.ok) throw new Error(`expected a description, got ${JSON.stringify(result)}`);
  return result.value;
}
