/**
 * Raw Kafka requests through @platformatic/kafka 1.35.0: one function per API this project sends, each
 * returning the whole parsed response including the items that carry an error code.
 *
 * Why raw requests instead of `Admin` methods: the `Admin` helpers throw away the whole batch when one item
 * or one broker fails (`runConcurrentCallbacks` drops the partial results), fetch extra Metadata, skip
 * internal topics and only list `classic` groups by default. Here the `Admin` instance is used only for
 * what it does well: connection pooling (TLS, SASL) and API-version negotiation (`kGetApi`, one
 * ApiVersions request per client).
 *
 * Error convention of every `send*` function: a response whose items carry error codes is returned as is
 * (platformatic's parsers throw `ResponseError`, `PLT_KFK_RESPONSE`, with the parsed response on
 * `error.response`; it is unwrapped here). Anything else (connection refused, timeout, unsupported API)
 * is thrown as the platformatic error; {@link describeFailure} turns it into a {@link KafkaItemError}.
 */
import {
  AuthenticationError,
  MultipleErrors,
  NetworkError,
  ResponseError,
  TimeoutError,
  UnsupportedApiError,
  consumerGroupDescribeV0,
  createAPI,
  kGetApi,
  kGetBootstrapConnection,
  kGetConnection,
  type API,
  type Admin,
  type Broker,
  type Connection,
  type Reader,
  type describeGroupsV5,
  type findCoordinatorV6,
  type listGroupsV5,
  type listOffsetsV9,
  type metadataV12,
  type offsetFetchV9,
} from '@platformatic/kafka';
import { clientItemError } from './errors.js';
import { readCompactArray, skipTaggedFields } from './platformatic-reader.js';
import type { KafkaItemError, TopicPartition } from './port.js';

/** Parsed Metadata response (platformatic's v12 shape; v9–v11 parse to the same fields used here). */
export type MetadataResponse = metadataV12.MetadataResponse;
/** Parsed ListOffsets response: `topics[].partitions[]` with `errorCode`, `offset` (bigint), `timestamp`. */
export type ListOffsetsResponse = listOffsetsV9.ListOffsetsResponse;
/** One topic of a ListOffsets request: `{ name, partitions: [{ partitionIndex, currentLeaderEpoch, timestamp }] }`. */
export type ListOffsetsRequestTopic = listOffsetsV9.ListOffsetsRequestTopic;
/** Parsed ListGroups response: top-level `errorCode`, `groups[]` with `groupId`, `protocolType`, `groupState`, `groupType` (v5). */
export type ListGroupsResponse = listGroupsV5.ListGroupsResponse;
/** Parsed FindCoordinator response: `coordinators[]` with `key`, `nodeId`, `host`, `port`, `errorCode`, `errorMessage`. */
export type FindCoordinatorResponse = findCoordinatorV6.FindCoordinatorResponse;
/** Parsed DescribeGroups response: `groups[]` with `errorCode`, state, protocol and `members[]` (assignment bytes). */
export type DescribeGroupsResponse = describeGroupsV5.DescribeGroupsResponse;
/** Parsed OffsetFetch response: `groups[]` with `errorCode` and `topics[].partitions[]` (`committedOffset` bigint, -1n = none). */
export type OffsetFetchResponse = offsetFetchV9.OffsetFetchResponse;
/** One group of an OffsetFetch request: `{ groupId, memberId, memberEpoch, topics }`; `topics: null` = all. */
export type OffsetFetchRequestGroup = offsetFetchV9.OffsetFetchRequestGroup;

/** `FindCoordinator` key type of consumer groups (classic and KIP-848). */
const COORDINATOR_KEY_TYPE_GROUP = 0;
/** `ListOffsets` replica id of a client (not a follower broker). */
const CONSUMER_REPLICA_ID = -1;

// ---------------------------------------------------------------------------------------------------------
// Connections and API versions

function promisify<T>(start: (callback: (error: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    start((error, value) => {
      if (error) reject(error);
      else resolve(value as T);
    });
  });
}

