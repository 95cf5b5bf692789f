/**
 * The kafkajs 2.2.4 adapter of the Kafka port (`--kafka.client=kafkajs`).
 *
 * kafkajs is unmaintained since 2023 and speaks old protocol versions; it is kept for users who ask for it and as
 * a second implementation of {@link KafkaAdminPort}. It uses kafkajs' public admin API only. What that costs and
 * cannot do, compared with the @platformatic/kafka adapter:
 * - Metadata v6 (API 3): no topic ids, no broker racks, no `is_internal` (internal topics are recognised by name,
 *   see {@link INTERNAL_TOPICS}). kafkajs fails a whole Metadata call when any topic or partition in it has an
 *   error, and the admin client refreshes metadata before almost every call: while one partition has no leader,
 *   `describeCluster` and `listGroups` throw and `listOffsets` fails for every topic.
 * - ListOffsets v3 (API 2): one topic per public call, two rounds (latest, then earliest), isolation
 *   read_committed (kafkajs' admin cannot choose), so `latest` is the last stable offset: the high watermark
 *   unless a transaction is open on the partition.
 * - ListGroups v2 (API 16): no group type, no state; brokers are asked one after the other, the first failure
 *   fails the call.
 * - DescribeGroups v2 (API 15): classic groups only, no `group.instance.id`; KIP-848 `consumer` groups come back
 *   as the broker answers DescribeGroups for them (`Dead`, no members). No ConsumerGroupDescribe (API 69).
 * - No share-group or streams-group APIs (ShareGroupDescribe 77, StreamsGroupDescribe 89,
 *   DescribeShareGroupOffsets 90): listings typed `share`/`streams` and every fetchShareGroupOffsets group get
 *   an UNSUPPORTED_VERSION (35) item error. kafkajs' own listings carry no type, so its share and streams
 *   groups go to DescribeGroups, which reports them `Dead` without members.
 * - OffsetFetch v4 (API 9): one group per request, each after its own FindCoordinator v2 (API 10); no
 *   coordinator cache, so describing and fetching the same group costs two FindCoordinator requests.
 */
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import type {
  Admin,
  logCreator,
  GroupDescription as KafkajsGroupDescription,
  KafkaConfig,
  LogEntry,
  SASLOptions,
} from 'kafkajs';
import { clientItemError, itemError, KafkaErrorCode } from './errors.js';
import type { ClientErrorName } from './errors.js';
import type {
  ClusterMetadata,
  CommittedOffset,
  GroupDescription,
  GroupListing,
  GroupMemberDescription,
  ItemResult,
  KafkaAdminPort,
  KafkaClientOptions,
  KafkaItemError,
  OffsetSpec,
  PartitionMetadata,
  PartitionOffset,
  RecordTimestamp,
  RecordTimestampQuery,
  ShareGroupOffset,
  TopicMetadata,
  TopicPartition,
} from './port.js';

/**
 * Topics reported as `internal`: Kafka 4.x `Topic.INTERNAL_TOPICS`, the set behind Metadata's `is_internal`.
 * Other names starting with `__` (e.g. `__remote_log_metadata`, Connect or Streams topics) are ordinary topics to
 * Kafka and are not marked. kafkajs does not expose `is_internal`, so this adapter matches these names.
 */
const INTERNAL_TOPICS: ReadonlySet<string> = new Set([
  '__consumer_offsets',
  '__transaction_state',
  '__share_group_state',
]);

/** How many public kafkajs calls (each one or more requests) one port call runs at the same time. */
const CONCURRENCY = 10;
/** Groups per kafkajs `describeGroups` call; kafkajs sends one FindCoordinator per group, all at once. */
const DESCRIBE_CHUNK = 100;

/** kafkajs' API names that differ from Kafka's (`GroupCoordinator` is API 10's pre-0.11 name). */
const API_NAMES: Readonly<Record<string, string>> = { GroupCoordinator: 'FindCoordinator' };

/** kafkajs errors after which it restores its metadata target topics (cluster.addMultipleTargetTopics). */
const TARGET_RESTORING_CODES: ReadonlySet<number> = new Set([
  KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  17, // INVALID_TOPIC_EXCEPTION
  KafkaErrorCode.TOPIC_AUTHORIZATION_FAILED,
]);
const UNKNOWN_TOPIC_OR_PARTITION = KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION;

