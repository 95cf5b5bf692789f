/**
 * Share (KIP-932) and streams (KIP-1071) groups over @platformatic/kafka 1.35.0 connections: request
 * encoders and response parsers for three APIs platformatic has no codecs for, and their mapping to the
 * port's types.
 *
 * | API | Key | Versions (this file) | Kafka 4.3.1 broker | Used for |
 * |---|---|---|---|---|
 * | ShareGroupDescribe | 77 | 1 | 1 (v0 was 4.0 early access, removed in 4.1) | describing `share` groups |
 * | StreamsGroupDescribe | 89 | 0 | 0 | describing `streams` groups |
 * | DescribeShareGroupOffsets | 90 | 0–1 | 0–1 (v1 adds `Lag`, KIP-1226) | share-partition start offsets |
 *
 * All three are flexible versions (compact strings and arrays, tagged fields) and are sent to the group's
 * coordinator, found with FindCoordinator key type GROUP (0), as for classic and `consumer` groups
 * (kafka-clients 4.3.1's admin handlers use `CoordinatorType.GROUP` for all three).
 *
 * The wire layouts follow the message schemas of kafka-clients 4.3.1 (`*RequestData.SCHEMAS`, generated
 * from `clients/src/main/resources/common/message/*.json` on the 4.3 branch); the unit tests check the
 * parsers against bytes written by kafka-clients 4.3.1 itself.
 *
 * Version negotiation: platformatic keeps the broker's ApiVersions (API 18) answer but only hands out
 * APIs it has codecs for; asking it for one of these three fails with an `UnsupportedApiError` that
 * carries the broker's `minVersion`/`maxVersion` ("No usable implementation found"), or without them when
 * the broker lacks the API ("Unsupported API"). {@link brokerVersionRange} reads that, so no extra
 * ApiVersions request is sent. When the broker and this file share no version, every group of the call
 * gets an UNSUPPORTED_VERSION (35) item error; nothing is thrown.
 */
import {
  UnsupportedApiError,
  Writer,
  createAPI,
  kGetApi,
  type Admin,
  type Connection,
  type Reader,
} from '@platformatic/kafka';
import { KafkaErrorCode, itemError } from './errors.js';
import {
  readCompactArray,
  readCompactNullableArray,
  readNullableStruct,
  readStruct,
  skipTaggedFields,
} from './platformatic-reader.js';
import { readAssignment } from './platformatic-protocol.js';
import type {
  GroupDescription,
  ItemResult,
  KafkaItemError,
  ShareGroupOffset,
  TopicPartition,
} from './port.js';

// ---------------------------------------------------------------------------------------------------------
// APIs and version negotiation

/** One of the APIs of this file: its key, Kafka name and the versions this file can encode and parse. */
export interface GroupTypeApi {
  key: number;
  name: string;
  minVersion: number;
  maxVersion: number;
}

/** ShareGroupDescribe (API 77): v1 only (v0 was the 4.0 early-access version, removed in Kafka 4.1). */
export const SHARE_GROUP_DESCRIBE: GroupTypeApi = {
  key: 77,
  name: 'ShareGroupDescribe',
  minVersion: 1,
  maxVersion: 1,
};
/** StreamsGroupDescribe (API 89): v0, the only version up to Kafka 4.3. */
export const STREAMS_GROUP_DESCRIBE: GroupTypeApi = {
  key: 89,
  name: 'StreamsGroupDescribe',
  minVersion: 0,
  maxVersion: 0,
};
/** DescribeShareGroupOffsets (API 90): v0 (4.1), v1 adds the per-partition `Lag` (KIP-1226, Kafka 4.2). */
export const DESCRIBE_SHARE_GROUP_OFFSETS: GroupTypeApi = {
  key: 90,
  name: 'DescribeShareGroupOffsets',
  minVersion: 0,
  maxVersion: 1,
};