/** The first reachable bootstrap (or already discovered) broker, connected and authenticated. */
export function bootstrapConnection(admin: Admin): Promise<Connection> {
  return promisify<Connection>((callback) => admin[kGetBootstrapConnection](callback));
}

/** A pooled connection to one broker, opened (TLS, SASL) on first use. */
export function brokerConnection(admin: Admin, broker: Broker): Promise<Connection> {
  return promisify<Connection>((callback) => admin[kGetConnection](broker, callback));
}

/**
 * The highest version of `apiName` both the broker and @platformatic/kafka implement. The first call
 * sends ApiVersions (API 18) once per client; throws `UnsupportedApiError` when there is none.
 */
function negotiatedApi<Args extends unknown[], Response>(
  admin: Admin,
  apiName: string,
): Promise<API<Args, Response>> {
  return promisify<API<Args, Response>>((callback) => admin[kGetApi]<Args, Response>(apiName, callback));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Sends one request; a `ResponseError` (items with error codes) yields its parsed response.
 * `arrayField` is the response's top-level item array, checked before the partial response is trusted.
 */
async function sendKeepingItemErrors<Args extends unknown[], Response>(
  api: API<Args, Response>,
  connection: Connection,
  arrayField: string,
  ...args: Args
): Promise<Response> {
  try {
    return await api.async(connection, ...args);
  } catch (error) {
    if (error instanceof ResponseError) {
      const response: unknown = (error as { response?: unknown }).response;
      if (isRecord(response) && Array.isArray(response[arrayField])) return response as Response;
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Requests

/**
 * Metadata (API 3, v9–v12): brokers, controller, cluster id and the given topics (`null` = every topic,
 * internal ones included). Never creates topics. Topic and partition errors stay in the response.
 */
export async function sendMetadata(
  admin: Admin,
  connection: Connection,
  topics: string[] | null,
): Promise<MetadataResponse> {
  const api = await negotiatedApi<[string[] | null, boolean, boolean], MetadataResponse>(admin, 'Metadata');
  return sendKeepingItemErrors(api, connection, 'topics', topics, false, false);
}

/**
 * ListOffsets (API 2, v5–v9) to one partition leader; `timestamp` -2n = log-start offset, -1n = high
 * watermark; `isolationLevel` 0 = read_uncommitted. Partition errors stay in the response.
 */
export async function sendListOffsets(
  admin: Admin,
  connection: Connection,
  topics: ListOffsetsRequestTopic[],
): Promise<ListOffsetsResponse> {
  const api = await negotiatedApi<[number, number, ListOffsetsRequestTopic[]], ListOffsetsResponse>(
    admin,
    'ListOffsets',
  );
  return sendKeepingItemErrors(api, connection, 'topics', CONSUMER_REPLICA_ID, 0, topics);
}

/**
 * ListGroups (API 16, v4–v5) to one broker, no state or type filter: every group this broker coordinates.
 * v4 brokers do not report `groupType`. A top-level error code stays in the response.
 */
export async function sendListGroups(admin: Admin, connection: Connection): Promise<ListGroupsResponse> {
  const api = await negotiatedApi<[string[], string[]], ListGroupsResponse>(admin, 'ListGroups');
  return sendKeepingItemErrors(api, connection, 'groups', [], []);
}

/** FindCoordinator (API 10, v4–v6, batched keys) for consumer groups. Per-key errors stay in the response. */
export async function sendFindGroupCoordinators(
  admin: Admin,
  connection: Connection,
  groupIds: string[],
): Promise<FindCoordinatorResponse> {
  const api = await negotiatedApi<[number, string[]], FindCoordinatorResponse>(admin, 'FindCoordinator');
  return sendKeepingItemErrors(api, connection, 'coordinators', COORDINATOR_KEY_TYPE_GROUP, groupIds);
}

/** DescribeGroups (API 15, v5) to a coordinator, for classic groups. Per-group errors stay in the response. */
export async function sendDescribeGroups(
  admin: Admin,
  connection: Connection,
  groupIds: string[],
): Promise<DescribeGroupsResponse> {
  const api = await negotiatedApi<[string[], boolean], DescribeGroupsResponse>(admin, 'DescribeGroups');
  return sendKeepingItemErrors(api, connection, 'groups', groupIds, false);
}

/**
 * OffsetFetch (API 9, v8–v9, KIP-709 multi-group) to a coordinator. `topics: null` in a group entry asks
 * for all of its committed partitions. Per-group and per-partition errors stay in the response.
 */
export async function sendOffsetFetch(
  admin: Admin,
  connection: Connection,
  groups: OffsetFetchRequestGroup[],
): Promise<OffsetFetchResponse> {
  const api = await negotiatedApi<[OffsetFetchRequestGroup[], boolean], OffsetFetchResponse>(
    admin,
    'OffsetFetch',
  );
  return sendKeepingItemErrors(api, connection, 'groups', groups, false);
}

// ---------------------------------------------------------------------------------------------------------
// ConsumerGroupDescribe (API 69) v0, with a correct response parser

/** One described member of a `consumer` (KIP-848) group. */
export interface ConsumerGroupDescribeMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  memberEpoch: number;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  /** The partitions the member owns now. */
  assignment: TopicPartition[];
  /** The partitions the group coordinator wants the member to own. */
  targetAssignment: TopicPartition[];
}

/** One described `consumer` group; `errorCode` 0 means success (e.g. 69 GROUP_ID_NOT_FOUND otherwise). */
export interface ConsumerGroupDescribeGroup {
  errorCode: number;
  errorMessage: string | null;
  groupId: string;
  groupState: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: ConsumerGroupDescribeMember[];
}

export interface ConsumerGroupDescribeResponse {
  throttleTimeMs: number;
  groups: ConsumerGroupDescribeGroup[];
}

/**
 * The `Assignment` struct of ConsumerGroupDescribe and ShareGroupDescribe:
 * `[TopicPartitions { TopicId uuid, TopicName string, Partitions []int32 }]` + tags.
 */
export function readAssignment(reader: Reader): TopicPartition[] {
  const topics = readCompactArray(
    reader,
    (r) => {
      r.readUUID();
      const topic = r.readString();
      const partitions = readCompactArray(r, (p) => p.readInt32(), false);
      return { topic, partitions };
    },
    true,
  );
  skipTaggedFields(reader);
  return topics.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topic, partition })));
}

