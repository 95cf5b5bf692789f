/**
 * The default Kafka adapter, on @platformatic/kafka 1.35.0 (pure JS, Kafka protocol versions of brokers ≥ 3.x).
 *
 * Requests one call of each method sends (N = brokers, C = coordinators of the asked groups):
 * - describeCluster: 1 Metadata (all topics, internal ones included).
 * - listOffsets: 1 ListOffsets per partition leader, using the leaders of the latest Metadata; 1 extra
 *   Metadata for topics it has not seen; one more Metadata + ListOffsets round for partitions that failed
 *   with a stale-metadata error (leader moved, topic re-created).
 * - listGroups: 1 ListGroups v5 per broker (1 Metadata first if no Metadata was seen yet).
 * - describeGroups: 1 FindCoordinator (all groups) + per coordinator 1 DescribeGroups (classic groups, and
 *   groups of unknown type), 1 ConsumerGroupDescribe (`consumer`), 1 ShareGroupDescribe (`share`) and
 *   1 StreamsGroupDescribe (`streams`) for the types present, per 500 groups.
 * - fetchShareGroupOffsets: 1 FindCoordinator + 1 DescribeShareGroupOffsets per coordinator per 500 groups.
 * - fetchCommittedOffsets: 1 FindCoordinator + 1 OffsetFetch v8+ per coordinator per 500 groups.
 * - describeGroups, fetchCommittedOffsets and fetchShareGroupOffsets re-find the coordinator once for groups answered with
 *   NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE.
 * - fetchRecordTimestamps: per round 1 Fetch per partition leader (1 round unless a partition is asked at
 *   offsets one response does not cover, or a record batch was cut); see src/kafka/platformatic-fetch.ts.
 * - The first request of the instance is preceded by one ApiVersions; each new connection with SASL adds a
 *   SaslHandshake and one or more SaslAuthenticate.
 */
import { Admin, type AdminOptions, type Broker, type Connection } from '@platformatic/kafka';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  KafkaErrorCode,
  STALE_COORDINATOR_CODES,
  STALE_METADATA_CODES,
  clientItemError,
  itemError,
} from './errors.js';
import {
  bootstrapConnection,
  brokerConnection,
  decodeConsumerProtocolAssignment,
  describeFailure,
  sendConsumerGroupDescribe,
  sendDescribeGroups,
  sendFindGroupCoordinators,
  sendListGroups,
  sendListOffsets,
  sendMetadata,
  sendOffsetFetch,
  type ListOffsetsRequestTopic,
  type MetadataResponse,
} from './platformatic-protocol.js';
import { fetchRecordTimestamps } from './platformatic-fetch.js';
import {
  describeShareGroups,
  describeStreamsGroups,
  fetchShareGroupOffsetsFrom,
} from './platformatic-group-types.js';
import { countRequests, type RequestCounter } from './platformatic-requests.js';
import type {
  BrokerDescription,
  ClusterMetadata,
  CommittedOffset,
  GroupDescription,
  GroupListing,
  GroupType,
  ItemResult,
  KafkaAdminPort,
  KafkaClientOptions,
  OffsetSpec,
  PartitionOffset,
  ShareGroupOffset,
  RecordTimestamp,
  RecordTimestampQuery,
  TopicMetadata,
  TopicPartition,
} from './port.js';

/**
 * Groups per DescribeGroups, ConsumerGroupDescribe and OffsetFetch request. OffsetFetch v8+ takes any number
 * of groups, but the coordinator answers a request as a whole: one request for thousands of groups (each
 * with many partitions) makes one very large response, can outlast the request timeout and then fails
 * every group at once, and holds a broker request-handler thread for its whole duration. 500 keeps the
 * request count at C·⌈G/500⌉ while bounding each response and what one timeout costs.
 */
export const GROUPS_PER_REQUEST = 500;

/** Retries of platformatic's internal operations (ApiVersions); a poll has its own deadline and retries next time. */
const PLATFORMATIC_RETRIES = 1;