/** Versions `[min, max]` of one API as a broker's ApiVersions answer lists them. */
export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The versions of `apiName` the broker implements, from the ApiVersions answer platformatic keeps (one
 * ApiVersions request per client, sent by the first request of any kind; none here when already sent).
 * @returns the range, or null when the broker does not implement the API.
 * @throws the platformatic error when ApiVersions itself fails (no broker reachable).
 */
export function brokerVersionRange(admin: Admin, apiName: string): Promise<VersionRange | null> {
  return new Promise<VersionRange | null>((resolve, reject) => {
    admin[kGetApi](apiName, (error: Error | null, api?: { version: number }) => {
      if (!error) {
        // A platformatic release with its own codec: the broker implements at least that version.
        resolve(api ? { minVersion: api.version, maxVersion: api.version } : null);
        return;
      }
      if (!(error instanceof UnsupportedApiError)) {
        reject(error);
        return;
      }
      const found: unknown = error;
      if (
        isRecord(found) &&
        typeof found['minVersion'] === 'number' &&
        typeof found['maxVersion'] === 'number'
      ) {
        resolve({ minVersion: found['minVersion'], maxVersion: found['maxVersion'] });
      } else {
        resolve(null); // "Unsupported API <name>.": not in the broker's ApiVersions answer
      }
    });
  });
}

/** The highest version both the broker (`broker`, null = API absent) and this file implement, or null. */
export function negotiateVersion(api: GroupTypeApi, broker: VersionRange | null): number | null {
  if (!broker) return null;
  const high = Math.min(api.maxVersion, broker.maxVersion);
  return high >= Math.max(api.minVersion, broker.minVersion) ? high : null;
}

/** The per-group error when the broker and this file share no version of `api`. */
function unsupportedVersion(api: GroupTypeApi, broker: VersionRange | null): KafkaItemError {
  const ours = `v${api.minVersion}–v${api.maxVersion}`;
  const theirs = broker ? `v${broker.minVersion}–v${broker.maxVersion}` : 'none';
  return itemError(
    KafkaErrorCode.UNSUPPORTED_VERSION,
    `${api.name} (API ${api.key}): the broker implements ${theirs}, lagwatch ${ours}`,
  );
}

/** The negotiated version of `api` for this client, or the item error every group of the call gets. */
async function versionFor(
  admin: Admin,
  api: GroupTypeApi,
): Promise<{ version: number } | { error: KafkaItemError }> {
  const broker = await brokerVersionRange(admin, api.name);
  const version = negotiateVersion(api, broker);
  return version === null ? { error: unsupportedVersion(api, broker) } : { version };
}

const readInt32 = (r: Reader): number => r.readInt32();
const readString = (r: Reader): string => r.readString();

/**
 * Encodes the request body shared by ShareGroupDescribe v1 and StreamsGroupDescribe v0:
 * `[GroupIds] IncludeAuthorizedOperations` + tagged fields.
 */
export function encodeGroupDescribeRequest(groupIds: string[], includeAuthorizedOperations: boolean): Writer {
  return Writer.create()
    .appendArray(groupIds, (w, id) => w.appendString(id), true, false)
    .appendBoolean(includeAuthorizedOperations)
    .appendTaggedFields();
}

// ---------------------------------------------------------------------------------------------------------
// ShareGroupDescribe (API 77) v1

/** One member of a described share group. */
export interface ShareGroupDescribeMember {
  memberId: string;
  rackId: string | null;
  memberEpoch: number;
  clientId: string;
  /** As the broker saw it, e.g. `/127.0.0.1`. */
  clientHost: string;
  subscribedTopicNames: string[];
  /** The partitions the member may fetch from (share groups assign a partition to many members). */
  assignment: TopicPartition[];
}

/** One group of a ShareGroupDescribe response; `errorCode` 0 = described (else e.g. 69 GROUP_ID_NOT_FOUND). */
export interface ShareGroupDescribeGroup {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  /** `Empty`, `Stable` or `Dead`. */
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  /** The server-side assignor, e.g. `simple`. */
  assignorName: string;
  members: ShareGroupDescribeMember[];
  /** Bit field of ACL operations (only when asked for; -2147483648 otherwise). */
  authorizedOperations: number;
}