/**
 * Creates the kafkajs adapter: two kafkajs admin clients of one `Kafka` instance (see the class fields). No
 * connection is made until the first call.
 *
 * kafkajs settings: `connectionTimeout`, `authenticationTimeout` and `requestTimeout` are all
 * `options.requestTimeoutMs`; `retry: { retries: 1 }`; TLS options map to Node's `tls.connect` options
 * (`servername`, `rejectUnauthorized: !insecureSkipVerify`); SASL PLAIN and SCRAM-SHA-256/512. Nothing is
 * printed: log entries go to an internal sink (see `#onLog`). Admin clients never create topics (kafkajs
 * hard-codes `allowAutoTopicCreation: false` for them).
 * @throws never; connection errors surface from the first method call.
 */
export function createKafkajsAdmin(options: KafkaClientOptions): KafkaAdminPort {
  return new KafkajsAdmin(options);
}

/** One kafkajs admin client and its lazily made connection. */
interface AdminHandle {
  admin: Admin;
  connected: Promise<void> | null;
}

class KafkajsAdmin implements KafkaAdminPort {
  readonly client = 'kafkajs' as const;
  readonly #kafka: Kafka;
  readonly #counts = new Map<string, number>();
  /** The last FindCoordinator failure per group id, read from kafkajs' debug log (see {@link #onLog}). */
  readonly #coordinatorErrors = new Map<string, { error: unknown; at: number }>();
  /** Metadata, groups and committed offsets. Its metadata target-topic set stays empty. */
  #main: AdminHandle;
  /**
   * ListOffsets only. `fetchTopicOffsets` adds every topic to kafkajs' metadata target set for good, and every
   * later Metadata refresh of that client fails once one of those topics is deleted; keeping it apart lets us
   * replace it (see {@link listOffsets}) without touching the other client.
   */
  #offsets: AdminHandle;
  /** Topics given to `#offsets` since it was created: a superset of its kafkajs target topics. */
  #offsetsTargets = new Set<string>();
  /** Topics `#offsets` has answered for. */
  #offsetsKnown = new Set<string>();
  /** Serialises {@link listOffsets} calls: they may replace `#offsets`. */
  #offsetsQueue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(options: KafkaClientOptions) {
    this.#kafka = new Kafka(kafkajsConfig(options, () => (entry) => this.#onLog(entry)));
    this.#main = this.#newAdmin();
    this.#offsets = this.#newAdmin();
  }

  /**
   * Metadata v6 (API 3) for all topics, through `describeCluster()` then `fetchTopicMetadata()`: 4 requests
   * (each kafkajs call refreshes its metadata cache first, then asks again). `topicId` and `rack` are null
   * (kafkajs drops them); `internal` is by name ({@link INTERNAL_TOPICS}); no topic ever has `error` set.
   * @throws when no broker answers, or when any topic or partition has a Metadata error, e.g.
   *   LEADER_NOT_AVAILABLE for a partition without a leader (kafkajs raises it for the whole call).
   */
  async describeCluster(): Promise<ClusterMetadata> {
    const admin = await this.#ready(this.#main);
    const cluster = await admin.describeCluster();
    const { topics } = await admin.fetchTopicMetadata();
    return {
      clusterId: cluster.clusterId,
      controllerId: cluster.controller,
      brokers: cluster.brokers
        .map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: null }))
        .sort((a, b) => a.id - b.id),
      topics: topics
        .map((t): TopicMetadata => ({
          name: t.name,
          topicId: null,
          internal: INTERNAL_TOPICS.has(t.name),
          partitions: t.partitions
            .map((p): PartitionMetadata => ({
              partition: p.partitionId,
              leader: p.leader,
              replicas: [...p.replicas],
              isr: [...p.isr],
              offlineReplicas: [...(p.offlineReplicas ?? [])],
            }))
            .sort((a, b) => a.partition - b.partition),
        }))
        .sort((a, b) => compare(a.name, b.name)),
    };
  }

  /**
   * Log-start (`earliest`) or last-stable (`latest`, see the module comment) offsets, as bigint: one
   * `fetchTopicOffsets(topic)` per distinct topic. Each is a Metadata v6 refresh of every topic this client has
   * read (concurrent calls share one) and two ListOffsets v3 (API 2) rounds, latest then earliest, one request per
   * leader of the topic. Both specs cost the same; the call returns the one asked for. Measured on one broker,
   * steady state, T topics: 2·T ListOffsets and about T/10 Metadata per call.
   *
   * A failed topic costs each requested partition of that topic (same error); a requested partition missing
   * from the topic gets UNKNOWN_TOPIC_OR_PARTITION. kafkajs keeps every topic it was asked about in its
   * metadata requests for good, and they all fail once one of those topics is deleted. So the kafkajs client
   * is replaced (a reconnect) when the requested topics no longer include every topic asked about before, and
   * when a topic read before fails with UNKNOWN_TOPIC_OR_PARTITION; then the failed topics are tried once more.
   * Calls run one at a time.
   * @throws when no broker can be connected.
   */
  listOffsets(partitions: TopicPartition[], spec: OffsetSpec): Promise<PartitionOffset[]> {
    const run = this.#offsetsQueue.then(() => this.#listOffsets(partitions, spec));
    this.#offsetsQueue = run.catch(() => undefined);
    return run;
  }

  async #listOffsets(partitions: TopicPartition[], spec: OffsetSpec): Promise<PartitionOffset[]> {
    if (this.#closed) throw new Error('kafkajs adapter is closed');
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of partitions) {
      const list = byTopic.get(topic);
      if (list) list.push(partition);
      else byTopic.set(topic, [partition]);
    }
    const topics = [...byTopic.keys()];
    if ([...this.#offsetsTargets].some((t) => !byTopic.has(t))) await this.#resetOffsetsAdmin();

    let fetched = await this.#fetchTopicOffsets(topics);
    const stale = [...fetched].filter(
      ([topic, r]) => !r.ok && r.error.code === UNKNOWN_TOPIC_OR_PARTITION && this.#offsetsKnown.has(topic),
    );
    if (stale.length > 0) {
      const retry = [...fetched].filter(([, r]) => !r.ok).map(([topic]) => topic);
      await this.#resetOffsetsAdmin();
      fetched = new Map([...fetched, ...(await this.#fetchTopicOffsets(retry))]);
    }

    const out: PartitionOffset[] = [];
    for (const [topic, wanted] of byTopic) {
      const result = fetched.get(topic);
      for (const partition of wanted) {
        if (!result || !result.ok) {
          out.push({
            topic,
            partition,
            error: result?.error ?? clientItemError('MISSING_IN_RESPONSE', 'no result for the topic'),
          });
          continue;
        }
        const entry = result.value.get(partition);
        if (!entry) {
          out.push({
            topic,
            partition,
            error: itemError(UNKNOWN_TOPIC_OR_PARTITION, `partition ${partition} is not in the metadata`),
          });
          continue;
        }
        out.push({ topic, partition, offset: spec === 'earliest' ? entry.low : entry.high });
      }
    }
    return out;
  }

  /**
   * Every group: ListGroups v2 (API 16) to each broker in turn, after a Metadata v6 refresh of all topics.
   * De-duplicated by group id, sorted. No `type` and no `state` (ListGroups v2 has neither); KIP-848 groups are
   * listed with protocol type `consumer`.
   * @throws when any broker fails (kafkajs asks them in sequence and stops at the first error), or when the
   *   Metadata refresh fails (see {@link describeCluster}).
   */
  async listGroups(): Promise<GroupListing[]> {
    const admin = await this.#ready(this.#main);
    const { groups } = await admin.listGroups();
    const byId = new Map<string, GroupListing>();
    for (const g of groups) {
      if (!byId.has(g.groupId)) byId.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType });
    }
    return [...byId.values()].sort((a, b) => compare(a.groupId, b.groupId));
  }

  /**
   * Describes groups with DescribeGroups v2 (API 15): per chunk of {@link DESCRIBE_CHUNK} groups, one
   * FindCoordinator v2 (API 10) per group, then one DescribeGroups per coordinator. kafkajs fails a whole
   * chunk when one group fails, so a failed chunk is described again one group at a time to give each group
   * its own result. Member assignments of `consumer`-protocol groups are decoded
   * (`AssignerProtocol.MemberAssignment`); other protocols get an empty assignment. `groupInstanceId` is always
   * null (DescribeGroups v2 has no such field); `type` is copied from the listing when present.
   * Unknown groups, and KIP-848 `consumer` groups (which DescribeGroups cannot see), come back `Dead` with no
   * members. Listings typed `share` or `streams` get an UNSUPPORTED_VERSION (35) item error without a request
   * (kafkajs has no ShareGroupDescribe, API 77, nor StreamsGroupDescribe, API 89); untyped ones are sent to
   * DescribeGroups like any other id.
   * @throws when no broker can be connected.
   */
  async describeGroups(groups: GroupListing[]): Promise<Map<string, ItemResult<GroupDescription>>> {
    const admin = await this.#ready(this.#main);
    const listings = new Map(groups.map((g) => [g.groupId, g]));
    const out = new Map<string, ItemResult<GroupDescription>>();
    const ids: string[] = [];
    for (const [groupId, listing] of listings) {
      if (listing.type === 'share' || listing.type === 'streams') {
        const api =
          listing.type === 'share' ? 'ShareGroupDescribe (API 77)' : 'StreamsGroupDescribe (API 89)';
        out.set(groupId, {
          ok: false,
          error: itemError(KafkaErrorCode.UNSUPPORTED_VERSION, `kafkajs 2.2.4 cannot send ${api}`),
        });
      } else {
        ids.push(groupId);
      }
    }

    const describeOne = async (groupId: string): Promise<void> => {
      const since = Date.now();
      try {
        const { groups: described } = await admin.describeGroups([groupId]);
        const d = described.find((g) => g.groupId === groupId);
        out.set(
          groupId,
          d ? { ok: true, value: toGroupDescription(d, listings.get(groupId)) } : missing(groupId),
        );
      } catch (err) {
        out.set(groupId, { ok: false, error: this.#groupError(groupId, err, since) });
      }
    };

    for (let i = 0; i < ids.length; i += DESCRIBE_CHUNK) {
      const chunk = ids.slice(i, i + DESCRIBE_CHUNK);
      if (chunk.length === 1) {
        await describeOne(chunk[0] as string);
        continue;
      }
      try {
        const { groups: described } = await admin.describeGroups(chunk);
        const byId = new Map(described.map((d) => [d.groupId, d]));
        for (const groupId of chunk) {
          const d = byId.get(groupId);
          out.set(
            groupId,
            d ? { ok: true, value: toGroupDescription(d, listings.get(groupId)) } : missing(groupId),
          );
        }
      } catch {
        await forEachLimit(chunk, CONCURRENCY, describeOne);
      }
    }
    return out;
  }

  /**
   * Not supported: kafkajs 2.2.4 has no DescribeShareGroupOffsets (API 90). Every group gets an
   * UNSUPPORTED_VERSION (35) item error. Sends no request.
   * @throws when the adapter is closed.
   */
  fetchShareGroupOffsets(groupIds: string[]): Promise<Map<string, ItemResult<ShareGroupOffset[]>>> {
    if (this.#closed) return Promise.reject(new Error('kafkajs adapter is closed'));
    const error = itemError(
      KafkaErrorCode.UNSUPPORTED_VERSION,
      'kafkajs 2.2.4 cannot send DescribeShareGroupOffsets (API 90)',
    );
    return Promise.resolve(new Map(groupIds.map((id) => [id, { ok: false, error }])));
  }

  /**
   * Committed offsets of each group: `fetchOffsets({ groupId })`, i.e. one FindCoordinator v2 (API 10) and one
   * OffsetFetch v4 (API 9, all topics) per group, up to {@link CONCURRENCY} groups at a time. Partitions without
   * a commit (offset -1) are left out; an unknown group has none. A group's failure (including any partition
   * error, which kafkajs raises for the whole response) is that group's error; a FindCoordinator error such as
   * GROUP_AUTHORIZATION_FAILED keeps its Kafka code (see `#onLog`). Offsets sorted by topic, then partition.
   * @throws when no broker can be connected.
   */
  async fetchCommittedOffsets(groupIds: string[]): Promise<Map<string, ItemResult<CommittedOffset[]>>> {
    const admin = await this.#ready(this.#main);
    const out = new Map<string, ItemResult<CommittedOffset[]>>();
    await forEachLimit([...new Set(groupIds)], CONCURRENCY, async (groupId) => {
      const since = Date.now();
      try {
        const topics = await admin.fetchOffsets({ groupId });
        const offsets: CommittedOffset[] = [];
        for (const { topic, partitions } of topics) {
          for (const p of partitions) {
            const offset = parseOffset(p.offset);
            if (offset >= 0n) offsets.push({ topic, partition: p.partition, offset });
          }
        }
        offsets.sort((a, b) => compare(a.topic, b.topic) || a.partition - b.partition);
        out.set(groupId, { ok: true, value: offsets });
      } catch (err) {
        out.set(groupId, { ok: false, error: this.#groupError(groupId, err, since) });
      }
    });
    return out;
  }

  /**
   * Not supported: kafkajs' admin API has no Fetch (API 1), and its Consumer would need a group join and a seek
   * per partition for each query. Every query gets a code -1 `UNSUPPORTED_API` item error (lagwatch then
   * estimates time lag from offsets). Sends no request.
   * @throws when the adapter is closed.
   */
  fetchRecordTimestamps(queries: RecordTimestampQuery[]): Promise<RecordTimestamp[]> {
    if (this.#closed) return Promise.reject(new Error('kafkajs adapter is closed'));
    return Promise.resolve(
      queries.map(({ topic, partition, offset }) => ({
        topic,
        partition,
        offset,
        error: clientItemError(
          'UNSUPPORTED_API',
          'kafkajs cannot fetch records through its admin API; time lag falls back to the offset-based estimate',
        ),
      })),
    );
  }

  /**
   * Requests sent by this adapter, by Kafka API name, from kafkajs' `admin.events.REQUEST` (a response arrived)
   * and `admin.events.REQUEST_TIMEOUT` (no response in time) events of both internal clients. Includes
   * ApiVersions and, with SASL, SaslHandshake and SaslAuthenticate. A snapshot, not a live view.
   */
  requestCounts(): ReadonlyMap<string, number> {
    return new Map(this.#counts);
  }

  /** Disconnects both kafkajs clients. Idempotent; later calls of the other methods throw. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([disconnect(this.#main), disconnect(this.#offsets)]);
  }

  /**
   * kafkajs log sink (level DEBUG). It drops every entry except `Tried to find group coordinator` (namespace
   * `Cluster`), which carries the groupId and the error of one FindCoordinator attempt. kafkajs itself swallows
   * that error and throws `KafkaJSGroupCoordinatorNotFound`; {@link #groupError} puts the Kafka error (e.g. 30
   * GROUP_AUTHORIZATION_FAILED) back. If KAFKAJS_LOG_LEVEL lowers the level, such groups get CLIENT_ERROR.
   */
  #onLog(entry: LogEntry): void {
    if (entry.namespace !== 'Cluster' || entry.log.message !== 'Tried to find group coordinator') return;
    const extra: Record<string, unknown> = entry.log;
    const groupId = extra['groupId'];
    if (typeof groupId !== 'string') return;
    if (this.#coordinatorErrors.size >= 10_000) this.#coordinatorErrors.clear();
    this.#coordinatorErrors.set(groupId, { error: extra['error'], at: Date.now() });
  }

  /** The item error of a group operation that started at `since` (ms) and failed with `err`. */
  #groupError(groupId: string, err: unknown, since: number): KafkaItemError {
    const error = toItemError(err);
    const inner = unwrapRetries(err);
    if (isRecord(inner) && inner['name'] === 'KafkaJSGroupCoordinatorNotFound') {
      const seen = this.#coordinatorErrors.get(groupId);
      if (seen && seen.at >= since) {
        const cause = toItemError(seen.error);
        if (cause.code !== -1) return { ...cause, message: `FindCoordinator: ${cause.message}` };
      }
    }
    return error;
  }

  #newAdmin(): AdminHandle {
    const admin = this.#kafka.admin({ retry: { retries: 1 } });
    const count = (apiName: string): void => {
      const name = API_NAMES[apiName] ?? apiName;
      this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
    };
    admin.on(admin.events.REQUEST, (e) => count(e.payload.apiName));
    admin.on(admin.events.REQUEST_TIMEOUT, (e) => count(e.payload.apiName));
    return { admin, connected: null };
  }

  /** The connected kafkajs admin of `handle`; connects on first use and again after a failed attempt. */
  async #ready(handle: AdminHandle): Promise<Admin> {
    if (this.#closed) throw new Error('kafkajs adapter is closed');
    if (!handle.connected) {
      handle.connected = handle.admin.connect().catch((err: unknown) => {
        handle.connected = null;
        throw err;
      });
    }
    await handle.connected;
    return handle.admin;
  }

  async #resetOffsetsAdmin(): Promise<void> {
    const old = this.#offsets;
    this.#offsets = this.#newAdmin();
    this.#offsetsTargets = new Set();
    this.#offsetsKnown = new Set();
    await disconnect(old);
  }

  /**
   * `fetchTopicOffsets` for each topic on the offsets client; per-topic results keyed by partition.
   * Topics the client has answered for before run {@link CONCURRENCY} at a time; new topics run one after the
   * other, because kafkajs adds a new topic to its target set, refreshes metadata for the whole set and removes
   * it again on failure, so a concurrent first fetch of a forbidden or unknown topic fails its neighbours too.
   */
  async #fetchTopicOffsets(
    topics: string[],
  ): Promise<Map<string, ItemResult<Map<number, { low: bigint; high: bigint }>>>> {
    const admin = await this.#ready(this.#offsets);
    const targets = this.#offsetsTargets;
    const known = this.#offsetsKnown;
    const out = new Map<string, ItemResult<Map<number, { low: bigint; high: bigint }>>>();
    const fetchOne = async (topic: string): Promise<void> => {
      targets.add(topic);
      try {
        const rows = await admin.fetchTopicOffsets(topic);
        const byPartition = new Map<number, { low: bigint; high: bigint }>();
        for (const r of rows)
          byPartition.set(r.partition, { low: parseOffset(r.low), high: parseOffset(r.high) });
        known.add(topic);
        out.set(topic, { ok: true, value: byPartition });
      } catch (err) {
        const error = toItemError(err);
        // kafkajs removes a new topic from its target set again after these errors.
        if (TARGET_RESTORING_CODES.has(error.code) && !known.has(topic)) targets.delete(topic);
        out.set(topic, { ok: false, error });
      }
    };
    await forEachLimit(
      topics.filter((t) => known.has(t)),
      CONCURRENCY,
      fetchOne,
    );
    await forEachLimit(
      topics.filter((t) => !known.has(t)),
      1,
      fetchOne,
    );
    return out;
  }
}

function kafkajsConfig(options: KafkaClientOptions, logCreator: logCreator): KafkaConfig {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.requestTimeoutMs,
    authenticationTimeout: options.requestTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    retry: { retries: 1 },
    // DEBUG reaches the logCreator, which keeps only FindCoordinator failures (see #onLog) and prints nothing.
    logLevel: logLevel.DEBUG,
    logCreator,
  };
  if (options.tls) {
    const { ca, cert, key, serverName, insecureSkipVerify } = options.tls;
    config.ssl = {
      rejectUnauthorized: !insecureSkipVerify,
      ...(ca !== undefined && { ca }),
      ...(cert !== undefined && { cert }),
      ...(key !== undefined && { key }),
      ...(serverName !== undefined && { servername: serverName }),
    };
  }
  if (options.sasl) config.sasl = kafkajsSasl(options.sasl);
  return config;
}

function kafkajsSasl(sasl: NonNullable<KafkaClientOptions['sasl']>): SASLOptions {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'PLAIN':
      return { mechanism: 'plain', username, password };
    case 'SCRAM-SHA-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'SCRAM-SHA-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}

function toGroupDescription(d: KafkajsGroupDescription, listing: GroupListing | undefined): GroupDescription {
  return {
    groupId: d.groupId,
    ...(listing?.type !== undefined && { type: listing.type }),
    state: d.state,
    protocolType: d.protocolType,
    protocol: d.protocol,
    members: d.members.map((m): GroupMemberDescription => ({
      memberId: m.memberId,
      groupInstanceId: null,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: d.protocolType === 'consumer' ? decodeAssignment(m.memberAssignment) : [],
    })),
  };
}

/** Decodes a consumer-protocol member assignment; an empty or undecodable one is no partitions. */
function decodeAssignment(buffer: Buffer): TopicPartition[] {
  if (buffer.length === 0) return [];
  let decoded;
  try {
    decoded = AssignerProtocol.MemberAssignment.decode(buffer);
  } catch {
    return [];
  }
  if (!decoded) return [];
  const out: TopicPartition[] = [];
  for (const [topic, partitions] of Object.entries(decoded.assignment)) {
    for (const partition of partitions) out.push({ topic, partition });
  }
  return out.sort((a, b) => compare(a.topic, b.topic) || a.partition - b.partition);
}

function missing(groupId: string): ItemResult<never> {
  return {
    ok: false,
    error: clientItemError(
      'MISSING_IN_RESPONSE',
      `group ${groupId} missing from the DescribeGroups response`,
    ),
  };
}

/** Parses a kafkajs int64 string. */
function parseOffset(value: unknown): bigint {
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  throw new Error(`kafkajs returned an offset that is not an integer: ${String(value)}`);
}

/**
 * Maps a kafkajs error to a per-item error: a protocol error keeps its Kafka code and name; client-side errors
 * get code -1 and a {@link ClientErrorName}. Retry wrappers (`KafkaJSNumberOfRetriesExceeded`) are unwrapped.
 */
function toItemError(err: unknown): KafkaItemError {
  const e = unwrapRetries(err);
  if (!isRecord(e)) return clientItemError('CLIENT_ERROR', String(e));
  const message = typeof e['message'] === 'string' ? e['message'] : String(e);
  const code = e['code'];
  // KafkaJSProtocolError has a numeric `code` and a `type` (the Kafka error name); KafkaJSConnectionError's
  // `code` is a Node errno string.
  if (typeof code === 'number' && typeof e['type'] === 'string') return itemError(code, message);
  return clientItemError(clientErrorName(e['name']), message);
}

/** The error inside kafkajs' `KafkaJSNumberOfRetriesExceeded` wrappers (its `cause`). */
function unwrapRetries(err: unknown): unknown {
  let e = err;
  for (let depth = 0; depth < 5 && isRecord(e) && e['name'] === 'KafkaJSNumberOfRetriesExceeded'; depth++) {
    const inner = e['cause'] ?? e['originalError'];
    if (inner === undefined) break;
    e = inner;
  }
  return e;
}

function clientErrorName(kafkajsName: unknown): ClientErrorName {
  switch (kafkajsName) {
    case 'KafkaJSRequestTimeoutError':
    case 'KafkaJSLockTimeout':
    case 'KafkaJSTimeout':
      return 'TIMEOUT';
    case 'KafkaJSConnectionError':
    case 'KafkaJSConnectionClosedError':
    case 'KafkaJSNoBrokerAvailableError':
      return 'NETWORK_ERROR';
    case 'KafkaJSSASLAuthenticationError':
      return 'AUTHENTICATION_FAILED';
    case 'KafkaJSServerDoesNotSupportApiKey':
    case 'KafkaJSNotImplemented':
      return 'UNSUPPORTED_API';
    default:
      // includes KafkaJSGroupCoordinatorNotFound: kafkajs drops FindCoordinator's error code (e.g. 30
      // GROUP_AUTHORIZATION_FAILED) and reports that no broker named a coordinator.
      return 'CLIENT_ERROR';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Disconnects a kafkajs admin, waiting for a connection attempt in progress first. Never throws. */
async function disconnect(handle: AdminHandle): Promise<void> {
  const connecting = handle.connected;
  handle.connected = null;
  await connecting?.catch(() => undefined);
  await handle.admin.disconnect().catch(() => undefined);
}

/** Runs `fn` over `items` with at most `limit` in flight. `fn` must not throw. */
async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
