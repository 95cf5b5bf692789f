/**
 * Record timestamps through Fetch (API 1, v12–v17) for the @platformatic/kafka adapter
 * (`KafkaAdminPort.fetchRecordTimestamps`, docs: /work/shared/reference/lag-semantics.md §b4).
 *
 * What one call sends, per round: one sessionless Fetch per partition leader carrying every queried
 * partition of that leader (session id 0, epoch −1, max_wait_ms 0, min_bytes 1, isolation read_uncommitted,
 * `partition_max_bytes` {@link DEFAULT_FETCH_LIMITS}.partitionMaxBytes, request `max_bytes`
 * {@link DEFAULT_FETCH_LIMITS}.requestMaxBytes). A Fetch names a partition once, so a partition asked at several
 * offsets is fetched from its lowest pending offset and every other offset that the returned records cover is
 * answered from the same bytes; offsets they do not cover take further rounds. Further rounds also serve:
 * - partitions whose first batch is larger than `partition_max_bytes`: the broker sends the first partition
 *   with records its first batch whole (KIP-74) but, measured on Kafka 4.3, sends *nothing* for a later one
 *   whose first batch does not fit. Such a partition is asked again with {@link FetchLimits.maxBatchBytes}, and
 *   if that is still not enough, first in the next request. A broker that sends a cut batch instead gets the
 *   batch's exact size (+ `partitionMaxBytes`) asked;
 * - partitions left empty because the request's `max_bytes` ran out: first in the next request;
 * - offsets of a partition whose lowest offset failed with OFFSET_OUT_OF_RANGE;
 * - partitions that failed with a stale-metadata error or an unreachable leader (once, after one Metadata
 *   request for their topics).
 * Topics the adapter's Metadata cache does not know cost one Metadata request before the first round.
 * Measured on one broker: 13 partitions, 14 queries → 1 Fetch; two partitions with a 100 KiB first batch → 2.
 *
 * Decoding: the response's records are kept as raw bytes (platformatic's own Fetch parser decodes every
 * record, throws away a batch cut by the byte limit, and fails the whole response on one batch it cannot
 * decompress) and decoded here per partition, v2 record batches only:
 * - the broker answers from the batch containing the fetch offset: records below the asked offset are
 *   skipped, control batches (transaction markers) are skipped, and so are data batches of a transaction whose
 *   ABORT marker appears later in the same bytes (with read_uncommitted the broker does not list aborted
 *   transactions; a transaction whose marker lies beyond the returned bytes counts as data);
 * - the first data record at or after the offset and below the high watermark gives the answer; its timestamp
 *   is `baseTimestamp + timestampDelta` (CreateTime) or the batch's `maxTimestamp` (LogAppendTime, attribute
 *   bit 3);
 * - compressed batches are decompressed with platformatic's codecs (gzip, snappy, lz4; zstd only where
 *   `node:zlib` has it, Node ≥ 22.15). A batch that cannot be decompressed, or a cut one larger than
 *   {@link FetchLimits.maxBatchBytes}, is answered from its header (see {@link answerFromWindow}): exact for
 *   LogAppendTime and at a batch's first offset, the batch's first timestamp otherwise;
 * - record format v0/v1 (magic < 2, pre-0.11 data) is not decoded: CLIENT_ERROR item error.
 * Offsets above the high watermark get OFFSET_OUT_OF_RANGE, as the broker answers when asked for them.
 */
import {
  compressionsAlgorithmsByBitmask,
  createAPI,
  fetchV12,
  fetchV13,
  fetchV14,
  fetchV15,
  fetchV16,
  fetchV17,
  kGetApi,
  type API,
  type Admin,
  type Broker,
  type Connection,
  type Reader,
} from '@platformatic/kafka';
import { KafkaErrorCode, STALE_METADATA_CODES, clientItemError, itemError } from './errors.js';
import { brokerConnection, describeFailure, type MetadataResponse } from './platformatic-protocol.js';
import { readCompactArray, skipTaggedFields } from './platformatic-reader.js';
import type { KafkaItemError, RecordTimestamp, RecordTimestampQuery } from './port.js';

// ---------------------------------------------------------------------------------------------------------
// Limits

/** Byte and round bounds of one {@link fetchRecordTimestamps} call. */
export interface FetchLimits {
  /**
   * `partition_max_bytes` of a partition's first fetch, bytes. The answer usually sits in the first batch
   * returned, so this only needs to hold a typical batch.
   */
  partitionMaxBytes: number;
  /**
   * `partition_max_bytes` asked again for a partition whose first batch did not fit, bytes. A broker that sends
   * cut batches gets asked the batch's exact size up to this (plus `partitionMaxBytes`); larger cut batches are
   * answered from their header.
   */
  maxBatchBytes: number;
  /** `max_bytes` of one Fetch request, bytes. Partitions left empty when it runs out go first next round. */
  requestMaxBytes: number;
  /** Fetch rounds per call; queries still open after them get a CLIENT_ERROR item error. */
  maxRounds: number;
}

/**
 * 64 KiB per partition; a first batch that did not fit is asked again with 1 MiB + 12 bytes (Kafka's default
 * `max.message.bytes`, so any batch a default topic accepted fits); 8 MiB per request (128 full partitions);
 * 16 rounds.
 */