/** ShareGroupDescribeResponse v1: `{ throttleTimeMs, groups }`. */
export interface ShareGroupDescribeResponse {
  throttleTimeMs: number;
  groups: ShareGroupDescribeGroup[];
}

/** Parses ShareGroupDescribeResponse v1 (the body after the response header). */
export function parseShareGroupDescribeV1(reader: Reader): ShareGroupDescribeResponse {
  const throttleTimeMs = reader.readInt32();
  const groups = readCompactArray(
    reader,
    (r): ShareGroupDescribeGroup => ({
      errorCode: r.readInt16(),
      errorMessage: r.readNullableString(),
      groupId: r.readString(),
      groupState: r.readString(),
      groupEpoch: r.readInt32(),
      assignmentEpoch: r.readInt32(),
      assignorName: r.readString(),
      members: readCompactArray(
        r,
        (m): ShareGroupDescribeMember => ({
          memberId: m.readString(),
          rackId: m.readNullableString(),
          memberEpoch: m.readInt32(),
          clientId: m.readString(),
          clientHost: m.readString(),
          subscribedTopicNames: readCompactArray(m, readString, false),
          assignment: readAssignment(m),
        }),
        true,
      ),
      authorizedOperations: r.readInt32(),
    }),
    true,
  );
  skipTaggedFields(reader);
  return { throttleTimeMs, groups };
}

const shareGroupDescribeV1 = createAPI<[string[], boolean], ShareGroupDescribeResponse>(
  SHARE_GROUP_DESCRIBE.key,
  1,
  encodeGroupDescribeRequest,
  (_correlationId, _apiKey, _apiVersion, reader) => parseShareGroupDescribeV1(reader),
);

/** Sorts partitions by topic, then partition number. */
function sortPartitions<T extends TopicPartition>(list: T[]): T[] {
  return list.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/**
 * Maps a described share group to the port's shape: `type` `share`, `protocol` = the assignor name,
 * `groupInstanceId` null (share groups have no static membership), assignments sorted.
 */
export function shareGroupDescription(
  group: ShareGroupDescribeGroup,
  protocolType: string,
): ItemResult<GroupDescription> {
  if (group.errorCode !== 0) return { ok: false, error: itemError(group.errorCode, group.errorMessage) };
  return {
    ok: true,
    value: {
      groupId: group.groupId,
      type: 'share',
      state: group.groupState,
      protocolType,
      protocol: group.assignorName,
      members: group.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: null,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: sortPartitions([...m.assignment]),
      })),
    },
  };
}

/**
 * Describes share groups: one ShareGroupDescribe (API 77, v1) to their coordinator.
 * @param protocolTypes group id → protocol type from ListGroups (copied into the description; default `share`).
 * @returns an entry per group the broker answered for (errors per group, e.g. 69 GROUP_ID_NOT_FOUND for an
 *   unknown id or a group of another type), or an UNSUPPORTED_VERSION (35) error for every group when
 *   the broker lacks v1.
 * @throws the platformatic error when the request fails as a whole (connection, timeout).
 */