/**
 * Parses ConsumerGroupDescribeResponse v0 (Kafka's ConsumerGroupDescribeResponse.json).
 * @platformatic/kafka 1.35.0's own parser reads `SubscribedTopicNames` (`[]string`) as a single string
 * and skips the `Assignment` struct's tagged fields, so it throws "Out of bounds" on any group with members.
 */
export function parseConsumerGroupDescribeV0(
  _correlationId: number,
  _apiKey: number,
  _apiVersion: number,
  reader: Reader,
): ConsumerGroupDescribeResponse {
  const throttleTimeMs = reader.readInt32();
  const groups = readCompactArray(
    reader,
    (r): ConsumerGroupDescribeGroup => {
      const errorCode = r.readInt16();
      const errorMessage = r.readNullableString();
      const groupId = r.readString();
      const groupState = r.readString();
      const groupEpoch = r.readInt32();
      const assignmentEpoch = r.readInt32();
      const assignorName = r.readString();
      const members = readCompactArray(
        r,
        (m): ConsumerGroupDescribeMember => ({
          memberId: m.readString(),
          instanceId: m.readNullableString(),
          rackId: m.readNullableString(),
          memberEpoch: m.readInt32(),
          clientId: m.readString(),
          clientHost: m.readString(),
          subscribedTopicNames: readCompactArray(m, (t) => t.readString(), false),
          subscribedTopicRegex: m.readNullableString(),
          assignment: readAssignment(m),
          targetAssignment: readAssignment(m),
        }),
        true,
      );
      r.readInt32(); // AuthorizedOperations
      return {
        errorCode,
        errorMessage,
        groupId,
        groupState,
        groupEpoch,
        assignmentEpoch,
        assignorName,
        members,
      };
    },
    true,
  );
  return { throttleTimeMs, groups };
}