export const DEFAULT_FETCH_LIMITS: Readonly<FetchLimits> = {
  partitionMaxBytes: 64 * 1024,
  maxBatchBytes: 1024 * 1024 + 12,
  requestMaxBytes: 8 * 1024 * 1024,
  maxRounds: 16,
};

/** Answers without records in a row, for a partition the broker had to serve first, before an item error. */
const MAX_STALLS = 2;
/** Kafka error 1: the fetch offset is below the log-start offset or above the high watermark. */
const OFFSET_OUT_OF_RANGE = 1;

// ---------------------------------------------------------------------------------------------------------
// Fetch request and response

/** Fetch `isolation_level` read_uncommitted: records up to the high watermark, aborted ones included. */
const READ_UNCOMMITTED = 0;
/** The all-zero topic id Metadata reports when it has none. */
const NO_TOPIC_ID = '00000000-0000-0000-0000-000000000000';

type FetchCreateRequest = typeof fetchV17.createRequest;
/** platformatic's request encoders. v12 names topics (its `topicId` field carries the name); v13+ use topic ids. */
const FETCH_ENCODERS: ReadonlyMap<number, FetchCreateRequest> = new Map<number, FetchCreateRequest>([
  [12, fetchV12.createRequest],
  [13, fetchV13.createRequest],
  [14, fetchV14.createRequest],
  [15, fetchV15.createRequest],
  [16, fetchV16.createRequest],
  [17, fetchV17.createRequest],
]);
/** The version sent when a topic of the request has no topic id: the last one that names topics. */
const FETCH_BY_NAME_VERSION = 12;

/** One partition of a Fetch request. */
export interface FetchRequestPartition {
  partition: number;
  /** First offset wanted; the broker answers from the start of the batch containing it. */
  fetchOffset: bigint;
  /** Bytes for this partition (the first batch of the first non-empty partition always comes whole). */
  partitionMaxBytes: number;
}

/** One topic of a Fetch request: the name for v12, the topic id for v13+. */
export interface FetchRequestTopic {
  topic: string;
  topicId: string | null;
  partitions: FetchRequestPartition[];
}

/** One partition of a Fetch response, records kept as the raw bytes of their record batches. */
export interface FetchResponsePartition {
  partitionIndex: number;
  /** 0, or e.g. 1 OFFSET_OUT_OF_RANGE, 6 NOT_LEADER_OR_FOLLOWER, 29 TOPIC_AUTHORIZATION_FAILED. */
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  /** Record batches (possibly ending in a cut batch); null or empty when there is nothing to return. */
  records: Buffer | null;
}

/** One topic of a Fetch response: `topic` is the name (v12) or the topic id (v13+). */
export interface FetchResponseTopic {
  topic: string;
  partitions: FetchResponsePartition[];
}

/** A parsed Fetch response (v12–v17). `errorCode` is the top-level error (fetch sessions), usually 0. */
export interface FetchResponse {
  throttleTimeMs: number;
  errorCode: number;
  responses: FetchResponseTopic[];
}

/**
 * Parses a Fetch response v12–v17 (Kafka's FetchResponse.json), keeping each partition's records as bytes.
 * Tagged fields (v12+ `DivergingEpoch`, `CurrentLeader`, `SnapshotId`; v16+ `NodeEndpoints`) are skipped.
 * Never throws for item errors: they stay in `errorCode`.
 */
export function parseFetchResponse(
  _correlationId: number,
  _apiKey: number,
  apiVersion: number,
  reader: Reader,
): FetchResponse {
  const throttleTimeMs = reader.readInt32();
  const errorCode = reader.readInt16();
  reader.readInt32(); // SessionId: 0, sessionless
  const responses = readCompactArray(
    reader,
    (t): FetchResponseTopic => {
      const topic = apiVersion >= 13 ? t.readUUID() : t.readString();
      const partitions = readCompactArray(
        t,
        (p): FetchResponsePartition => {
          const partitionIndex = p.readInt32();
          const partitionError = p.readInt16();
          const highWatermark = p.readInt64();
          const lastStableOffset = p.readInt64();
          const logStartOffset = p.readInt64();
          readCompactArray(
            p,
            (a) => {
              a.readInt64(); // ProducerId
              a.readInt64(); // FirstOffset
            },
            true,
          );
          p.readInt32(); // PreferredReadReplica
          const records = p.readNullableBytes(true);
          return {
            partitionIndex,
            errorCode: partitionError,
            highWatermark,
            lastStableOffset,
            logStartOffset,
            records,
          };
        },
        true,
      );
      return { topic, partitions };
    },
    true,
  );
  skipTaggedFields(reader);
  return { throttleTimeMs, errorCode, responses };
}

type FetchArgs = Parameters<FetchCreateRequest>;
const fetchApis = new Map<number, API<FetchArgs, FetchResponse>>();

/** Fetch `version` with platformatic's request encoder and {@link parseFetchResponse}. */
function fetchApi(version: number): API<FetchArgs, FetchResponse> {
  let api = fetchApis.get(version);
  if (!api) {
    const encoder = FETCH_ENCODERS.get(version);
    if (!encoder) throw new Error(`Fetch v${version} is not implemented by @platformatic/kafka`);
    api = createAPI<FetchArgs, FetchResponse>(1, version, encoder, parseFetchResponse);
    fetchApis.set(version, api);
  }
  return api;
}