export async function describeShareGroups(
  admin: Admin,
  connection: Connection,
  groupIds: string[],
  protocolTypes: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, ItemResult<GroupDescription>>> {
  return describeWith(
    admin,
    SHARE_GROUP_DESCRIBE,
    groupIds,
    () => shareGroupDescribeV1.async(connection, groupIds, false),
    (g) => shareGroupDescription(g, protocolTypes.get(g.groupId) ?? 'share'),
  );
}

/**
 * The shared steps of ShareGroupDescribe and StreamsGroupDescribe: negotiate the version (every group gets
 * UNSUPPORTED_VERSION when there is none), send, and map each group of the answer.
 */
async function describeWith<G extends { groupId: string }>(
  admin: Admin,
  api: GroupTypeApi,
  groupIds: string[],
  send: () => Promise<{ groups: G[] }>,
  describe: (group: G) => ItemResult<GroupDescription>,
): Promise<Map<string, ItemResult<GroupDescription>>> {
  const results = new Map<string, ItemResult<GroupDescription>>();
  const negotiated = await versionFor(admin, api);
  if ('error' in negotiated) {
    for (const id of groupIds) results.set(id, { ok: false, error: negotiated.error });
    return results;
  }
  for (const g of (await send()).groups) results.set(g.groupId, describe(g));
  return results;
}

// ---------------------------------------------------------------------------------------------------------
// StreamsGroupDescribe (API 89) v0

/** `TopicInfo`: an internal topic of a sub-topology (changelog or repartition topic). */
export interface StreamsTopicInfo {
  name: string;
  /** Partition count, 0 when not enforced (always 0 for changelog topics). */
  partitions: number;
  /** 0 = the broker's default. */
  replicationFactor: number;
  topicConfigs: { key: string; value: string }[];
}

/** One sub-topology of a streams group's topology. */
export interface StreamsSubtopology {
  subtopologyId: string;
  /** User topics the sub-topology reads. */
  sourceTopics: string[];
  repartitionSinkTopics: string[];
  stateChangelogTopics: StreamsTopicInfo[];
  /** Internal repartition topics the sub-topology reads. */
  repartitionSourceTopics: StreamsTopicInfo[];
}

/** Tasks of one sub-topology: the task ids are (subtopologyId, partition). */
export interface StreamsTaskIds {
  subtopologyId: string;
  partitions: number[];
}

export interface StreamsAssignment {
  activeTasks: StreamsTaskIds[];
  standbyTasks: StreamsTaskIds[];
  warmupTasks: StreamsTaskIds[];
}

/** One member (one Streams client: a consumer of one StreamThread) of a described streams group. */
export interface StreamsGroupDescribeMember {
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  topologyEpoch: number;
  /** Identity of the Streams instance (process), shared by its threads' members. */
  processId: string;
  /** `application.server` of the instance (interactive queries), or null. */
  userEndpoint: { host: string; port: number } | null;
  clientTags: { key: string; value: string }[];
  /** Cumulative changelog offsets per task, reported by the member. */
  taskOffsets: { subtopologyId: string; partition: number; offset: bigint }[];
  taskEndOffsets: { subtopologyId: string; partition: number; offset: bigint }[];
  assignment: StreamsAssignment;
  targetAssignment: StreamsAssignment;
  /** True for a member still on the classic protocol during an upgrade. */
  isClassic: boolean;
}

/** One group of a StreamsGroupDescribe response; `errorCode` 0 = described. */
export interface StreamsGroupDescribeGroup {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  /** `Empty`, `NotReady`, `Assigning`, `Reconciling`, `Stable` or `Dead`. */
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  /** The topology the members sent; null before the first member initialised it. */
  topology: { epoch: number; subtopologies: StreamsSubtopology[] | null } | null;
  members: StreamsGroupDescribeMember[];
  authorizedOperations: number;
}

/** StreamsGroupDescribeResponse v0: `{ throttleTimeMs, groups }`. */
export interface StreamsGroupDescribeResponse {
  throttleTimeMs: number;
  groups: StreamsGroupDescribeGroup[];
}

const readKeyValue = (r: Reader): { key: string; value: string } => ({
  key: r.readString(),
  value: r.readString(),
});

const readTopicInfo = (r: Reader): StreamsTopicInfo => ({
  name: r.readString(),
  partitions: r.readInt32(),
  replicationFactor: r.readInt16(),
  topicConfigs: readCompactArray(r, readKeyValue, true),
});

const readTaskOffset = (r: Reader): { subtopologyId: string; partition: number; offset: bigint } => ({
  subtopologyId: r.readString(),
  partition: r.readInt32(),
  offset: r.readInt64(),
});

const readTaskIds = (r: Reader): StreamsTaskIds => ({
  subtopologyId: r.readString(),
  partitions: readCompactArray(r, readInt32, false),
});

const readStreamsAssignment = (r: Reader): StreamsAssignment => ({
  activeTasks: readCompactArray(r, readTaskIds, true),
  standbyTasks: readCompactArray(r, readTaskIds, true),
  warmupTasks: readCompactArray(r, readTaskIds, true),
});

/** Parses StreamsGroupDescribeResponse v0 (the body after the response header), Kafka 4.1–4.3 layout. */
export function parseStreamsGroupDescribeV0(reader: Reader): StreamsGroupDescribeResponse {
  const throttleTimeMs = reader.readInt32();
  const groups = readCompactArray(
    reader,
    (r): StreamsGroupDescribeGroup => ({
      errorCode: r.readInt16(),
      errorMessage: r.readNullableString(),
      groupId: r.readString(),
      groupState: r.readString(),
      groupEpoch: r.readInt32(),
      assignmentEpoch: r.readInt32(),
      topology: readNullableStruct(r, (t) => ({
        epoch: t.readInt32(),
        subtopologies: readCompactNullableArray(
          t,
          (s): StreamsSubtopology => ({
            subtopologyId: s.readString(),
            sourceTopics: readCompactArray(s, readString, false),
            repartitionSinkTopics: readCompactArray(s, readString, false),
            stateChangelogTopics: readCompactArray(s, readTopicInfo, true),
            repartitionSourceTopics: readCompactArray(s, readTopicInfo, true),
          }),
          true,
        ),
      })),
      members: readCompactArray(
        r,
        (m): StreamsGroupDescribeMember => ({
          memberId: m.readString(),
          memberEpoch: m.readInt32(),
          instanceId: m.readNullableString(),
          rackId: m.readNullableString(),
          clientId: m.readString(),
          clientHost: m.readString(),
          topologyEpoch: m.readInt32(),
          processId: m.readString(),
          userEndpoint: readNullableStruct(m, (e) => ({ host: e.readString(), port: e.readUnsignedInt16() })),
          clientTags: readCompactArray(m, readKeyValue, true),
          taskOffsets: readCompactArray(m, readTaskOffset, true),
          taskEndOffsets: readCompactArray(m, readTaskOffset, true),
          assignment: readStruct(m, readStreamsAssignment),
          targetAssignment: readStruct(m, readStreamsAssignment),
          isClassic: m.readBoolean(),
        }),
        true,
      ),
      authorizedOperations: r.readInt32(),
    }),
    true,
  );
  skipTaggedFields(reader);
  return { throttleTimeMs, groups };
}

const streamsGroupDescribeV0 = createAPI<[string[], boolean], StreamsGroupDescribeResponse>(
  STREAMS_GROUP_DESCRIBE.key,
  0,
  encodeGroupDescribeRequest,
  (_correlationId, _apiKey, _apiVersion, reader) => parseStreamsGroupDescribeV0(reader),
);

/**
 * The source-topic partitions a streams member's active tasks read.
 *
 * A task id is (sub-topology, partition number p); the active task reads partition p of every source
 * topic of its sub-topology: the user topics in `sourceTopics` and the internal topics in
 * `repartitionSourceTopics` (Streams co-partitions a sub-topology's inputs, so they all have the same
 * partition count). Standby and warm-up tasks read changelog topics, not source topics, and are left out:
 * they have no committed offsets and no consumer lag. A task whose sub-topology the topology does not
 * list (no topology yet, or a member on another topology epoch) maps to nothing.
 * @returns partitions sorted by topic, then partition, without duplicates.
 */
export function streamsActivePartitions(
  subtopologies: readonly StreamsSubtopology[] | null,
  activeTasks: readonly StreamsTaskIds[],
): TopicPartition[] {
  const topicsOf = new Map<string, string[]>();
  for (const s of subtopologies ?? []) {
    topicsOf.set(s.subtopologyId, [...s.sourceTopics, ...s.repartitionSourceTopics.map((t) => t.name)]);
  }
  const seen = new Map<string, TopicPartition>();
  for (const task of activeTasks) {
    for (const topic of topicsOf.get(task.subtopologyId) ?? []) {
      for (const partition of task.partitions) seen.set(`${partition}\u0000${topic}`, { topic, partition });
    }
  }
  return sortPartitions([...seen.values()]);
}

/**
 * Maps a described streams group to the port's shape: `type` `streams`, `protocol` `''` (StreamsGroupDescribe
 * names no assignor), members' `assignment` = the source-topic partitions of their current active tasks
 * (see {@link streamsActivePartitions}).
 */
export function streamsGroupDescription(
  group: StreamsGroupDescribeGroup,
  protocolType: string,
): ItemResult<GroupDescription> {
  if (group.errorCode !== 0) return { ok: false, error: itemError(group.errorCode, group.errorMessage) };
  const subtopologies = group.topology?.subtopologies ?? null;
  return {
    ok: true,
    value: {
      groupId: group.groupId,
      type: 'streams',
      state: group.groupState,
      protocolType,
      protocol: '',
      members: group.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: streamsActivePartitions(subtopologies, m.assignment.activeTasks),
      })),
    },
  };
}

