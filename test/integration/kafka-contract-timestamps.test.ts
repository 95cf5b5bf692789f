/**
 * The contract of `KafkaAdminPort.fetchRecordTimestamps` (src/kafka/port.ts), run against every adapter and ONE
 * real broker, like test/integration/kafka-contract.test.ts.
 *
 * Fixtures are built once (beforeAll) with records of known timestamps: every expected value is what the
 * broker was made to hold (a record produced with CreateTime T at offset o → T at o; a LogAppendTime topic →
 * the broker's clock during the produce call; a committed transaction → data then one marker offset; …).
 *
 * Where an adapter cannot fetch records (kafkajs: its admin API has no Fetch), its profile (AdapterProfile in
 * test/support/contract.ts) says so and every test asserts the documented answer instead: an UNSUPPORTED_API
 * item error per query and no request sent.
 */
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordTimestamp, RecordTimestampQuery } from '../../src/kafka/port.js';
import { startKafka, type KafkaTestCluster } from '../support/broker.js';
import {
  ACL_BROKER,
  ADAPTER_PROFILES,
  contractAdmins,
  countsDelta,
  suiteAdmin,
} from '../support/contract.js';
import { createRecordWriter, type RecordWriter } from '../support/records.js';
import { createWorkload, waitFor, type Workload } from '../support/workload.js';

const RUN = `${process.pid}-${Date.now().toString(36)}`;
/** CreateTime timestamps an hour back (Kafka 4 rejects CreateTime more than 1 h in the future, not the past). */
const T0 = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;

/** One partition, CreateTime: batch A at offsets 0–4 (timestamps not monotonic), batch B at 5–7. HWM 8. */
const CREATE = `lw-ts-create-${RUN}`;
const CREATE_A = [T0, T0 + 1000, T0 - 500, T0 + 3000, T0 + 4000];
const CREATE_B = [T0 + 10_000, T0 + 11_000, T0 + 12_000];
/** One partition, `message.timestamp.type=LogAppendTime`: 3 records produced with CreateTime T0. */
const APPEND = `lw-ts-append-${RUN}`;
let appendWindow: { from: number; to: number };
/** A committed transaction: data at 0–1, COMMIT marker at 2. HWM 3. */
const TXN = `lw-ts-txn-${RUN}`;
const TXN_DATA = [T0 + 100, T0 + 200];
/** Committed 0 + marker 1; aborted 2–3 + marker 4; committed 5 + marker 6. HWM 7. */
const ABORTED = `lw-ts-aborted-${RUN}`;
/** 10 records in one batch, records before offset 4 deleted (DeleteRecords). */
const TRUNCATED = `lw-ts-truncated-${RUN}`;
/** Created and deleted before the adapters run. */
const DELETED = `lw-ts-deleted-${RUN}`;
/** 12 partitions on the one broker; partition p holds one batch of 3 records at T0 + 100·p + i. */
const WIDE = `lw-ts-wide-${RUN}`;
const WIDE_PARTITIONS = 12;
/** 2 partitions: a batch of 20 records of 5000 bytes (≈100 KiB, over 64 KiB), then a 1-record batch. */
const BIG = `lw-ts-big-${RUN}`;
/** gzip, snappy and lz4 batches (producer-compressed), partition 0, 1, 2: 5 records each. */
const CODECS = `lw-ts-codecs-${RUN}`;
const CODEC_NAMES = ['gzip', 'snappy', 'lz4'] as const;
/** Topic `compression.type=zstd`: the broker re-compresses an uncompressed batch of 5 records. */
const ZSTD = `lw-ts-zstd-${RUN}`;
const FIVE = [T0 + 50, T0 + 40, T0 + 70, T0 + 60, T0 + 90];
/** ALLOW DESCRIBE, DENY READ for this client's principal. */
const FORBIDDEN = `lw-ts-forbidden-${RUN}`;

let kafka: KafkaTestCluster;
let workload: Workload;
let records: RecordWriter;

const { adminFor, unreachableAdminFor } = contractAdmins('timestamps', () => kafka.bootstrap);

const q = (topic: string, partition: number, offset: bigint): RecordTimestampQuery => ({
  topic,
  partition,
  offset,
});

/** The expected answer for a CreateTime record found at its own offset. */
const created = (query: RecordTimestampQuery, timestampMs: number): RecordTimestamp => ({
  ...query,
  timestampMs,
  timestampType: 'create',
  recordOffset: query.offset,
});