/**
 * The Fetch version to send: the highest one both the broker and @platformatic/kafka implement (12–17; the first
 * call of a client sends ApiVersions). Throws `UnsupportedApiError` when there is none.
 */
function negotiatedFetchVersion(admin: Admin): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    admin[kGetApi]<unknown[], unknown>('Fetch', (error, api) => {
      if (error || !api) reject(error ?? new Error('no Fetch API'));
      else resolve(api.version);
    });
  });
}

/**
 * Sends one sessionless Fetch (API 1) to a partition leader: session id 0, epoch −1, `max_wait_ms` 0,
 * `min_bytes` 1, read_uncommitted, no rack id, current leader epoch and last fetched epoch −1.
 * `version` ≥ 13 needs every topic's id. Partition errors stay in the response.
 */
export async function sendFetch(
  connection: Connection,
  version: number,
  topics: FetchRequestTopic[],
  maxBytes: number,
): Promise<FetchResponse> {
  const byId = version >= 13;
  return fetchApi(version).async(
    connection,
    0, // max_wait_ms: answer with what is there
    1, // min_bytes
    maxBytes,
    READ_UNCOMMITTED,
    0, // session_id: no fetch session
    -1, // session_epoch: full, sessionless request
    topics.map((t) => ({
      topicId: byId ? (t.topicId ?? NO_TOPIC_ID) : t.topic,
      partitions: t.partitions.map((p) => ({
        partition: p.partition,
        currentLeaderEpoch: -1,
        fetchOffset: p.fetchOffset,
        lastFetchedEpoch: -1,
        partitionMaxBytes: p.partitionMaxBytes,
      })),
    })),
    [],
    '',
  );
}

// ---------------------------------------------------------------------------------------------------------
// Record batches (magic v2)

/** Size of a v2 batch header: baseOffset … recordCount. Records follow. */
const BATCH_HEADER_BYTES = 61;
/** baseOffset (int64) + batchLength (int32): the part of every batch (and legacy message) that gives its size. */
const LOG_OVERHEAD = 12;
const ATTR_COMPRESSION = 0x07;
const ATTR_LOG_APPEND_TIME = 0x08;
const ATTR_TRANSACTIONAL = 0x10;
const ATTR_CONTROL = 0x20;
const ATTR_DELETE_HORIZON = 0x40;
/** Control record types (key `version int16, type int16`). */
const CONTROL_ABORT = 0;
const CONTROL_COMMIT = 1;

/** The header of a v2 record batch. Offsets are absolute; timestamps are milliseconds since the epoch. */
export interface RecordBatchHeader {
  baseOffset: bigint;
  /** baseOffset + lastOffsetDelta: the batch's last offset (records inside may be gone after compaction). */
  lastOffset: bigint;
  /** Bytes of the whole batch including the 12-byte log overhead. */
  sizeInBytes: number;
  magic: number;
  /** bits 0–2 codec, 3 LogAppendTime, 4 transactional, 5 control, 6 delete horizon set. */
  attributes: number;
  /** The first record's timestamp; the delete horizon instead when attribute bit 6 is set. */
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  recordCount: number;
}

/** A complete batch: its header and its bytes (log overhead included). */
export interface RecordBatch extends RecordBatchHeader {
  bytes: Buffer;
}

/**
 * The record batches of one partition of a Fetch response.
 * - `batches`: the complete ones, in log order;
 * - `cut`: the batch the byte limit cut, when the bytes end inside one: its base offset and size when at least
 *   12 bytes of it came, its full header when at least 61 did; `{}` when fewer than 12 did;
 * - `legacyAt`: offset of a message in format v0/v1 (magic < 2) where decoding stopped.
 */
export interface RecordWindow {
  batches: RecordBatch[];
  cut?: { baseOffset?: bigint; sizeInBytes?: number; header?: RecordBatchHeader };
  legacyAt?: bigint;
  /** Outcome of each transactional data batch (by index in `batches`) whose marker is in the window. */
  outcomes: Map<number, 'commit' | 'abort'>;
}

function readHeader(bytes: Buffer, at: number): RecordBatchHeader {
  const baseOffset = bytes.readBigInt64BE(at);
  return {
    baseOffset,
    lastOffset: baseOffset + BigInt(bytes.readInt32BE(at + 23)),
    sizeInBytes: LOG_OVERHEAD + bytes.readInt32BE(at + 8),
    magic: bytes.readInt8(at + 16),
    attributes: bytes.readInt16BE(at + 21),
    baseTimestamp: bytes.readBigInt64BE(at + 27),
    maxTimestamp: bytes.readBigInt64BE(at + 35),
    producerId: bytes.readBigInt64BE(at + 43),
    recordCount: bytes.readInt32BE(at + 57),
  };
}

/**
 * Splits a partition's record bytes into batches (see {@link RecordWindow}) and finds, for each transactional
 * data batch, the first later control batch of the same producer (its COMMIT or ABORT marker).
 * Never throws; bytes that make no sense end the window like a cut batch.
 */
