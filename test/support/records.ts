/**
 * Records with known timestamps for tests that read records back (fetchRecordTimestamps): topics with topic
 * configs, one record batch per call with explicit CreateTime timestamps and an optional codec, committed or
 * aborted transactions, and READ denied on a topic. Built on @platformatic/kafka clients, independent of the
 * adapter under test.
 *
 * ```ts
 * const r = createRecordWriter(kafka.bootstrap, workload.admin);
 * await r.createTopic('times', 1, { 'message.timestamp.type': 'LogAppendTime' });
 * const base = await r.produceBatch('times', 0, [t0, t0 + 1000]);   // one batch: offsets base, base + 1
 * await r.produceTransaction('times', 0, [t0], 'commit');          // data, then one COMMIT marker
 * await r.close();
 * ```
 */
import {
  AclOperations,
  AclPermissionTypes,
  type Admin,
  Producer,
  ProduceAcks,
  ResourcePatternTypes,
  ResourceTypes,
  stringSerializers,
  type CompressionAlgorithmValue,
} from '@platformatic/kafka';
import { waitForLeaders } from './workload.js';

export interface RecordWriter {
  /** Creates a topic with topic configs (e.g. `message.timestamp.type`, `compression.type`) and waits for leaders. */
  createTopic(name: string, partitions: number, configs?: Record<string, string>): Promise<void>;
  /**
   * Produces ONE record batch to one partition: a record per timestamp (ms since the epoch, CreateTime), values
   * `value` or `r<i>`. Returns the batch's base offset.
   */
  produceBatch(
    topic: string,
    partition: number,
    timestamps: number[],
    options?: { compression?: CompressionAlgorithmValue; value?: (i: number) => string },
  ): Promise<bigint>;
  /**
   * One transaction on one partition: one batch of records (one per timestamp), then `outcome`. The broker
   * writes one control record (the COMMIT or ABORT marker) after the data. Returns the data's base offset.
   */
  produceTransaction(
    topic: string,
    partition: number,
    timestamps: number[],
    outcome: 'commit' | 'abort',
  ): Promise<bigint>;
  /**
   * ACLs on `topic` for `principal` (default `User:ANONYMOUS`): ALLOW DESCRIBE, DENY READ. Metadata and
   * ListOffsets keep working; Fetch gets TOPIC_AUTHORIZATION_FAILED. Returns when the controller has accepted
   * them; the broker enforces them a moment later (wait for the effect).
   */
  denyRead(topic: string, principal?: string): Promise<void>;
  /** Closes the producers. Idempotent. */
  close(): Promise<void>;
}

let sequence = 0;

/** Creates the writer for one cluster; `admin` is used for topics and ACLs (the caller closes it). */
export function createRecordWriter(bootstrap: string, admin: Admin): RecordWriter {
  const clientId = `lagwatch-records-${process.pid}-${sequence++}`;
  const producer = new Producer({
    clientId,
    bootstrapBrokers: [bootstrap],
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
    idempotent: true,
    retries: 5,
    retryDelay: 200,
  });
  const transactional = new Producer({
    clientId: `${clientId}-tx`,
    bootstrapBrokers: [bootstrap],
    serializers: stringSerializers,
    acks: ProduceAcks.ALL,
    idempotent: true,
    transactionalId: `${clientId}-tx`,
    retries: 5,
    retryDelay: 200,
  });
  let closed: Promise<void> | undefined;

  function baseOffsetOf(
    result: { offsets?: { topic: string; partition: number; offset: bigint }[] },
    topic: string,
    partition: number,
  ): bigint {
    const found = result.offsets?.find((o) => o.topic === topic && o.partition === partition);
    if (found) return found.offset;
    throw new Error(`no base offset for ${topic}-${partition} in the produce result`);
  }

  return {
    async createTopic(name, partitions, configs = {}) {
      await admin.createTopics({
        topics: [name],
        partitions,
        replicas: 1,
        configs: Object.entries(configs).map(([configName, value]) => ({ name: configName, value })),
      });
      await waitForLeaders(admin, name, partitions);
    },

    async produceBatch(topic, partition, timestamps, options = {}) {
      const value = options.value ?? ((i: number) => `r${i}`);
      const result = await producer.send({
        messages: timestamps.map((ts, i) => ({
          topic,
          partition,
          key: `k${i}`,
          value: value(i),
          timestamp: BigInt(ts),
        })),
        ...(options.compression ? { compression: options.compression } : {}),
      });
      return baseOffsetOf(result, topic, partition);
    },

    async produceTransaction(topic, partition, timestamps, outcome) {
      const transaction = await transactional.beginTransaction();
      try {
        const result = await transaction.send({
          messages: timestamps.map((ts, i) => ({
            topic,
            partition,
            key: `tk${i}`,
            value: `t${i}`,
            timestamp: BigInt(ts),
          })),
        });
        const base = baseOffsetOf(result, topic, partition);
        if (outcome === 'commit') await transaction.commit();
        else await transaction.abort();
        return base;
      } catch (error) {
        if (!transaction.completed) await transaction.abort().catch(() => undefined);
        throw error;
      }
    },

    async denyRead(topic, principal = 'User:ANONYMOUS') {
      const acl = {
        resourceType: ResourceTypes.TOPIC,
        resourceName: topic,
        resourcePatternType: ResourcePatternTypes.LITERAL,
        principal,
        host: '*',
      };
      await admin.createAcls({
        creations: [
          { ...acl, operation: AclOperations.DESCRIBE, permissionType: AclPermissionTypes.ALLOW },
          { ...acl, operation: AclOperations.READ, permissionType: AclPermissionTypes.DENY },
        ],
      });
    },

    close() {
      closed ??= (async () => {
        await producer.close().catch(() => undefined);
        await transactional.close().catch(() => undefined);
      })();
      return closed;
    },
  };
}