beforeAll(async () => {
  // ACLs only where a test adds one (FORBIDDEN).
  kafka = await startKafka(ACL_BROKER);
  workload = createWorkload(kafka.bootstrap);
  records = createRecordWriter(kafka.bootstrap, workload.admin);

  await records.createTopic(CREATE, 1);
  await records.produceBatch(CREATE, 0, CREATE_A);
  await records.produceBatch(CREATE, 0, CREATE_B);

  await records.createTopic(APPEND, 1, { 'message.timestamp.type': 'LogAppendTime' });
  const from = Date.now();
  await records.produceBatch(APPEND, 0, [T0, T0, T0]);
  appendWindow = { from, to: Date.now() };

  await records.createTopic(TXN, 1);
  await records.produceTransaction(TXN, 0, TXN_DATA, 'commit');

  await records.createTopic(ABORTED, 1);
  await records.produceTransaction(ABORTED, 0, [T0 + 1], 'commit');
  await records.produceTransaction(ABORTED, 0, [T0 + 2, T0 + 3], 'abort');
  await records.produceTransaction(ABORTED, 0, [T0 + 5], 'commit');

  await records.createTopic(TRUNCATED, 1);
  await records.produceBatch(
    TRUNCATED,
    0,
    Array.from({ length: 10 }, (_, i) => T0 + i),
  );
  await workload.deleteRecords(TRUNCATED, 0, 4n);

  await records.createTopic(DELETED, 1);
  await records.produceBatch(DELETED, 0, [T0]);
  await workload.deleteTopics([DELETED]);

  await records.createTopic(WIDE, WIDE_PARTITIONS);
  for (let p = 0; p < WIDE_PARTITIONS; p++) {
    await records.produceBatch(
      WIDE,
      p,
      [0, 1, 2].map((i) => T0 + 100 * p + i),
    );
  }

  await records.createTopic(BIG, 2);
  for (const p of [0, 1]) {
    await records.produceBatch(
      BIG,
      p,
      Array.from({ length: 20 }, (_, i) => T0 + i),
      { value: (i) => `${i}`.padEnd(5000, 'x') },
    );
    await records.produceBatch(BIG, p, [T0 + 20]);
  }

  await records.createTopic(CODECS, CODEC_NAMES.length);
  for (const [p, compression] of CODEC_NAMES.entries()) {
    await records.produceBatch(CODECS, p, FIVE, { compression });
  }
  await records.createTopic(ZSTD, 1, { 'compression.type': 'zstd' });
  await records.produceBatch(ZSTD, 0, FIVE);

  await records.createTopic(FORBIDDEN, 1);
  await records.produceBatch(FORBIDDEN, 0, [T0]);
  await records.denyRead(FORBIDDEN);
  // The broker applies ACLs from its metadata log a moment after the controller accepted them.
  const probe = adminFor('platformatic');
  try {
    await waitFor('READ denied on the forbidden topic', async () => {
      const [answer] = await probe.fetchRecordTimestamps([q(FORBIDDEN, 0, 0n)]);
      return answer !== undefined && 'error' in answer && answer.error.code === 29;
    });
  } finally {
    await probe.close();
  }
});

afterAll(async () => {
  await records?.close();
  await workload?.close();
  await kafka?.stop();
});