export function decodeRecordWindow(records: Buffer | null): RecordWindow {
  const window: RecordWindow = { batches: [], outcomes: new Map() };
  const bytes = records ?? Buffer.alloc(0);
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < LOG_OVERHEAD) {
      window.cut = {};
      break;
    }
    const baseOffset = bytes.readBigInt64BE(at);
    const sizeInBytes = LOG_OVERHEAD + bytes.readInt32BE(at + 8);
    if (bytes.length - at >= 17 && bytes.readInt8(at + 16) < 2) {
      window.legacyAt = baseOffset;
      break;
    }
    if (sizeInBytes < BATCH_HEADER_BYTES) {
      window.cut = {}; // not a v2 batch: treat as unreadable tail
      break;
    }
    if (bytes.length - at < sizeInBytes) {
      window.cut = { baseOffset, sizeInBytes };
      if (bytes.length - at >= BATCH_HEADER_BYTES) window.cut.header = readHeader(bytes, at);
      break;
    }
    window.batches.push({ ...readHeader(bytes, at), bytes: bytes.subarray(at, at + sizeInBytes) });
    at += sizeInBytes;
  }

  // Backwards: the latest marker seen so far per producer is the first one after each earlier batch.
  const nextMarker = new Map<bigint, 'commit' | 'abort' | undefined>();
  for (let i = window.batches.length - 1; i >= 0; i--) {
    const batch = window.batches[i];
    if (!batch) continue;
    if (batch.attributes & ATTR_CONTROL) {
      nextMarker.set(batch.producerId, controlType(batch));
    } else if (batch.attributes & ATTR_TRANSACTIONAL) {
      const outcome = nextMarker.get(batch.producerId);
      if (outcome) window.outcomes.set(i, outcome);
    }
  }
  return window;
}

