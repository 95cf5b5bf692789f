/** Specification of lag in seconds: exact from record timestamps, estimate from history, and the fallbacks. */
import { describe, expect, it } from 'vitest';
import { History } from '../../../src/analyze/history.js';
import { computeOffsetLag } from '../../../src/analyze/lag.js';
import {
  computeTimeLag,
  estimatedSeconds,
  exactSeconds,
  indexRecordTimestamps,
  recordKey,
  type TimeLagMode,
} from '../../../src/analyze/time-lag.js';
import type { RecordTimestamp } from '../../../src/kafka/port.js';
import { failed, found, group, none, snapshot, topic } from './builders.js';

const S = 1000;

describe('exactSeconds', () => {
  it('is now minus the timestamp of the record at the committed offset, in seconds', () => {
    expect(exactSeconds(found('t', 0, 5n, 1_000), 4_500)).toBe(3.5);
  });
  it('is 0 when only control records remain (transaction markers)', () => {
    expect(exactSeconds(none('t', 0, 5n), 4_500)).toBe(0);
  });
  it('clamps a timestamp in the future (producer clock ahead, CreateTime) to 0', () => {
    expect(exactSeconds(found('t', 0, 5n, 9_000), 4_500)).toBe(0);
  });
  it('has no value for a failed read', () => {
    expect(exactSeconds(failed('t', 0, 5n, 'TOPIC_AUTHORIZATION_FAILED', 29), 4_500)).toBeUndefined();
    expect(exactSeconds(failed('t', 0, 5n, 'OFFSET_OUT_OF_RANGE', 1), 4_500)).toBeUndefined();
  });
  it('has no value for a record without timestamp (-1, message format v0) or a missing record', () => {
    expect(exactSeconds(found('t', 0, 5n, -1), 4_500)).toBeUndefined();
    expect(exactSeconds(undefined, 4_500)).toBeUndefined();
  });
});

describe('estimatedSeconds', () => {
  const left = { offset: 0n, timeMs: 0 };
  const right = { offset: 10n, timeMs: 10 };
  it('is now minus the interpolated time', () => {
    expect(estimatedSeconds({ kind: 'interpolated', timeMs: 2_000, left, right }, 5_000)).toEqual({
      seconds: 3,
      lowerBound: false,
    });
  });
  it('is a lower bound for an offset older than the history', () => {
    expect(estimatedSeconds({ kind: 'before-history', timeMs: 2_000 }, 5_000)).toEqual({
      seconds: 3,
      lowerBound: true,
    });
  });
  it('has no value for a lower bound of 0 s (history starts now: no information)', () => {
    expect(estimatedSeconds({ kind: 'before-history', timeMs: 5_000 }, 5_000)).toBeUndefined();
  });
  it('has no value when the table says caught-up although the partition lags (table behind this poll)', () => {
    expect(estimatedSeconds({ kind: 'caught-up' }, 5_000)).toBeUndefined();
  });
  it('has no value without a table', () => {
    expect(estimatedSeconds(undefined, 5_000)).toBeUndefined();
  });
  it('is never negative', () => {
    expect(estimatedSeconds({ kind: 'interpolated', timeMs: 6_000, left, right }, 5_000)?.seconds).toBe(0);
  });
});

describe('indexRecordTimestamps', () => {
  it('keys records by the offset asked for, not the offset found (compaction may skip ahead)', () => {
    const index = indexRecordTimestamps([found('t', 0, 5n, 100, 9n)]);
    expect(index.get(recordKey('t', 0, 5n))).toBeDefined();
    expect(index.get(recordKey('t', 0, 9n))).toBeUndefined();
  });
});

/**
 * One partition t/0 polled at 0, 10, 20, 30 s with high watermarks 0, 100, 200, 300 (10 records/s);
 * group g committed at `committed`; the record timestamps given are the snapshot's.
 */
function run(committed: bigint, mode: TimeLagMode, records: RecordTimestamp[] = [], polls = 4) {
  const history = new History();
  let snap = snapshot({ observedAt: 0 });
  for (let i = 0; i < polls; i++) {
    snap = snapshot({
      observedAt: i * 10 * S,
      topics: [topic('t', [BigInt(i * 100)])],
      groups: [group('g', [['t', 0, committed]])],
      recordTimestamps: i === polls - 1 ? records : [],
    });
    history.record(snap);
  }
  const now = (polls - 1) * 10 * S;
  return computeTimeLag(computeOffsetLag(snap), indexRecordTimestamps(snap.recordTimestamps), history, {
    now,
    mode,
  });
}