/**
 * Describes streams groups: one StreamsGroupDescribe (API 89, v0) to their coordinator.
 * @param protocolTypes group id → protocol type from ListGroups (copied into the description; default `streams`).
 * @returns an entry per group the broker answered for (errors per group, e.g. 69 GROUP_ID_NOT_FOUND), or an
 *   UNSUPPORTED_VERSION (35) error for every group when the broker lacks v0.
 * @throws the platformatic error when the request fails as a whole (connection, timeout).
 */
export async function describeStreamsGroups(
  admin: Admin,
  connection: Connection,
  groupIds: string[],
  protocolTypes: ReadonlyMap<string, string> = new Map(),
): Promise<Map<string, ItemResult<GroupDescription>>> {
  return describeWith(
    admin,
    STREAMS_GROUP_DESCRIBE,
    groupIds,
    () => streamsGroupDescribeV0.async(connection, groupIds, false),
    (g) => streamsGroupDescription(g, protocolTypes.get(g.groupId) ?? 'streams'),
  );
}

// ---------------------------------------------------------------------------------------------------------
// DescribeShareGroupOffsets (API 90) v0–v1

/** One partition of a DescribeShareGroupOffsets answer. */
export interface DescribeShareGroupOffsetsPartition {
  partitionIndex: number;
  /** The share-partition start offset; -1 when the share partition is not initialised. */
  startOffset: bigint;
  leaderEpoch: number;
  /** v1+ (KIP-1226): records not yet acknowledged from the start offset, -1 when unknown; null in v0. */
  lag: bigint | null;
  errorCode: number;
  errorMessage: string | null;
}