/** Reads a zig-zag varint (int32) at `at`: [value, next position]. Throws RangeError past the end. */
function readVarInt(bytes: Buffer, at: number): [number, number] {
  let raw = 0;
  let shift = 0;
  for (;;) {
    if (at >= bytes.length || shift > 28) throw new RangeError('bad varint');
    const b = bytes[at++] ?? 0;
    raw |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  return [(raw >>> 1) ^ -(raw & 1), at];
}

/** Reads a zig-zag varlong (int64) at `at`: [value, next position]. Throws RangeError past the end. */
function readVarLong(bytes: Buffer, at: number): [bigint, number] {
  let raw = 0n;
  let shift = 0n;
  for (;;) {
    if (at >= bytes.length || shift > 63n) throw new RangeError('bad varlong');
    const b = bytes[at++] ?? 0;
    raw |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7n;
  }
  return [(raw >> 1n) ^ -(raw & 1n), at];
}

/** One record's place and time: absolute offset, timestamp (ms, CreateTime value), key bytes. */
interface RecordEntry {
  offset: bigint;
  timestamp: bigint;
  key: Buffer | null;
}

/**
 * The records of a complete batch in offset order, decompressed with platformatic's codec when compressed
 * (lazily: nothing is decompressed before the first record is asked for). Only the fields needed here are read;
 * values and headers are skipped.
 * @throws RangeError (or the codec's error) when the codec is missing (zstd on Node < 22.15) or the bytes do not
 *   decode.
 */
function* recordsOf(batch: RecordBatch): Generator<RecordEntry, void, undefined> {
  const codec = batch.attributes & ATTR_COMPRESSION;
  let data = batch.bytes.subarray(BATCH_HEADER_BYTES);
  if (codec !== 0) {
    const algorithm = compressionsAlgorithmsByBitmask[String(codec)];
    if (!algorithm || algorithm.available === false) throw new RangeError(`codec ${codec} not available`);
    data = algorithm.decompressSync(data);
  }
  let at = 0;
  for (let i = 0; i < batch.recordCount; i++) {
    const [length, start] = readVarInt(data, at);
    let pos = start + 1; // attributes int8
    const [timestampDelta, afterTimestamp] = readVarLong(data, pos);
    const [offsetDelta, afterOffset] = readVarInt(data, afterTimestamp);
    const [keyLength, afterKeyLength] = readVarInt(data, afterOffset);
    pos = afterKeyLength;
    const key = keyLength >= 0 ? data.subarray(pos, pos + keyLength) : null;
    at = start + length;
    if (length < 0 || at > data.length) throw new RangeError('record beyond the batch');
    yield {
      offset: batch.baseOffset + BigInt(offsetDelta),
      timestamp: batch.baseTimestamp + timestampDelta,
      key,
    };
  }
}

/** COMMIT or ABORT from a control batch's first record key (`version int16, type int16`); undefined when unreadable. */
function controlType(batch: RecordBatch): 'commit' | 'abort' | undefined {
  try {
    for (const record of recordsOf(batch)) {
      if (!record.key || record.key.length < 4) return undefined;
      const type = record.key.readInt16BE(2);
      return type === CONTROL_ABORT ? 'abort' : type === CONTROL_COMMIT ? 'commit' : undefined;
    }
  } catch {
    // unreadable marker: outcome unknown
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Answers

/**
 * What the records of one response say about "the first data record at or after `from`":
 * - `found`: the record (`recordOffset`, `timestampMs`, `timestampType`);
 * - `none`: no data record between `from` and the high watermark;
 * - `more`: the bytes end before the answer: fetch again from `fetchOffset` with `partitionMaxBytes`;
 *   `starved` when the bytes were cut before even a batch size could be read (the request ran out of bytes);
 * - `error`: the answer cannot be read (record format v0/v1, record without timestamp).
 */
export type WindowAnswer =
  | { kind: 'found'; recordOffset: bigint; timestampMs: number; timestampType: 'create' | 'log-append' }
  | { kind: 'none' }
  | { kind: 'more'; fetchOffset: bigint; partitionMaxBytes: number; starved: boolean }
  | { kind: 'error'; error: KafkaItemError };

function found(batch: RecordBatchHeader, recordOffset: bigint, createTime: bigint): WindowAnswer {
  const logAppend = (batch.attributes & ATTR_LOG_APPEND_TIME) !== 0;
  const timestamp = logAppend ? batch.maxTimestamp : createTime;
  if (timestamp < 0n) {
    return {
      kind: 'error',
      error: clientItemError('CLIENT_ERROR', `The record at offset ${recordOffset} has no timestamp`),
    };
  }
  return {
    kind: 'found',
    recordOffset,
    timestampMs: Number(timestamp),
    timestampType: logAppend ? 'log-append' : 'create',
  };
}

/**
 * The header-only answer for a data batch whose records cannot be read (codec not available) or that is larger
 * than {@link FetchLimits.maxBatchBytes}: the record offset is taken as `max(from, baseOffset)` (exact unless
 * compaction removed it); the timestamp is exact for LogAppendTime (every record carries `maxTimestamp`) and for
 * CreateTime when that offset is the batch's base offset (`baseTimestamp`). For CreateTime mid-batch it is the
 * batch's first timestamp, an upper bound on the age in the usual case of timestamps rising within a batch (off
 * by at most `maxTimestamp − baseTimestamp`, the producer's linger time); `maxTimestamp` when bit 6 says
 * `baseTimestamp` holds a delete horizon.
 */
function fromHeader(batch: RecordBatchHeader, from: bigint): WindowAnswer {
  const recordOffset = from > batch.baseOffset ? from : batch.baseOffset;
  const createTime = batch.attributes & ATTR_DELETE_HORIZON ? batch.maxTimestamp : batch.baseTimestamp;
  return found(batch, recordOffset, createTime);
}

/**
 * Answers "first data record at or after `from`, below `highWatermark`" from one partition's records (see
 * {@link WindowAnswer}). `from` must not be below the fetch offset the records were fetched from.
 * Batches cut by the byte limit are asked again whole (`more` with their size + `partitionMaxBytes`) up to
 * `limits.maxBatchBytes`; larger ones are answered from their header ({@link fromHeader}). A cut marker is
 * stepped over without reading it.
 */
export function answerFromWindow(
  window: RecordWindow,
  from: bigint,
  highWatermark: bigint,
  limits: Pick<FetchLimits, 'partitionMaxBytes' | 'maxBatchBytes'>,
): WindowAnswer {
  let end = from; // every offset in [from, end) is known to hold no data record
  for (const [i, batch] of window.batches.entries()) {
    if (batch.lastOffset < from) continue;
    if (batch.baseOffset >= highWatermark) break;
    end = batch.lastOffset + 1n;
    if (batch.attributes & ATTR_CONTROL) continue;
    if (batch.attributes & ATTR_TRANSACTIONAL && window.outcomes.get(i) === 'abort') continue;
    try {
      for (const record of recordsOf(batch)) {
        if (record.offset < from) continue;
        if (record.offset >= highWatermark) break;
        return found(batch, record.offset, record.timestamp);
      }
    } catch {
      return fromHeader(batch, from);
    }
    // every record of the batch at or after `from` is gone (compaction): go on with the next batch
  }
  if (end >= highWatermark) return { kind: 'none' };
  if (window.legacyAt !== undefined) {
    return {
      kind: 'error',
      error: clientItemError(
        'CLIENT_ERROR',
        `Record format v0/v1 at offset ${window.legacyAt} is not supported; only v2 batches are decoded`,
      ),
    };
  }
  const cut = window.cut;
  const header = cut?.header;
  if (header && header.lastOffset >= from) {
    if (header.attributes & ATTR_CONTROL) {
      // A marker needs no reading: go on after it.
      const next = header.lastOffset + 1n;
      if (next >= highWatermark) return { kind: 'none' };
      return { kind: 'more', fetchOffset: next, partitionMaxBytes: limits.partitionMaxBytes, starved: false };
    }
    if (header.sizeInBytes > limits.maxBatchBytes) return fromHeader(header, from);
  }
  if (
    cut?.baseOffset !== undefined &&
    cut.sizeInBytes !== undefined &&
    (!header || header.lastOffset >= from)
  ) {
    // Ask again for the whole cut batch (the broker starts at the batch containing the fetch offset), with
    // the usual room after it for the batches that follow (other offsets of the partition, aborted data).
    const fetchOffset = cut.baseOffset > from ? cut.baseOffset : from;
    const partitionMaxBytes = Math.min(cut.sizeInBytes, limits.maxBatchBytes) + limits.partitionMaxBytes;
    return { kind: 'more', fetchOffset, partitionMaxBytes, starved: false };
  }
  return {
    kind: 'more',
    fetchOffset: end,
    partitionMaxBytes: limits.partitionMaxBytes,
    starved: cut !== undefined,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Rounds

/** Where to send a partition's Fetch, from the adapter's Metadata cache. */
export interface PartitionRoute {
  /** Broker id of the leader; −1 when the partition has no leader. */
  leader: number;
  /** The leader's address; undefined when the cached Metadata does not list that broker. */
  broker: Broker | undefined;
  /** Topic UUID (Metadata v10+), or null when unknown. */
  topicId: string | null;
}

/** What {@link fetchRecordTimestamps} needs from the adapter: its client and its Metadata cache. */
export interface FetchRouting {
  readonly admin: Admin;
  /** True when the cached Metadata has the topic. */
  knowsTopic(topic: string): boolean;
  /** The cached route of a partition; undefined when the cached Metadata lacks the topic or partition. */
  route(topic: string, partition: number): PartitionRoute | undefined;
  /** One Metadata (API 3) request for `topics`, stored in the cache. Throws when no broker answers. */
  refreshMetadata(topics: string[]): Promise<MetadataResponse>;
}

/** One distinct queried offset of a partition, still open. */
interface OffsetWork {
  offset: bigint;
  /** Where the next fetch starts: ≥ offset; [offset, fetchOffset) is known to hold no data record. */
  fetchOffset: bigint;
  partitionMaxBytes: number;
  /** Rounds in a row that returned nothing new although the request had bytes left. */
  stalls: number;
}

/** The open offsets of one partition. */
interface PartitionWork {
  topic: string;
  partition: number;
  offsets: Map<bigint, OffsetWork>;
  /** The one retry after fresh Metadata (stale-metadata error, no leader, leader unreachable) was used. */
  retried: boolean;
  /**
   * Asked first in the next request: the last one ran out of bytes before reaching it, or its first batch is
   * larger than any `partition_max_bytes` asked (only the first partition with records gets it whole).
   */
  priority: boolean;
}

type Answer =
  | { timestampMs: number; timestampType: 'create' | 'log-append'; recordOffset: bigint }
  | { none: true }
  | { error: KafkaItemError };

const tpKey = (topic: string, partition: number): string => `${partition}\u0000${topic}`;

/** The open offset with the lowest fetch offset: the one a request asks for. */
function headOf(work: PartitionWork): OffsetWork | undefined {
  let head: OffsetWork | undefined;
  for (const o of work.offsets.values()) if (!head || o.fetchOffset < head.fetchOffset) head = o;
  return head;
}

/**
 * Timestamps of the first data record at or after each queried offset: Fetch (API 1) rounds as described in the
 * module comment. Returns one entry per query, in query order (duplicates answered alike).
 *
 * Item errors: the partition's Fetch error (1 OFFSET_OUT_OF_RANGE below the log-start offset or above the high
 * watermark, 29 TOPIC_AUTHORIZATION_FAILED without READ, …); 3 UNKNOWN_TOPIC_OR_PARTITION (or the topic's
 * Metadata error) for a topic or partition Metadata does not list; 5 LEADER_NOT_AVAILABLE; code −1 `TIMEOUT`,
 * `NETWORK_ERROR`, … for every partition of a leader that failed (after one retry with fresh Metadata when
 * unreachable); code −1 `CLIENT_ERROR` when the records cannot be read or the query is still open after
 * `limits.maxRounds`.
 * @throws when the Metadata needed before the first Fetch cannot be read (no broker answers).
 */
export async function fetchRecordTimestamps(
  routing: FetchRouting,
  queries: RecordTimestampQuery[],
  limits: FetchLimits = DEFAULT_FETCH_LIMITS,
): Promise<RecordTimestamp[]> {
  const work = new Map<string, PartitionWork>();
  for (const { topic, partition, offset } of queries) {
    const key = tpKey(topic, partition);
    let w = work.get(key);
    if (!w) {
      w = { topic, partition, offsets: new Map(), retried: false, priority: false };
      work.set(key, w);
    }
    if (!w.offsets.has(offset)) {
      w.offsets.set(offset, {
        offset,
        fetchOffset: offset,
        partitionMaxBytes: limits.partitionMaxBytes,
        stalls: 0,
      });
    }
  }
  const answers = new Map<string, Answer>();
  const settle = (w: PartitionWork, offset: bigint, answer: Answer): void => {
    answers.set(`${tpKey(w.topic, w.partition)}\u0000${offset}`, answer);
    w.offsets.delete(offset);
    if (w.offsets.size === 0) work.delete(tpKey(w.topic, w.partition));
  };
  const fail = (w: PartitionWork, error: KafkaItemError): void => {
    for (const offset of [...w.offsets.keys()]) settle(w, offset, { error });
  };

  /** Topics to ask Metadata for before the next round, because one of their partitions is retried. */
  const stale = new Set<string>();
  /** Metadata errors of topics asked in this call (e.g. TOPIC_AUTHORIZATION_FAILED without DESCRIBE). */
  const topicErrors = new Map<string, KafkaItemError>();
  /** Marks `w` for one retry after fresh Metadata; false when its retry was used already. */
  const retryLater = (w: PartitionWork): boolean => {
    if (w.retried) return false;
    w.retried = true;
    stale.add(w.topic);
    return true;
  };

  let version: number | undefined;
  for (let round = 0; round < limits.maxRounds && work.size > 0; round++) {
    // 1. Metadata for topics never seen, and for the topics of retried partitions.
    const refresh = new Set(stale);
    if (round === 0) for (const w of work.values()) if (!routing.knowsTopic(w.topic)) refresh.add(w.topic);
    stale.clear();
    if (refresh.size > 0) {
      try {
        const metadata = await routing.refreshMetadata([...refresh].sort());
        for (const t of metadata.topics) {
          if (typeof t.name !== 'string') continue;
          if (t.errorCode !== 0) topicErrors.set(t.name, itemError(t.errorCode));
          else topicErrors.delete(t.name);
        }
      } catch (error) {
        if (round === 0) throw error; // nothing could be asked at all
        const failure = describeFailure(error);
        for (const w of [...work.values()]) if (refresh.has(w.topic)) fail(w, failure);
      }
    }
    if (version === undefined) {
      try {
        version = await negotiatedFetchVersion(routing.admin);
      } catch (error) {
        const failure = describeFailure(error);
        if (failure.name !== 'UNSUPPORTED_API') throw error;
        for (const w of [...work.values()]) fail(w, failure); // the broker has no Fetch v12+
        break;
      }
    }

    // 2. Route every open partition to its leader.
    const byLeader = new Map<number, { broker: Broker; works: PartitionWork[] }>();
    for (const w of [...work.values()]) {
      const route = routing.route(w.topic, w.partition);
      if (!route) {
        // Not in Metadata just asked: unknown. Missing from older cached Metadata: asked again once.
        if (!refresh.has(w.topic) && retryLater(w)) continue;
        fail(w, topicErrors.get(w.topic) ?? itemError(KafkaErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
      } else if (route.leader < 0 || !route.broker) {
        if (!retryLater(w)) fail(w, itemError(KafkaErrorCode.LEADER_NOT_AVAILABLE));
      } else {
        const entry = byLeader.get(route.leader);
        if (entry) entry.works.push(w);
        else byLeader.set(route.leader, { broker: route.broker, works: [w] });
      }
    }

    // 3. One Fetch per leader, all leaders at once.
    const fetchVersion = version;
    await Promise.all(
      [...byLeader.values()].map(({ broker, works }) =>
        fetchFromLeader(routing, broker, works, fetchVersion, limits, { settle, fail, retryLater }),
      ),
    );
  }

  for (const w of [...work.values()]) {
    fail(
      w,
      clientItemError(
        'CLIENT_ERROR',
        `No answer after ${limits.maxRounds} Fetch rounds (record batches too large?)`,
      ),
    );
  }
  return queries.map((q): RecordTimestamp => {
    const answer = answers.get(`${tpKey(q.topic, q.partition)}\u0000${q.offset}`) ?? {
      error: clientItemError('MISSING_IN_RESPONSE', 'no answer'),
    };
    return { topic: q.topic, partition: q.partition, offset: q.offset, ...answer };
  });
}

interface RoundCallbacks {
  settle(w: PartitionWork, offset: bigint, answer: Answer): void;
  fail(w: PartitionWork, error: KafkaItemError): void;
  retryLater(w: PartitionWork): boolean;
}

/** One Fetch to one leader for `works` (each at its lowest open fetch offset), and what its answer settles. */
async function fetchFromLeader(
  routing: FetchRouting,
  broker: Broker,
  works: PartitionWork[],
  negotiatedVersion: number,
  limits: FetchLimits,
  { settle, fail, retryLater }: RoundCallbacks,
): Promise<void> {
  // Priority partitions go first: the broker fills partitions in request order.
  const ordered = [...works].sort((a, b) => Number(b.priority) - Number(a.priority));
  const topics = new Map<string, FetchRequestTopic>();
  const heads = new Map<string, OffsetWork>();
  for (const w of ordered) {
    const head = headOf(w);
    if (!head) continue;
    heads.set(tpKey(w.topic, w.partition), head);
    let topic = topics.get(w.topic);
    if (!topic) {
      const topicId = routing.route(w.topic, w.partition)?.topicId ?? null;
      topic = { topic: w.topic, topicId: topicId === NO_TOPIC_ID ? null : topicId, partitions: [] };
      topics.set(w.topic, topic);
    }
    topic.partitions.push({
      partition: w.partition,
      fetchOffset: head.fetchOffset,
      partitionMaxBytes: head.partitionMaxBytes,
    });
  }
  const request = [...topics.values()];
  const version = request.every((t) => t.topicId !== null) ? negotiatedVersion : FETCH_BY_NAME_VERSION;

  let response: FetchResponse;
  try {
    response = await sendFetch(
      await brokerConnection(routing.admin, broker),
      version,
      request,
      limits.requestMaxBytes,
    );
  } catch (error) {
    const failure = describeFailure(error);
    // An unreachable leader may have moved: retried once with fresh Metadata. A timeout is not retried.
    for (const w of works) if (!(failure.name === 'NETWORK_ERROR' && retryLater(w))) fail(w, failure);
    return;
  }
  if (response.errorCode !== 0) {
    for (const w of works) {
      if (!(STALE_METADATA_CODES.has(response.errorCode) && retryLater(w)))
        fail(w, itemError(response.errorCode));
    }
    return;
  }

  const byName = new Map(request.map((t) => [version >= 13 ? (t.topicId ?? t.topic) : t.topic, t.topic]));
  const byKey = new Map(works.map((w) => [tpKey(w.topic, w.partition), w]));
  const answered = new Set<string>();
  let bytes = 0;
  for (const t of response.responses) {
    const topic = byName.get(t.topic);
    for (const p of t.partitions) {
      // The broker fills partitions in request order: the first one with records gets its first batch whole
      // whatever its size (KIP-74); later ones get at most partition_max_bytes and what is left of max_bytes.
      const first = bytes === 0;
      bytes += p.records?.length ?? 0;
      const starvedByRequest = bytes >= limits.requestMaxBytes;
      if (topic === undefined) continue;
      const key = tpKey(topic, p.partitionIndex);
      const w = byKey.get(key);
      const head = heads.get(key);
      if (!w || !head || answered.has(key)) continue;
      answered.add(key);
      if (p.errorCode === OFFSET_OUT_OF_RANGE) {
        // Says nothing about the partition's other offsets: they are asked in the next round.
        settle(w, head.offset, { error: itemError(p.errorCode) });
        continue;
      }
      if (p.errorCode !== 0) {
        if (!(STALE_METADATA_CODES.has(p.errorCode) && retryLater(w))) fail(w, itemError(p.errorCode));
        continue;
      }
      const position = { first, starvedByRequest };
      settlePartition(w, head, decodeRecordWindow(p.records), p.highWatermark, position, limits, settle);
    }
  }
  for (const w of works) {
    if (!answered.has(tpKey(w.topic, w.partition))) {
      fail(w, clientItemError('MISSING_IN_RESPONSE', `Fetch answer lacks ${w.topic}-${w.partition}`));
    }
  }
}

/**
 * Answers every open offset of `w` that the window covers; moves the others' next fetch forward.
 * `position.first`: no partition before this one in the response had records, so the broker would have sent
 * this one's first batch whatever its size; `position.starvedByRequest`: the request's max_bytes ran out here.
 *
 * When the head offset got nothing new: out of request bytes → asked first next round; no bytes at all while
 * other partitions had some → its first batch is larger than `partition_max_bytes` (Kafka 4 then sends nothing,
 * not a cut batch) → asked with `maxBatchBytes`, and if that is not enough, first next round (KIP-74: whole);
 * no bytes although it was first → a stall, an item error after {@link MAX_STALLS}.
 */
function settlePartition(
  w: PartitionWork,
  head: OffsetWork,
  window: RecordWindow,
  highWatermark: bigint,
  position: { first: boolean; starvedByRequest: boolean },
  limits: FetchLimits,
  settle: RoundCallbacks['settle'],
): void {
  w.priority = false;
  const open = [...w.offsets.values()].sort((a, b) => (a.fetchOffset < b.fetchOffset ? -1 : 1));
  for (const o of open) {
    if (o.fetchOffset < head.fetchOffset) continue; // cannot happen: the head is the lowest
    if (o.offset > highWatermark) {
      // What the broker answers when asked for this offset itself.
      settle(w, o.offset, { error: itemError(OFFSET_OUT_OF_RANGE) });
      continue;
    }
    const answer = answerFromWindow(window, o.fetchOffset, highWatermark, limits);
    if (answer.kind === 'found') {
      const { recordOffset, timestampMs, timestampType } = answer;
      settle(w, o.offset, { timestampMs, timestampType, recordOffset });
    } else if (answer.kind === 'none') {
      settle(w, o.offset, { none: true });
    } else if (answer.kind === 'error') {
      settle(w, o.offset, { error: answer.error });
    } else {
      // Bytes only grow while the fetch offset stays: every round without a new offset asks for more.
      let partitionMaxBytes =
        answer.fetchOffset === o.fetchOffset
          ? Math.max(o.partitionMaxBytes, answer.partitionMaxBytes)
          : answer.partitionMaxBytes;
      const progress = answer.fetchOffset !== o.fetchOffset || partitionMaxBytes > o.partitionMaxBytes;
      if (o === head && !progress) {
        if (position.starvedByRequest || answer.starved) {
          w.priority = true;
        } else if (!position.first && partitionMaxBytes < limits.maxBatchBytes) {
          partitionMaxBytes = limits.maxBatchBytes;
        } else if (!position.first) {
          w.priority = true;
        } else if (++o.stalls >= MAX_STALLS) {
          settle(w, o.offset, {
            error: clientItemError(
              'CLIENT_ERROR',
              `Fetch returned no records at offset ${o.fetchOffset} below the high watermark ${highWatermark}`,
            ),
          });
          continue;
        }
      } else if (o === head) {
        o.stalls = 0;
      }
      o.fetchOffset = answer.fetchOffset;
      o.partitionMaxBytes = partitionMaxBytes;
    }
  }
}