describe.each(ADAPTER_PROFILES)('fetchRecordTimestamps contract: $client', (profile) => {
  const admin = suiteAdmin(() => adminFor(profile.client));

  /**
   * Calls fetchRecordTimestamps. For an adapter that cannot fetch, checks the documented answer (an
   * `unsupported` item error for every query, in query order) and returns undefined: the test ends there.
   */
  async function fetch(queries: RecordTimestampQuery[]): Promise<RecordTimestamp[] | undefined> {
    const result = await admin.fetchRecordTimestamps(queries);
    expect(result).toHaveLength(queries.length);
    if (profile.fetchesRecords) return result;
    expect(result).toEqual(
      queries.map((query) => ({
        ...query,
        error: { ...profile.recordFetchUnsupported, message: expect.stringContaining('kafkajs') },
      })),
    );
    return undefined;
  }

  it('answers an empty call with nothing', async () => {
    expect(await admin.fetchRecordTimestamps([])).toEqual([]);
  });

  it('a call that cannot reach any broker throws (an adapter that cannot fetch answers without trying)', async () => {
    const unreachable = unreachableAdminFor(profile.client);
    try {
      const call = unreachable.fetchRecordTimestamps([q(CREATE, 0, 0n)]);
      if (profile.fetchesRecords) await expect(call).rejects.toThrow();
      else await expect(call).resolves.toMatchObject([{ error: profile.recordFetchUnsupported }]);
    } finally {
      await unreachable.close();
    }
  });

  it('CreateTime: the exact timestamp at the start, middle and end of a batch, and of the next batch', async () => {
    const queries = [0n, 2n, 4n, 5n, 7n].map((offset) => q(CREATE, 0, offset));
    const result = await fetch(queries);
    if (!result) return;
    expect(result).toEqual([
      created(queries[0]!, CREATE_A[0]!),
      // Lower than the batch's first timestamp: read from the record, not the batch header.
      created(queries[1]!, CREATE_A[2]!),
      created(queries[2]!, CREATE_A[4]!),
      created(queries[3]!, CREATE_B[0]!),
      created(queries[4]!, CREATE_B[2]!),
    ]);
  });

  it('answers one entry per query, in query order, duplicates included', async () => {
    const queries = [q(CREATE, 0, 3n), q(WIDE, 1, 0n), q(CREATE, 0, 3n), q(CREATE, 0, 1n)];
    const result = await fetch(queries);
    if (!result) return;
    expect(result).toEqual([
      created(queries[0]!, CREATE_A[3]!),
      created(queries[1]!, T0 + 100),
      created(queries[2]!, CREATE_A[3]!),
      created(queries[3]!, CREATE_A[1]!),
    ]);
  });

  it('LogAppendTime: the broker append time of the batch, typed log-append', async () => {
    const queries = [0n, 1n, 2n].map((offset) => q(APPEND, 0, offset));
    const result = await fetch(queries);
    if (!result) return;
    const times = new Set<number>();
    result.forEach((answer, i) => {
      expect(answer).toMatchObject({ timestampType: 'log-append', recordOffset: BigInt(i) });
      if ('timestampMs' in answer) times.add(answer.timestampMs);
    });
    expect(times.size).toBe(1);
    const [time] = [...times];
    expect(time).not.toBe(T0);
    expect(time).toBeGreaterThanOrEqual(appendWindow.from - 1000);
    expect(time).toBeLessThanOrEqual(appendWindow.to + 1000);
  });

  it('the high watermark is none; beyond it is OFFSET_OUT_OF_RANGE', async () => {
    const result = await fetch([q(CREATE, 0, 8n), q(CREATE, 0, 100n)]);
    if (!result) return;
    expect(result[0]).toEqual({ ...q(CREATE, 0, 8n), none: true });
    expect(result[1]).toMatchObject({ error: { code: 1, name: 'OFFSET_OUT_OF_RANGE' } });
  });

  it('a tail of transaction markers only is none; data before a marker is found', async () => {
    const result = await fetch([q(TXN, 0, 2n), q(TXN, 0, 0n), q(TXN, 0, 1n)]);
    if (!result) return;
    expect(result).toEqual([
      { ...q(TXN, 0, 2n), none: true },
      created(q(TXN, 0, 0n), TXN_DATA[0]!),
      created(q(TXN, 0, 1n), TXN_DATA[1]!),
    ]);
  });

  it('markers and aborted data are skipped to the next committed record', async () => {
    // 0 data, 1 COMMIT, 2–3 aborted data, 4 ABORT, 5 data, 6 COMMIT; HWM 7.
    const queries = [1n, 2n, 3n, 4n, 6n].map((offset) => q(ABORTED, 0, offset));
    const result = await fetch(queries);
    if (!result) return;
    const next = { timestampMs: T0 + 5, timestampType: 'create', recordOffset: 5n };
    expect(result).toEqual([
      { ...queries[0], ...next },
      { ...queries[1], ...next },
      { ...queries[2], ...next },
      { ...queries[3], ...next },
      { ...queries[4], none: true },
    ]);
  });

  it('an offset below the log-start offset is OFFSET_OUT_OF_RANGE; the other queries are answered', async () => {
    const queries = [q(TRUNCATED, 0, 2n), q(TRUNCATED, 0, 4n), q(TRUNCATED, 0, 9n), q(CREATE, 0, 0n)];
    const result = await fetch(queries);
    if (!result) return;
    expect(result[0]).toEqual({
      ...queries[0],
      error: { code: 1, name: 'OFFSET_OUT_OF_RANGE', message: expect.any(String) },
    });
    expect(result.slice(1)).toEqual([
      created(queries[1]!, T0 + 4),
      created(queries[2]!, T0 + 9),
      created(queries[3]!, CREATE_A[0]!),
    ]);
  });

  it('a deleted topic and a missing partition are UNKNOWN_TOPIC_OR_PARTITION; the rest are answered', async () => {
    const queries = [q(DELETED, 0, 0n), q(CREATE, 7, 0n), q(CREATE, 0, 0n)];
    const result = await fetch(queries);
    if (!result) return;
    expect(result[0]).toMatchObject({ error: { code: 3, name: 'UNKNOWN_TOPIC_OR_PARTITION' } });
    expect(result[1]).toMatchObject({ error: { code: 3, name: 'UNKNOWN_TOPIC_OR_PARTITION' } });
    expect(result[2]).toEqual(created(queries[2]!, CREATE_A[0]!));
  });

  it('a topic deleted after the adapter cached its metadata is UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const topic = `lw-ts-gone-${profile.client}-${RUN}`;
    await records.createTopic(topic, 1);
    await records.produceBatch(topic, 0, [T0]);
    await admin.describeCluster(); // caches the topic, its id and its leader
    await workload.deleteTopics([topic]);
    const result = await fetch([q(topic, 0, 0n), q(CREATE, 0, 4n)]);
    if (!result) return;
    // The Fetch answers UNKNOWN_TOPIC_ID; one Metadata refresh says the topic is gone.
    expect(result[0]).toMatchObject({ error: { code: 3, name: 'UNKNOWN_TOPIC_OR_PARTITION' } });
    expect(result[1]).toEqual(created(q(CREATE, 0, 4n), CREATE_A[4]!));
  });

  it('a topic without READ permission is TOPIC_AUTHORIZATION_FAILED; the rest are answered', async () => {
    const result = await fetch([q(FORBIDDEN, 0, 0n), q(CREATE, 0, 5n)]);
    if (!result) return;
    expect(result[0]).toMatchObject({ error: { code: 29, name: 'TOPIC_AUTHORIZATION_FAILED' } });
    expect(result[1]).toEqual(created(q(CREATE, 0, 5n), CREATE_B[0]!));
  });

  it('gzip, snappy and lz4 batches decode to exact per-record timestamps', async () => {
    const queries = CODEC_NAMES.flatMap((_, p) => [0n, 2n, 4n].map((offset) => q(CODECS, p, offset)));
    const result = await fetch(queries);
    if (!result) return;
    expect(result).toEqual(queries.map((query) => created(query, FIVE[Number(query.offset)]!)));
  });

  it('zstd batches: exact where node:zlib has zstd, else the batch header', async () => {
    const queries = [0n, 1n, 2n, 4n].map((offset) => q(ZSTD, 0, offset));
    const result = await fetch(queries);
    if (!result) return;
    if ('zstdDecompressSync' in zlib) {
      expect(result).toEqual(queries.map((query) => created(query, FIVE[Number(query.offset)]!)));
    } else {
      // Node < 22.15 cannot decompress zstd: the header's first timestamp (exact at the base offset).
      expect(result).toEqual(queries.map((query) => created(query, FIVE[0]!)));
    }
  });

  it('many partitions of one leader cost one Fetch per round', async () => {
    const fresh = adminFor(profile.client);
    try {
      await fresh.describeCluster();
      const queries = [
        ...Array.from({ length: WIDE_PARTITIONS }, (_, p) => q(WIDE, p, 1n)),
        // Two offsets of one partition, both inside the first response.
        q(CREATE, 0, 0n),
        q(CREATE, 0, 2n),
      ];
      const before = fresh.requestCounts();
      const result = await fresh.fetchRecordTimestamps(queries);
      expect(countsDelta(before, fresh.requestCounts())).toEqual(
        profile.recordTimestampRequests.onePerLeader,
      );
      if (!profile.fetchesRecords) return;
      expect(result).toEqual([
        ...Array.from({ length: WIDE_PARTITIONS }, (_, p) => created(q(WIDE, p, 1n), T0 + 100 * p + 1)),
        created(q(CREATE, 0, 0n), CREATE_A[0]!),
        created(q(CREATE, 0, 2n), CREATE_A[2]!),
      ]);
    } finally {
      await fresh.close();
    }
  });

  it('a batch larger than partition_max_bytes is read whole in a second round', async () => {
    const fresh = adminFor(profile.client);
    try {
      await fresh.describeCluster();
      const queries = [q(BIG, 0, 10n), q(BIG, 1, 10n), q(BIG, 0, 20n), q(BIG, 1, 19n)];
      const before = fresh.requestCounts();
      const result = await fresh.fetchRecordTimestamps(queries);
      expect(countsDelta(before, fresh.requestCounts())).toEqual(profile.recordTimestampRequests.cutBatch);
      if (!profile.fetchesRecords) return;
      expect(result).toEqual([
        created(queries[0]!, T0 + 10),
        created(queries[1]!, T0 + 10),
        created(queries[2]!, T0 + 20),
        created(queries[3]!, T0 + 19),
      ]);
    } finally {
      await fresh.close();
    }
  });
});