/** One group of a DescribeShareGroupOffsets answer; `errorCode` 0 = answered. */
export interface DescribeShareGroupOffsetsGroup {
  groupId: string;
  topics: { topicName: string; topicId: string; partitions: DescribeShareGroupOffsetsPartition[] }[];
  errorCode: number;
  errorMessage: string | null;
}

/** DescribeShareGroupOffsetsResponse v0/v1: `{ throttleTimeMs, groups }`. */
export interface DescribeShareGroupOffsetsResponse {
  throttleTimeMs: number;
  groups: DescribeShareGroupOffsetsGroup[];
}

/**
 * Encodes DescribeShareGroupOffsetsRequest v0/v1 (same layout): `[Groups { GroupId, Topics }]`, with
 * `Topics` null = every topic-partition the group has state for.
 */
export function encodeDescribeShareGroupOffsetsRequest(groupIds: string[]): Writer {
  return Writer.create()
    .appendArray(groupIds, (w, id) => {
      w.appendString(id).appendArray(null, () => undefined);
    })
    .appendTaggedFields();
}

/** Parses DescribeShareGroupOffsetsResponse v0 or v1 (`version`; v1 adds `Lag` after `LeaderEpoch`). */
export function parseDescribeShareGroupOffsets(
  version: number,
  reader: Reader,
): DescribeShareGroupOffsetsResponse {
  const throttleTimeMs = reader.readInt32();
  const groups = readCompactArray(
    reader,
    (g): DescribeShareGroupOffsetsGroup => ({
      groupId: g.readString(),
      topics: readCompactArray(
        g,
        (t) => ({
          topicName: t.readString(),
          topicId: t.readUUID(),
          partitions: readCompactArray(
            t,
            (p): DescribeShareGroupOffsetsPartition => ({
              partitionIndex: p.readInt32(),
              startOffset: p.readInt64(),
              leaderEpoch: p.readInt32(),
              lag: version >= 1 ? p.readInt64() : null,
              errorCode: p.readInt16(),
              errorMessage: p.readNullableString(),
            }),
            true,
          ),
        }),
        true,
      ),
      errorCode: g.readInt16(),
      errorMessage: g.readNullableString(),
    }),
    true,
  );
  skipTaggedFields(reader);
  return { throttleTimeMs, groups };
}