/** ConsumerGroupDescribe v0: platformatic's request encoder, {@link parseConsumerGroupDescribeV0} for the answer. */
const consumerGroupDescribeV0Api = createAPI<[string[], boolean], ConsumerGroupDescribeResponse>(
  69,
  0,
  consumerGroupDescribeV0.createRequest,
  parseConsumerGroupDescribeV0,
);

/**
 * ConsumerGroupDescribe (API 69, v0) to a coordinator, for `consumer` (KIP-848) groups. Per-group errors
 * stay in the response. Throws `UnsupportedApiError` when the broker lacks API 69 (Kafka < 4.0).
 */
export async function sendConsumerGroupDescribe(
  admin: Admin,
  connection: Connection,
  groupIds: string[],
): Promise<ConsumerGroupDescribeResponse> {
  // Checks that the broker implements API 69; the request itself always uses v0.
  await negotiatedApi(admin, 'ConsumerGroupDescribe');
  return consumerGroupDescribeV0Api.async(connection, groupIds, false);
}

// ---------------------------------------------------------------------------------------------------------
// Classic consumer-protocol assignments

/**
 * Decodes a classic group member's assignment (`ConsumerProtocolAssignment`, versions 0–3, not flexible):
 * `version int16, [topic string, [partition int32]], user_data bytes`. Returns [] for empty or malformed
 * bytes (e.g. a member that has not synced yet).
 */
export function decodeConsumerProtocolAssignment(bytes: Buffer | null | undefined): TopicPartition[] {
  if (!bytes || bytes.length < 6) return [];
  const assignment: TopicPartition[] = [];
  try {
    let offset = 2; // version
    const topicCount = bytes.readInt32BE(offset);
    offset += 4;
    for (let t = 0; t < topicCount; t++) {
      const nameLength = bytes.readInt16BE(offset);
      offset += 2;
      if (nameLength < 0 || offset + nameLength > bytes.length) return [];
      const topic = bytes.toString('utf8', offset, offset + nameLength);
      offset += nameLength;
      const partitionCount = bytes.readInt32BE(offset);
      offset += 4;
      for (let p = 0; p < partitionCount; p++) {
        assignment.push({ topic, partition: bytes.readInt32BE(offset) });
        offset += 4;
      }
    }
  } catch {
    return []; // RangeError: truncated bytes
  }
  return assignment;
}

// ---------------------------------------------------------------------------------------------------------
// Errors

function causeMessages(error: Error): string {
  if (error instanceof MultipleErrors && error.errors.length > 0) {
    const inner = error.errors
      .filter((e): e is Error => e instanceof Error)
      .map((e) => e.message)
      .join('; ');
    return inner ? `${error.message} (${inner})` : error.message;
  }
  return error.message;
}

function findIn(error: unknown, test: (error: Error) => boolean): boolean {
  if (!(error instanceof Error)) return false;
  if (test(error)) return true;
  if (error instanceof AggregateError) return error.errors.some((inner) => findIn(inner, test));
  return error.cause !== undefined && findIn(error.cause, test);
}

/**
 * The per-item error for a failed request (code -1 with a client error name): `TIMEOUT`,
 * `AUTHENTICATION_FAILED`, `UNSUPPORTED_API`, `NETWORK_ERROR` or `CLIENT_ERROR`.
 */
export function describeFailure(error: unknown): KafkaItemError {
  const message = error instanceof Error ? causeMessages(error) : String(error);
  if (findIn(error, (e) => e instanceof TimeoutError)) return clientItemError('TIMEOUT', message);
  if (findIn(error, (e) => e instanceof AuthenticationError))
    return clientItemError('AUTHENTICATION_FAILED', message);
  if (findIn(error, (e) => e instanceof UnsupportedApiError))
    return clientItemError('UNSUPPORTED_API', message);
  if (findIn(error, (e) => e instanceof NetworkError || /connect|ECONN|closed|EPIPE/i.test(e.message))) {
    return clientItemError('NETWORK_ERROR', message);
  }
  return clientItemError('CLIENT_ERROR', message);
}
