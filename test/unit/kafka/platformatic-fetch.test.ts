/**
 * The record-batch decoding behind the platformatic adapter's fetchRecordTimestamps: batches built with
 * @platformatic/kafka's own producer encoder (then patched where a broker would differ: base offsets,
 * LogAppendTime, control markers, compaction gaps), answered without a broker.
 */
import { Reader, Writer, createRecordsBatch } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import {
  answerFromWindow,
  decodeRecordWindow,
  parseFetchResponse,
  type WindowAnswer,
} from '../../../src/kafka/platformatic-fetch.js';

const LIMITS = { partitionMaxBytes: 64 * 1024, maxBatchBytes: 1024 * 1024 };
const T = 1_700_000_000_000n;

interface BatchOptions {
  baseOffset: bigint;
  timestamps: bigint[];
  compression?: 'none' | 'gzip';
  producerId?: bigint;
  transactional?: boolean;
  /** Keys of the records (control records carry `version int16, type int16`). */
  keys?: Buffer[];
  /** Extra attribute bits to set after encoding (8 LogAppendTime, 32 control, 4 zstd). */
  setAttributes?: number;
  maxTimestamp?: bigint;
  lastOffsetDelta?: number;
}

/** One v2 batch as a broker stores it: platformatic's encoder, then header fields patched. */
function batch(o: BatchOptions): Buffer {
  const messages = o.timestamps.map((timestamp, i) => ({
    topic: 't',
    partition: 0,
    key: o.keys?.[i] ?? Buffer.from(`k${i}`),
    value: Buffer.from(`value-${i}`),
    headers: new Map<Buffer, Buffer>(),
    timestamp,
  }));
  const options: Parameters<typeof createRecordsBatch>[1] = {
    compression: o.compression ?? 'none',
    producerId: o.producerId ?? -1n,
  };
  if (o.transactional) options.transactionalId = 'tx';
  const bytes = Buffer.from(createRecordsBatch(messages, options).buffer);
  bytes.writeBigInt64BE(o.baseOffset, 0);
  if (o.setAttributes !== undefined) bytes.writeInt16BE(bytes.readInt16BE(21) | o.setAttributes, 21);
  if (o.maxTimestamp !== undefined) bytes.writeBigInt64BE(o.maxTimestamp, 35);
  if (o.lastOffsetDelta !== undefined) bytes.writeInt32BE(o.lastOffsetDelta, 23);
  return bytes;
}

/** A transaction marker (control batch, one record) of `producerId` at `offset`. */
function marker(offset: bigint, producerId: bigint, type: 'commit' | 'abort'): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(type === 'commit' ? 1 : 0, 2);
  return batch({
    baseOffset: offset,
    timestamps: [T + 999n],
    producerId,
    transactional: true,
    keys: [key],
    setAttributes: 0x20,
  });
}

function answer(records: Buffer[], from: bigint, hwm: bigint, limits = LIMITS): WindowAnswer {
  return answerFromWindow(decodeRecordWindow(Buffer.concat(records)), from, hwm, limits);
}

describe('answerFromWindow on uncompressed CreateTime batches', () => {
  // Timestamps deliberately not monotonic: per-record deltas, not the header, give the answer.
  const first = batch({ baseOffset: 100n, timestamps: [T, T + 10n, T - 5n, T + 30n, T + 40n] });
  const second = batch({ baseOffset: 105n, timestamps: [T + 100n, T + 110n] });

  it.each([
    [100n, 100n, T],
    [102n, 102n, T - 5n],
    [104n, 104n, T + 40n],
    [105n, 105n, T + 100n],
    [106n, 106n, T + 110n],
  ])('offset %s → record %s at its own timestamp', (from, recordOffset, timestamp) => {
    expect(answer([first, second], from, 107n)).toEqual({
      kind: 'found',
      recordOffset,
      timestampMs: Number(timestamp),
      timestampType: 'create',
    });
  });

  it('the high watermark and beyond the records is none', () => {
    expect(answer([first, second], 107n, 107n)).toEqual({ kind: 'none' });
    expect(answer([], 107n, 107n)).toEqual({ kind: 'none' });
  });

  it('records at or above the high watermark are not answers', () => {
    expect(answer([first, second], 103n, 103n)).toEqual({ kind: 'none' });
  });

  it('empty records below the high watermark ask again from the same offset', () => {
    expect(answer([], 50n, 107n)).toEqual({
      kind: 'more',
      fetchOffset: 50n,
      partitionMaxBytes: LIMITS.partitionMaxBytes,
      starved: false,
    });
  });

  it('records compaction removed are skipped to the next surviving record', () => {
    // Records at 200, 201 survive; the batch header still spans 200..204.
    const compacted = batch({ baseOffset: 200n, timestamps: [T, T + 1n], lastOffsetDelta: 4 });
    const next = batch({ baseOffset: 205n, timestamps: [T + 50n] });
    expect(answer([compacted, next], 202n, 206n)).toMatchObject({ kind: 'found', recordOffset: 205n });
  });
});