describe('computeTimeLag', () => {
  it('reports a caught-up partition as 0 s, exact, in both modes', () => {
    for (const mode of ['exact', 'estimate'] as const) {
      expect(run(300n, mode)).toEqual([
        { groupId: 'g', topic: 't', partition: 0, seconds: 0, method: 'exact', lowerBound: false },
      ]);
    }
  });

  it('reports a committed offset ahead of the end (lag clamped to 0) as 0 s', () => {
    expect(run(350n, 'exact')[0]).toMatchObject({ seconds: 0, method: 'exact' });
  });

  it('uses the record timestamp in mode exact', () => {
    expect(run(150n, 'exact', [found('t', 0, 150n, 12_345)])).toEqual([
      { groupId: 'g', topic: 't', partition: 0, seconds: 17.655, method: 'exact', lowerBound: false },
    ]);
  });

  it('reports 0 s, exact, when only control records remain after the committed offset', () => {
    expect(run(299n, 'exact', [none('t', 0, 299n)])[0]).toMatchObject({ seconds: 0, method: 'exact' });
  });

  it('falls back to the estimate without READ permission (TOPIC_AUTHORIZATION_FAILED)', () => {
    const [lag] = run(150n, 'exact', [failed('t', 0, 150n, 'TOPIC_AUTHORIZATION_FAILED', 29)]);
    expect(lag).toMatchObject({ seconds: 15, method: 'estimate', lowerBound: false });
  });

  it('falls back to the estimate when the record was not fetched at all', () => {
    expect(run(150n, 'exact')[0]).toMatchObject({ seconds: 15, method: 'estimate' });
  });

  it('falls back to a lower bound when the record was deleted (OFFSET_OUT_OF_RANGE) and is older than the history', () => {
    const history = new History();
    for (let i = 1; i <= 3; i++) {
      history.record(
        snapshot({ observedAt: i * 10 * S, topics: [topic('t', [BigInt(1000 + i * 100)], [500n])] }),
      );
    }
    const snap = snapshot({
      observedAt: 40 * S,
      topics: [topic('t', [1400n], [500n])],
      groups: [group('g', [['t', 0, 10n]])],
      recordTimestamps: [failed('t', 0, 10n, 'OFFSET_OUT_OF_RANGE', 1)],
    });
    history.record(snap);
    const [lag] = computeTimeLag(
      computeOffsetLag(snap),
      indexRecordTimestamps(snap.recordTimestamps),
      history,
      {
        now: 40 * S,
        mode: 'exact',
      },
    );
    expect(lag).toMatchObject({ seconds: 30, method: 'estimate', lowerBound: true });
  });

  it('ignores record timestamps in mode estimate', () => {
    expect(run(150n, 'estimate', [found('t', 0, 150n, 12_345)])[0]).toMatchObject({
      seconds: 15,
      method: 'estimate',
    });
  });

  it('omits a partition with neither a usable timestamp nor an estimate (first poll), never NaN', () => {
    const history = new History();
    const snap = snapshot({
      observedAt: S,
      topics: [topic('t', [100n])],
      groups: [group('g', [['t', 0, 40n]])],
    });
    history.record(snap);
    for (const mode of ['exact', 'estimate'] as const) {
      expect(computeTimeLag(computeOffsetLag(snap), new Map(), history, { now: S, mode })).toEqual([]);
    }
  });

  it('estimates a committed offset below the first sample as a lower bound, the age of the oldest sample', () => {
    const history = new History();
    history.record(snapshot({ observedAt: 10 * S, topics: [topic('t', [500n])] }));
    const snap = snapshot({
      observedAt: 20 * S,
      topics: [topic('t', [600n])],
      groups: [group('g', [['t', 0, 100n]])],
    });
    history.record(snap);
    expect(
      computeTimeLag(computeOffsetLag(snap), new Map(), history, { now: 25 * S, mode: 'estimate' }),
    ).toEqual([
      { groupId: 'g', topic: 't', partition: 0, seconds: 15, method: 'estimate', lowerBound: true },
    ]);
  });

  it('keeps the order of the offset lags and one value per (group, partition)', () => {
    const history = new History();
    const snap = snapshot({
      observedAt: S,
      topics: [topic('t', [10n, 10n])],
      groups: [
        group('a', [
          ['t', 0, 10n],
          ['t', 1, 10n],
        ]),
        group('b', [['t', 0, 10n]]),
      ],
    });
    history.record(snap);
    const lags = computeTimeLag(computeOffsetLag(snap), new Map(), history, { now: S, mode: 'exact' });
    expect(lags.map((l) => `${l.groupId}/${l.partition}`)).toEqual(['a/0', 'a/1', 'b/0']);
  });
});