const describeShareGroupOffsetsApis = [0, 1].map((version) =>
  createAPI<[string[]], DescribeShareGroupOffsetsResponse>(
    DESCRIBE_SHARE_GROUP_OFFSETS.key,
    version,
    encodeDescribeShareGroupOffsetsRequest,
    (_correlationId, _apiKey, apiVersion, reader) => parseDescribeShareGroupOffsets(apiVersion, reader),
  ),
);

/**
 * Maps one group's answer to the port's shape. Partitions with a partition error or without an
 * initialised start offset (-1) are left out, as partitions without a commit are for committed offsets;
 * a lag of -1 (unknown) becomes null. Sorted by topic, then partition.
 */
export function shareGroupOffsets(group: DescribeShareGroupOffsetsGroup): ItemResult<ShareGroupOffset[]> {
  if (group.errorCode !== 0) return { ok: false, error: itemError(group.errorCode, group.errorMessage) };
  const offsets: ShareGroupOffset[] = [];
  for (const t of group.topics) {
    for (const p of t.partitions) {
      if (p.errorCode !== 0 || p.startOffset < 0n) continue;
      offsets.push({
        topic: t.topicName,
        partition: p.partitionIndex,
        startOffset: p.startOffset,
        lag: p.lag !== null && p.lag >= 0n ? p.lag : null,
      });
    }
  }
  return { ok: true, value: sortPartitions(offsets) };
}

/**
 * Share-partition start offsets of share groups: one DescribeShareGroupOffsets (API 90, v1 when the broker
 * has it, else v0) to their coordinator, all topics of each group.
 * @returns an entry per group the broker answered for; an unknown group id is answered with no partitions
 *   or GROUP_ID_NOT_FOUND depending on the broker; every group gets UNSUPPORTED_VERSION (35) when the
 *   broker lacks the API.
 * @throws the platformatic error when the request fails as a whole (connection, timeout).
 */
export async function fetchShareGroupOffsetsFrom(
  admin: Admin,
  connection: Connection,
  groupIds: string[],
): Promise<Map<string, ItemResult<ShareGroupOffset[]>>> {
  const results = new Map<string, ItemResult<ShareGroupOffset[]>>();
  const negotiated = await versionFor(admin, DESCRIBE_SHARE_GROUP_OFFSETS);
  if ('error' in negotiated) {
    for (const id of groupIds) results.set(id, { ok: false, error: negotiated.error });
    return results;
  }
  const api = describeShareGroupOffsetsApis[negotiated.version];
  if (!api) throw new Error(`no DescribeShareGroupOffsets v${negotiated.version} codec`);
  const response = await api.async(connection, groupIds);
  for (const g of response.groups) results.set(g.groupId, shareGroupOffsets(g));
  return results;
}