describe('answerFromWindow with LogAppendTime and compression', () => {
  it('LogAppendTime: every record carries the batch maxTimestamp', () => {
    const appended = batch({
      baseOffset: 0n,
      timestamps: [T, T + 1n, T + 2n],
      setAttributes: 0x08,
      maxTimestamp: T + 5000n,
    });
    expect(answer([appended], 1n, 3n)).toEqual({
      kind: 'found',
      recordOffset: 1n,
      timestampMs: Number(T + 5000n),
      timestampType: 'log-append',
    });
  });

  it('gzip batches are decompressed for exact per-record timestamps', () => {
    const gzip = batch({ baseOffset: 10n, timestamps: [T, T + 7n, T + 3n], compression: 'gzip' });
    expect(gzip.readInt16BE(21) & 0x07).toBe(1);
    expect(answer([gzip], 12n, 13n)).toMatchObject({ recordOffset: 12n, timestampMs: Number(T + 3n) });
  });

  it('a batch whose codec cannot be read is answered from its header', () => {
    // Codec bits say zstd (4) over bytes that are not zstd: on any Node the records cannot be read.
    const unreadable = batch({ baseOffset: 10n, timestamps: [T, T + 7n, T + 9n], setAttributes: 0x04 });
    // At the base offset the header's first timestamp is the record's own.
    expect(answer([unreadable], 10n, 13n)).toMatchObject({ recordOffset: 10n, timestampMs: Number(T) });
    // Mid-batch: the batch's first timestamp (the record's own is T + 7).
    expect(answer([unreadable], 11n, 13n)).toMatchObject({ recordOffset: 11n, timestampMs: Number(T) });
  });
});

describe('answerFromWindow with transactions', () => {
  const committed = batch({ baseOffset: 0n, timestamps: [T, T + 1n], producerId: 7n, transactional: true });
  const commit = marker(2n, 7n, 'commit');
  const aborted = batch({
    baseOffset: 3n,
    timestamps: [T + 3n, T + 4n],
    producerId: 7n,
    transactional: true,
  });
  const abort = marker(5n, 7n, 'abort');
  const later = batch({ baseOffset: 6n, timestamps: [T + 6n], producerId: 8n, transactional: true });

  it('a tail of transaction markers only is none', () => {
    expect(answer([commit], 2n, 3n)).toEqual({ kind: 'none' });
    expect(answer([committed, commit], 0n, 3n)).toMatchObject({ recordOffset: 0n });
  });

  it('data of a transaction aborted within the records is skipped', () => {
    expect(answer([aborted, abort], 3n, 6n)).toEqual({ kind: 'none' });
    expect(answer([commit, aborted, abort, later], 2n, 7n)).toMatchObject({
      recordOffset: 6n,
      timestampMs: Number(T + 6n),
    });
  });

  it('a transaction without its marker in the records counts as data', () => {
    expect(answer([aborted], 3n, 6n)).toMatchObject({ kind: 'found', recordOffset: 3n });
  });
});