const GROUP_TYPES: ReadonlySet<string> = new Set<GroupType>(['classic', 'consumer', 'share', 'streams']);

interface CachedPartition {
  leader: number;
  /** The topic's UUID (Metadata v10+), null when Metadata gave none; Fetch v13+ names topics by id. */
  topicId: string | null;
}

/** What the adapter remembers from the latest Metadata responses: where to send ListOffsets. */
interface MetadataCache {
  brokers: Map<number, Broker>;
  /** Topic name → partition number → leader. */
  topics: Map<string, Map<number, CachedPartition>>;
}

interface Coordinator {
  nodeId: number;
  broker: Broker;
}

const tpKey = (topic: string, partition: number): string => `${partition}\u0000${topic}`;

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

function groupBy<K, V>(items: Iterable<V>, key: (item: V) => K): Map<K, V[]> {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Maps the port's connection settings to platformatic `Admin` options. */
export function platformaticAdminOptions(options: KafkaClientOptions): AdminOptions {
  const adminOptions: AdminOptions & { requestTimeout: number } = {
    clientId: options.clientId,
    bootstrapBrokers: options.brokers,
    // `timeout` is the broker-side timeout of admin operations; `requestTimeout` is one request's deadline.
    timeout: options.requestTimeoutMs,
    connectTimeout: options.requestTimeoutMs,
    requestTimeout: options.requestTimeoutMs,
    retries: PLATFORMATIC_RETRIES,
    retryDelay: 100,
    autocreateTopics: false,
    // `metrics` is left unset: platformatic's own prom-client metrics stay off.
  };
  if (options.tls) {
    const { ca, cert, key, serverName, insecureSkipVerify } = options.tls;
    const tls: TlsConnectionOptions = { rejectUnauthorized: insecureSkipVerify !== true };
    if (ca !== undefined) tls.ca = ca;
    if (cert !== undefined) tls.cert = cert;
    if (key !== undefined) tls.key = key;
    adminOptions.tls = tls;
    if (serverName !== undefined) adminOptions.tlsServerName = serverName;
  }
  if (options.sasl) {
    const { mechanism, username, password } = options.sasl;
    adminOptions.sasl = { mechanism, username, password };
  }
  return adminOptions;
}

class PlatformaticAdmin implements KafkaAdminPort {
  readonly client = 'platformatic' as const;
  readonly #admin: Admin;
  readonly #counter: RequestCounter;
  #cache: MetadataCache | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: KafkaClientOptions) {
    this.#admin = new Admin(platformaticAdminOptions(options));
    this.#counter = countRequests(this.#admin.connections);
  }

  requestCounts(): ReadonlyMap<string, number> {
    return this.#counter.counts();
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#counter.stop();
      await this.#admin.close();
    })();
    return this.#closing;
  }

  // ------------------------------------------------------------------------------------------------------
  // Metadata

  /**
   * A connection for cluster-wide requests (Metadata, FindCoordinator): the first reachable bootstrap
   * broker, else any broker of the latest Metadata (the bootstrap list may name brokers that are gone).
   */
  async #anyConnection(): Promise<Connection> {
    try {
      return await bootstrapConnection(this.#admin);
    } catch (error) {
      for (const broker of this.#cache?.brokers.values() ?? []) {
        try {
          return await brokerConnection(this.#admin, broker);
        } catch {
          // try the next one
        }
      }
      throw error;
    }
  }

  async #metadata(topics: string[] | null): Promise<MetadataResponse> {
    try {
      return await sendMetadata(this.#admin, await this.#anyConnection(), topics);
    } catch (error) {
      throw new Error(`Metadata request failed: ${describeFailure(error).message}`, { cause: error });
    }
  }

  /** Stores brokers and leaders; a full answer (`topics` null) replaces the topic cache. */
  #remember(response: MetadataResponse, full: boolean): void {
    const brokers = new Map<number, Broker>();
    for (const b of response.brokers) brokers.set(b.nodeId, { host: b.host, port: b.port });
    const topics =
      full || !this.#cache ? new Map<string, Map<number, CachedPartition>>() : this.#cache.topics;
    for (const topic of response.topics) {
      if (typeof topic.name !== 'string') continue;
      if (topic.errorCode !== 0 && topic.partitions.length === 0) {
        topics.delete(topic.name);
        continue;
      }
      const partitions = new Map<number, CachedPartition>();
      const topicId = topic.topicId ?? null;
      for (const p of topic.partitions) partitions.set(p.partitionIndex, { leader: p.leaderId, topicId });
      topics.set(topic.name, partitions);
    }
    this.#cache = { brokers, topics };
  }

  async describeCluster(): Promise<ClusterMetadata> {
    const response = await this.#metadata(null);
    this.#remember(response, true);
    const brokers: BrokerDescription[] = response.brokers
      .map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null }))
      .sort((a, b) => a.id - b.id);
    const topics: TopicMetadata[] = [];
    for (const t of response.topics) {
      if (typeof t.name !== 'string') continue;
      const topic: TopicMetadata = {
        name: t.name,
        topicId: t.topicId && t.topicId !== '00000000-0000-0000-0000-000000000000' ? t.topicId : null,
        internal: t.isInternal,
        partitions: t.partitions
          .map((p) => ({
            partition: p.partitionIndex,
            leader: p.leaderId,
            replicas: [...p.replicaNodes],
            isr: [...p.isrNodes],
            offlineReplicas: [...p.offlineReplicas],
          }))
          .sort((a, b) => a.partition - b.partition),
      };
      if (t.errorCode !== 0) topic.error = itemError(t.errorCode);
      topics.push(topic);
    }
    topics.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return {
      clusterId: response.clusterId ?? '',
      controllerId: response.controllerId >= 0 ? response.controllerId : null,
      brokers,
      topics,
    };
  }

  // ------------------------------------------------------------------------------------------------------
  // ListOffsets

  async listOffsets(partitions: TopicPartition[], spec: OffsetSpec): Promise<PartitionOffset[]> {
    const timestamp = spec === 'earliest' ? -2n : -1n;
    const pending = new Map<string, TopicPartition>();
    for (const tp of partitions)
      pending.set(tpKey(tp.topic, tp.partition), { topic: tp.topic, partition: tp.partition });
    const results: PartitionOffset[] = [];

    for (let round = 0; round < 2 && pending.size > 0; round++) {
      const last = round === 1;
      // Round 0 asks Metadata only for topics never seen; round 1 refreshes the topics that failed as stale.
      const topics = new Set([...pending.values()].map((tp) => tp.topic));
      const toRefresh = last ? [...topics] : [...topics].filter((t) => !this.#cache?.topics.has(t));
      if (toRefresh.length > 0) {
        try {
          this.#remember(await this.#metadata(toRefresh.sort()), false);
        } catch (error) {
          if (!last) throw error; // nothing could be asked at all
          // The retry round cannot run: the partitions still pending keep the reason, the rest stand.
          const failure = describeFailure(error);
          for (const tp of pending.values()) results.push({ ...tp, error: failure });
          break;
        }
      }
      const cache = this.#cache;

      const byLeader = new Map<number, TopicPartition[]>();
      for (const [key, tp] of pending) {
        const partition = cache?.topics.get(tp.topic)?.get(tp.partition);
        if (!partition) {
          // A partition added since the cached Metadata: round 1 refreshes its topic.
          if (!last && !toRefresh.includes(tp.topic)) continue;
          results.push({ ...tp, error: itemError(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION) });
          pending.delete(key);
        } else if (partition.leader < 0 || !cache?.brokers.has(partition.leader)) {
          if (!last) continue; // the refresh of round 1 may find a leader
          results.push({ ...tp, error: itemError(KafkaErrorCode.LEADER_NOT_AVAILABLE) });
          pending.delete(key);
        } else {
          const list = byLeader.get(partition.leader);
          if (list) list.push(tp);
          else byLeader.set(partition.leader, [tp]);
        }
      }

      await Promise.all(
        [...byLeader].map(async ([leader, tps]) => {
          const broker = cache?.brokers.get(leader);
          const request: ListOffsetsRequestTopic[] = [...groupBy(tps, (tp) => tp.topic)].map(
            ([name, list]) => ({
              name,
              partitions: list.map((tp) => ({
                partitionIndex: tp.partition,
                currentLeaderEpoch: -1,
                timestamp,
              })),
            }),
          );
          let answered: Map<string, { offset: bigint } | { errorCode: number }>;
          try {
            if (!broker) throw new Error(`broker ${leader} unknown`);
            const response = await sendListOffsets(
              this.#admin,
              await brokerConnection(this.#admin, broker),
              request,
            );
            answered = new Map();
            for (const t of response.topics) {
              for (const p of t.partitions) {
                answered.set(
                  tpKey(t.name, p.partitionIndex),
                  p.errorCode === 0 ? { offset: p.offset } : { errorCode: p.errorCode },
                );
              }
            }
          } catch (error) {
            const failure = describeFailure(error);
            for (const tp of tps) {
              // A dead leader: round 1 looks for the new one. A timeout is not retried (poll deadline).
              if (!last && failure.name === 'NETWORK_ERROR') continue;
              results.push({ ...tp, error: failure });
              pending.delete(tpKey(tp.topic, tp.partition));
            }
            return;
          }
          for (const tp of tps) {
            const key = tpKey(tp.topic, tp.partition);
            const answer = answered.get(key);
            if (answer === undefined) {
              results.push({
                ...tp,
                error: clientItemError(
                  'MISSING_IN_RESPONSE',
                  `ListOffsets answer lacks ${tp.topic}-${tp.partition}`,
                ),
              });
            } else if ('offset' in answer) {
              results.push({ ...tp, offset: answer.offset });
            } else if (!last && STALE_METADATA_CODES.has(answer.errorCode)) {
              continue; // retried in round 1 with fresh metadata
            } else {
              results.push({ ...tp, error: itemError(answer.errorCode) });
            }
            pending.delete(key);
          }
        }),
      );
    }
    return results;
  }

  // ------------------------------------------------------------------------------------------------------
  // Groups

  async listGroups(): Promise<GroupListing[]> {
    if (!this.#cache) this.#remember(await this.#metadata([]), false);
    const brokers = [...(this.#cache?.brokers ?? new Map<number, Broker>())];
    const failures: string[] = [];
    const listings = new Map<string, GroupListing>();
    await Promise.all(
      brokers.map(async ([id, broker]) => {
        try {
          const response = await sendListGroups(this.#admin, await brokerConnection(this.#admin, broker));
          if (response.errorCode !== 0) {
            failures.push(`broker ${id}: ${itemError(response.errorCode).name}`);
            return;
          }
          for (const g of response.groups) {
            if (typeof g.groupId !== 'string' || listings.has(g.groupId)) continue;
            const listing: GroupListing = {
              groupId: g.groupId,
              protocolType: g.protocolType,
              state: g.groupState,
            };
            const type: unknown = (g as { groupType?: unknown }).groupType;
            if (typeof type === 'string' && GROUP_TYPES.has(type.toLowerCase())) {
              listing.type = type.toLowerCase() as GroupType;
            }
            listings.set(g.groupId, listing);
          }
        } catch (error) {
          failures.push(`broker ${id}: ${describeFailure(error).message}`);
        }
      }),
    );
    // One failed broker costs the groups it coordinates; only a complete failure fails the call.
    if (brokers.length > 0 && failures.length === brokers.length) {
      throw new Error(`ListGroups failed on every broker: ${failures.join('; ')}`);
    }
    return [...listings.values()].sort((a, b) =>
      a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0,
    );
  }

  /** One batched FindCoordinator: group id → its coordinator, or that group's error. Throws when no broker answers. */
  async #findCoordinators(groupIds: string[]): Promise<Map<string, ItemResult<Coordinator>>> {
    let response;
    try {
      response = await sendFindGroupCoordinators(this.#admin, await this.#anyConnection(), groupIds);
    } catch (error) {
      throw new Error(`FindCoordinator request failed: ${describeFailure(error).message}`, { cause: error });
    }
    const result = new Map<string, ItemResult<Coordinator>>();
    for (const c of response.coordinators) {
      result.set(
        c.key,
        c.errorCode === 0
          ? { ok: true, value: { nodeId: c.nodeId, broker: { host: c.host, port: c.port } } }
          : { ok: false, error: itemError(c.errorCode, c.errorMessage) },
      );
    }
    for (const id of groupIds) {
      if (!result.has(id)) {
        result.set(id, {
          ok: false,
          error: clientItemError('MISSING_IN_RESPONSE', `FindCoordinator answer lacks ${id}`),
        });
      }
    }
    return result;
  }

  /**
   * Runs `perCoordinator` for the groups of each coordinator (in chunks of {@link GROUPS_PER_REQUEST}) and
   * re-routes once the groups it answers with a stale-coordinator error. `perCoordinator` returns an
   * answer per group it could read; groups it does not mention get `MISSING_IN_RESPONSE`.
   */
  async #perCoordinator<T>(
    groupIds: string[],
    perCoordinator: (connection: Connection, groupIds: string[]) => Promise<Map<string, ItemResult<T>>>,
  ): Promise<Map<string, ItemResult<T>>> {
    const results = new Map<string, ItemResult<T>>();
    let pending = [...new Set(groupIds)];
    for (let round = 0; round < 2 && pending.length > 0; round++) {
      const last = round === 1;
      let coordinators: Map<string, ItemResult<Coordinator>>;
      try {
        coordinators = await this.#findCoordinators(pending);
      } catch (error) {
        if (!last) throw error; // nothing could be asked at all
        const failure = describeFailure(error);
        for (const id of pending) results.set(id, { ok: false, error: failure });
        break;
      }
      const retry: string[] = [];
      const byNode = new Map<number, { broker: Broker; groups: string[] }>();
      for (const id of pending) {
        const found = coordinators.get(id);
        if (!found || !found.ok) {
          if (!last && found && STALE_COORDINATOR_CODES.has(found.error.code)) retry.push(id);
          else
            results.set(
              id,
              found && !found.ok ? found : { ok: false, error: clientItemError('MISSING_IN_RESPONSE', id) },
            );
          continue;
        }
        const entry = byNode.get(found.value.nodeId);
        if (entry) entry.groups.push(id);
        else byNode.set(found.value.nodeId, { broker: found.value.broker, groups: [id] });
      }
      const requests = [...byNode.values()].flatMap(({ broker, groups }) =>
        chunk(groups, GROUPS_PER_REQUEST).map((ids) => ({ broker, ids })),
      );
      await Promise.all(
        requests.map(async ({ broker, ids }) => {
          let answers: Map<string, ItemResult<T>>;
          try {
            answers = await perCoordinator(await brokerConnection(this.#admin, broker), ids);
          } catch (error) {
            const failure = describeFailure(error);
            for (const id of ids) {
              if (!last && failure.name === 'NETWORK_ERROR') retry.push(id);
              else results.set(id, { ok: false, error: failure });
            }
            return;
          }
          for (const id of ids) {
            const answer = answers.get(id);
            if (!answer) {
              results.set(id, {
                ok: false,
                error: clientItemError('MISSING_IN_RESPONSE', `The coordinator did not answer for ${id}`),
              });
            } else if (!answer.ok && !last && STALE_COORDINATOR_CODES.has(answer.error.code)) {
              retry.push(id);
            } else {
              results.set(id, answer);
            }
          }
        }),
      );
      pending = retry;
    }
    return results;
  }

  async describeGroups(groups: GroupListing[]): Promise<Map<string, ItemResult<GroupDescription>>> {
    const results = new Map<string, ItemResult<GroupDescription>>();
    const byId = new Map<string, GroupListing>();
    for (const g of groups) byId.set(g.groupId, g);
    const describable = [...byId.keys()];
    if (describable.length === 0) return results;
    const protocolTypes = new Map([...byId].map(([id, g]) => [id, g.protocolType]));
    // Groups of unknown type (a broker without ListGroups v5) go to DescribeGroups, which answers for any id.
    const typeOf = (id: string): GroupType => byId.get(id)?.type ?? 'classic';

    // One FindCoordinator for all groups; per coordinator, one describe request per group type present,
    // all at once (src/kafka/platformatic-group-types.ts for `share` and `streams`).
    const described = await this.#perCoordinator(describable, async (connection, ids) => {
      const ofType = (type: GroupType): string[] => ids.filter((id) => typeOf(id) === type);
      const classic = ofType('classic');
      const consumer = ofType('consumer');
      const share = ofType('share');
      const streams = ofType('streams');
      const requests: [string[], Promise<Map<string, ItemResult<GroupDescription>>>][] = [];
      if (classic.length > 0) requests.push([classic, this.#describeClassic(connection, classic, byId)]);
      if (consumer.length > 0) requests.push([consumer, this.#describeConsumer(connection, consumer, byId)]);
      if (share.length > 0)
        requests.push([share, describeShareGroups(this.#admin, connection, share, protocolTypes)]);
      if (streams.length > 0)
        requests.push([streams, describeStreamsGroups(this.#admin, connection, streams, protocolTypes)]);
      const settled = await Promise.allSettled(requests.map(([, request]) => request));
      // All failed: the coordinator is unreachable; let #perCoordinator decide (re-route or item errors).
      const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (rejected && settled.every((s) => s.status === 'rejected')) throw rejected.reason;
      const answers = new Map<string, ItemResult<GroupDescription>>();
      settled.forEach((outcome, i) => {
        if (outcome.status === 'fulfilled') {
          for (const [id, answer] of outcome.value) answers.set(id, answer);
        } else {
          const error = describeFailure(outcome.reason);
          for (const id of requests[i]?.[0] ?? []) answers.set(id, { ok: false, error });
        }
      });
      return answers;
    });
    for (const [id, result] of described) results.set(id, result);
    return results;
  }

  async #describeClassic(
    connection: Connection,
    groupIds: string[],
    listings: Map<string, GroupListing>,
  ): Promise<Map<string, ItemResult<GroupDescription>>> {
    const response = await sendDescribeGroups(this.#admin, connection, groupIds);
    const results = new Map<string, ItemResult<GroupDescription>>();
    for (const g of response.groups) {
      if (g.errorCode !== 0) {
        results.set(g.groupId, { ok: false, error: itemError(g.errorCode) });
        continue;
      }
      const isConsumer = g.protocolType === 'consumer';
      const description: GroupDescription = {
        groupId: g.groupId,
        state: g.groupState,
        protocolType: g.protocolType,
        protocol: g.protocolData,
        members: g.members.map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId ?? null,
          clientId: m.clientId,
          clientHost: m.clientHost,
          assignment: isConsumer ? decodeConsumerProtocolAssignment(m.memberAssignment) : [],
        })),
      };
      const type = listings.get(g.groupId)?.type;
      if (type !== undefined) description.type = type;
      results.set(g.groupId, { ok: true, value: description });
    }
    return results;
  }

  async #describeConsumer(
    connection: Connection,
    groupIds: string[],
    listings: Map<string, GroupListing>,
  ): Promise<Map<string, ItemResult<GroupDescription>>> {
    const response = await sendConsumerGroupDescribe(this.#admin, connection, groupIds);
    const results = new Map<string, ItemResult<GroupDescription>>();
    for (const g of response.groups) {
      if (g.errorCode !== 0) {
        results.set(g.groupId, { ok: false, error: itemError(g.errorCode, g.errorMessage) });
        continue;
      }
      results.set(g.groupId, {
        ok: true,
        value: {
          groupId: g.groupId,
          type: 'consumer',
          state: g.groupState,
          protocolType: listings.get(g.groupId)?.protocolType ?? 'consumer',
          protocol: g.assignorName,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.instanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            assignment: m.assignment,
          })),
        },
      });
    }
    return results;
  }

  // ------------------------------------------------------------------------------------------------------
  // Record timestamps

  /**
   * Fetch (API 1, v12–v17) rounds through src/kafka/platformatic-fetch.ts, routed with this adapter's Metadata
   * cache (1 Metadata first for topics it has not seen; 1 more for partitions retried after a stale-metadata
   * error or an unreachable leader).
   */
  fetchRecordTimestamps(queries: RecordTimestampQuery[]): Promise<RecordTimestamp[]> {
    if (queries.length === 0) return Promise.resolve([]);
    return fetchRecordTimestamps(
      {
        admin: this.#admin,
        knowsTopic: (topic) => this.#cache?.topics.has(topic) ?? false,
        route: (topic, partition) => {
          const cached = this.#cache?.topics.get(topic)?.get(partition);
          if (!cached) return undefined;
          return {
            leader: cached.leader,
            broker: this.#cache?.brokers.get(cached.leader),
            topicId: cached.topicId,
          };
        },
        refreshMetadata: async (topics) => {
          const response = await this.#metadata(topics);
          this.#remember(response, false);
          return response;
        },
      },
      queries,
    );
  }

  // ------------------------------------------------------------------------------------------------------
  // Share-group offsets

  /**
   * DescribeShareGroupOffsets (API 90, v1 when the broker has it, else v0; all topics of each group) per
   * coordinator, through src/kafka/platformatic-group-types.ts. Partitions whose share partition is not
   * initialised are left out; `lag` is the broker's (v1, KIP-1226) or null.
   */
  async fetchShareGroupOffsets(groupIds: string[]): Promise<Map<string, ItemResult<ShareGroupOffset[]>>> {
    if (groupIds.length === 0) return new Map();
    return this.#perCoordinator(groupIds, (connection, ids) =>
      fetchShareGroupOffsetsFrom(this.#admin, connection, ids),
    );
  }

  // ------------------------------------------------------------------------------------------------------
  // Committed offsets

  async fetchCommittedOffsets(groupIds: string[]): Promise<Map<string, ItemResult<CommittedOffset[]>>> {
    if (groupIds.length === 0) return new Map();
    return this.#perCoordinator(groupIds, async (connection, ids) => {
      const response = await sendOffsetFetch(
        this.#admin,
        connection,
        ids.map((groupId) => ({ groupId, memberId: null, memberEpoch: -1, topics: null })),
      );
      const results = new Map<string, ItemResult<CommittedOffset[]>>();
      for (const g of response.groups) {
        if (g.errorCode !== 0) {
          results.set(g.groupId, { ok: false, error: itemError(g.errorCode) });
          continue;
        }
        const offsets: CommittedOffset[] = [];
        for (const t of g.topics) {
          for (const p of t.partitions) {
            // -1 = no commit for this partition; a partition error (e.g. UNSTABLE_OFFSET_COMMIT) means no usable value.
            if (p.errorCode !== 0 || p.committedOffset < 0n) continue;
            offsets.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset });
          }
        }
        offsets.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
        results.set(g.groupId, { ok: true, value: offsets });
      }
      return results;
    });
  }
}

/**
 * Creates the @platformatic/kafka adapter. Connects lazily (first call); never creates topics; keeps
 * platformatic's prom-client metrics off. See the module comment for the requests each method sends.
 */
export function createPlatformaticAdmin(options: KafkaClientOptions): KafkaAdminPort {
  return new PlatformaticAdmin(options);
}