describe('answerFromWindow with batches cut by the byte limit', () => {
  const small = batch({ baseOffset: 0n, timestamps: [T] });
  const big = batch({ baseOffset: 1n, timestamps: Array.from({ length: 50 }, (_, i) => T + BigInt(i)) });

  it('asks again for the whole cut batch', () => {
    const cut = Buffer.concat([small, big.subarray(0, 80)]);
    // The cut batch's size, plus the usual room for what follows it.
    expect(answerFromWindow(decodeRecordWindow(cut), 5n, 51n, LIMITS)).toEqual({
      kind: 'more',
      fetchOffset: 5n,
      partitionMaxBytes: big.length + LIMITS.partitionMaxBytes,
      starved: false,
    });
    // Past the cut batch: from that offset, with the usual room.
    expect(answerFromWindow(decodeRecordWindow(cut), 60n, 70n, LIMITS)).toMatchObject({
      kind: 'more',
      fetchOffset: 60n,
      partitionMaxBytes: LIMITS.partitionMaxBytes,
    });
  });

  it('answers a cut batch larger than maxBatchBytes from its header', () => {
    const cut = big.subarray(0, 70);
    const limits = { partitionMaxBytes: 64, maxBatchBytes: 100 };
    expect(answerFromWindow(decodeRecordWindow(cut), 1n, 51n, limits)).toMatchObject({
      kind: 'found',
      recordOffset: 1n,
      timestampMs: Number(T),
    });
  });

  it('fewer than 12 bytes of a batch: the request ran out of bytes', () => {
    expect(answer([small, big.subarray(0, 5)], 1n, 51n)).toMatchObject({
      kind: 'more',
      fetchOffset: 1n,
      starved: true,
    });
  });

  it('a cut marker is stepped over without reading it', () => {
    const cutMarker = marker(1n, 7n, 'commit').subarray(0, 65);
    expect(answer([small, cutMarker], 1n, 2n)).toEqual({ kind: 'none' });
  });
});

describe('parseFetchResponse', () => {
  const TOPIC_ID = '6f1c2a5e-0d3b-4c8e-9a7f-1b2c3d4e5f60';
  const records = batch({ baseOffset: 3n, timestamps: [T] });

  function response(version: number, taggedPartition: boolean): Reader {
    const w = Writer.create().appendInt32(0).appendInt16(0).appendInt32(0);
    w.appendArray(
      [0],
      (tw) => {
        if (version >= 13) tw.appendUUID(TOPIC_ID);
        else tw.appendString('orders');
        tw.appendArray(
          [0, 1],
          (pw, _p, i) => {
            pw.appendInt32(i)
              .appendInt16(i === 0 ? 0 : 1)
              .appendInt64(10n)
              .appendInt64(10n)
              .appendInt64(0n)
              .appendArray([], () => undefined)
              .appendInt32(-1);
            if (i === 0) pw.appendUnsignedVarInt(records.length + 1).append(records);
            else pw.appendUnsignedVarInt(0);
            // CurrentLeader (tag 1) as a broker sends it with NOT_LEADER_OR_FOLLOWER; here on partition 0.
            if (taggedPartition && i === 0) {
              pw.appendUnsignedVarInt(1)
                .appendUnsignedVarInt(1)
                .appendUnsignedVarInt(3)
                .append(Buffer.from([1, 2, 3]));
            } else pw.appendUnsignedVarInt(0);
          },
          true,
          false,
        );
        tw.appendUnsignedVarInt(0);
      },
      true,
      false,
    );
    // Top-level NodeEndpoints (tag 0, v16+) with 2 opaque bytes.
    w.appendUnsignedVarInt(1)
      .appendUnsignedVarInt(0)
      .appendUnsignedVarInt(2)
      .append(Buffer.from([9, 9]));
    return Reader.from(w);
  }

  it.each([12, 17])('v%s keeps partition records raw and skips tagged fields', (version) => {
    const parsed = parseFetchResponse(0, 1, version, response(version, true));
    expect(parsed.errorCode).toBe(0);
    expect(parsed.responses).toHaveLength(1);
    expect(parsed.responses[0]?.topic).toBe(version >= 13 ? TOPIC_ID : 'orders');
    const [p0, p1] = parsed.responses[0]?.partitions ?? [];
    expect(p0).toMatchObject({ partitionIndex: 0, errorCode: 0, highWatermark: 10n });
    expect(Buffer.compare(p0?.records ?? Buffer.alloc(0), records)).toBe(0);
    expect(p1).toMatchObject({ partitionIndex: 1, errorCode: 1, records: null });
  });
});
