/** Specification of History: what it keeps across polls, for how long, and what it forgets. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTORY_OPTIONS, History, observeCommit } from '../../../src/analyze/history.js';
import type { CommitObservation } from '../../../src/analyze/history.js';
import { group, snapshot, topic } from './builders.js';

const S = 1000;

function tablePoints(history: History, t: string, p: number): [bigint, number][] | undefined {
  return history
    .table(t, p)
    ?.points()
    .map((x) => [x.offset, x.timeMs]);
}

function offsets(history: History, g: string, t: string, p: number): bigint[] {
  return history.commits(g, t, p).map((o) => o.offset);
}

describe('History options', () => {
  it('defaults to Burrow intervals 10, kafka-lag-exporter capacity 60, min-distance 0', () => {
    expect(DEFAULT_HISTORY_OPTIONS).toEqual({ windowSize: 10, tableCapacity: 60, minDistanceMs: 0 });
    const h = new History();
    expect([h.windowSize, h.tableCapacity, h.minDistanceMs]).toEqual([10, 60, 0]);
  });

  it('takes each option separately, undefined meaning the default', () => {
    const h = new History({ windowSize: 3, minDistanceMs: undefined });
    expect([h.windowSize, h.tableCapacity, h.minDistanceMs]).toEqual([3, 60, 0]);
  });

  it('rejects options outside their domain', () => {
    expect(() => new History({ windowSize: 0 })).toThrow(RangeError);
    expect(() => new History({ windowSize: 1.5 })).toThrow(RangeError);
    expect(() => new History({ tableCapacity: 1 })).toThrow(RangeError);
    expect(() => new History({ minDistanceMs: -1 })).toThrow(RangeError);
    expect(() => new History({ minDistanceMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('History.record: high watermarks', () => {
  it('adds one (high watermark, poll time) point per successful poll to the partition table', () => {
    const h = new History();
    h.record(snapshot({ observedAt: 1 * S, topics: [topic('t', [10n])] }));
    h.record(snapshot({ observedAt: 2 * S, topics: [topic('t', [25n])] }));
    expect(tablePoints(h, 't', 0)).toEqual([
      [10n, 1 * S],
      [25n, 2 * S],
    ]);
  });

  it('survives failed polls: a poll that is not recorded only widens the gap between points', () => {
    const h = new History();
    h.record(snapshot({ observedAt: 1 * S, topics: [topic('t', [10n])] }));
    // polls at 2 s and 3 s failed: record() was not called
    h.record(snapshot({ observedAt: 4 * S, topics: [topic('t', [40n])] }));
    expect(tablePoints(h, 't', 0)).toEqual([
      [10n, 1 * S],
      [40n, 4 * S],
    ]);
  });

  it('ignores a snapshot not newer than the last one (recorded twice, clock stepped back)', () => {
    const h = new History();
    expect(h.record(snapshot({ observedAt: 5 * S, topics: [topic('t', [10n])] }))).toBe(true);
    expect(h.record(snapshot({ observedAt: 5 * S, topics: [topic('t', [11n])] }))).toBe(false);
    expect(h.record(snapshot({ observedAt: 4 * S, topics: [topic('t', [12n])] }))).toBe(false);
    expect(tablePoints(h, 't', 0)).toEqual([[10n, 5 * S]]);
    expect(h.brokerRing('t', 0)).toEqual([10n]);
    expect(h.lastObservedAt).toBe(5 * S);
  });

  it('adds no point for a partition whose high watermark was unreadable, and keeps its state', () => {
    const h = new History();
    h.record(snapshot({ observedAt: 1 * S, topics: [topic('t', [10n])] }));
    h.record(snapshot({ observedAt: 2 * S, topics: [topic('t', [null])] }));
    expect(tablePoints(h, 't', 0)).toEqual([[10n, 1 * S]]);
    expect(h.brokerRing('t', 0)).toEqual([10n]);
  });

  it("keeps the high watermarks of the last windowSize polls in the broker ring (Burrow's broker offsets)", () => {
    const h = new History({ windowSize: 3 });
    for (let i = 1; i <= 5; i++) h.record(snapshot({ observedAt: i * S, topics: [topic('t', [BigInt(i)])] }));
    expect(h.brokerRing('t', 0)).toEqual([3n, 4n, 5n]);
  });

  it('bounds the table by tableCapacity', () => {
    const h = new History({ tableCapacity: 3 });
    for (let i = 1; i <= 5; i++) h.record(snapshot({ observedAt: i * S, topics: [topic('t', [BigInt(i)])] }));
    expect(tablePoints(h, 't', 0)).toEqual([
      [3n, 3 * S],
      [4n, 4 * S],
      [5n, 5 * S],
    ]);
  });

  it('resets table, broker ring and commit windows when the high watermark goes backwards (topic re-created, kafka-lag-exporter #197)', () => {
    const h = new History();
    h.record(
      snapshot({ observedAt: 1 * S, topics: [topic('t', [500n])], groups: [group('g', [['t', 0, 400n]])] }),
    );
    h.record(
      snapshot({ observedAt: 2 * S, topics: [topic('t', [600n])], groups: [group('g', [['t', 0, 450n]])] }),
    );
    h.record(
      snapshot({ observedAt: 3 * S, topics: [topic('t', [5n])], groups: [group('g', [['t', 0, 0n]])] }),
    );
    expect(tablePoints(h, 't', 0)).toEqual([[5n, 3 * S]]);
    expect(h.brokerRing('t', 0)).toEqual([5n]);
    // The window restarts at the new log: no REWIND from 450 to 0.
    expect(h.commits('g', 't', 0)).toEqual([{ offset: 0n, firstObservedAt: 3 * S, lag: 5n }]);
  });

  it('forgets partitions of a topic that vanished from the snapshot (deleted or filtered out)', () => {
    const h = new History();
    h.record(snapshot({ observedAt: 1 * S, topics: [topic('a', [1n]), topic('b', [1n, 2n])] }));
    h.record(snapshot({ observedAt: 2 * S, topics: [topic('a', [1n])] }));
    expect(h.table('b', 0)).toBeUndefined();
    expect(h.table('b', 1)).toBeUndefined();
    expect(h.brokerRing('b', 0)).toEqual([]);
    expect(h.size().partitions).toBe(1);
  });

  it('keeps partitions of a topic whose Metadata failed this poll: absent because of the error, not deleted', () => {
    const h = new History();
    h.record(
      snapshot({ observedAt: 1 * S, topics: [topic('a', [1n])], groups: [group('g', [['a', 0, 0n]])] }),
    );
    h.record(
      snapshot({
        observedAt: 2 * S,
        topics: [],
        groups: [group('g', [['a', 0, 0n]])],
        errors: [
          { kind: 'metadata', subject: 'a', error: { code: 5, name: 'LEADER_NOT_AVAILABLE', message: '' } },
        ],
      }),
    );
    expect(tablePoints(h, 'a', 0)).toEqual([[1n, 1 * S]]);
    expect(offsets(h, 'g', 'a', 0)).toEqual([0n]);
  });

  it('starts a topic deleted and re-created across polls afresh, also for groups whose OffsetFetch failed meanwhile', () => {
    const h = new History();
    h.record(
      snapshot({ observedAt: 1 * S, topics: [topic('t', [100n])], groups: [group('g', [['t', 0, 90n]])] }),
    );
    h.record(snapshot({ observedAt: 2 * S, topics: [], groups: [group('g', null)] }));
    h.record(snapshot({ observedAt: 3 * S, topics: [topic('t', [100n])], groups: [group('g', null)] }));
    expect(tablePoints(h, 't', 0)).toEqual([[100n, 3 * S]]);
    expect(h.commits('g', 't', 0)).toEqual([]);
  });
});

describe('History.record: commit windows', () => {
  it('appends an observation only when the committed offset changes, stamped with the first poll that saw it', () => {
    const h = new History();
    const polls: [number, bigint, bigint][] = [
      [1, 100n, 50n],
      [2, 110n, 50n],
      [3, 120n, 70n],
      [4, 130n, 70n],
    ];
    for (const [i, hwm, c] of polls) {
      h.record(
        snapshot({ observedAt: i * S, topics: [topic('t', [hwm])], groups: [group('g', [['t', 0, c]])] }),
      );
    }
    expect(h.commits('g', 't', 0)).toEqual([
      { offset: 50n, firstObservedAt: 1 * S, lag: 50n },
      { offset: 70n, firstObservedAt: 3 * S, lag: 50n },
    ]);
  });

  it('records lag at observation against the same poll’s high watermark, clamped at 0', () => {
    const h = new History();
    h.record(
      snapshot({ observedAt: S, topics: [topic('t', [100n])], groups: [group('g', [['t', 0, 120n]])] }),
    );
    expect(h.commits('g', 't', 0)).toEqual([{ offset: 120n, firstObservedAt: S, lag: 0n }]);
  });

  it('records a null lag when the high watermark was unreadable that poll', () => {
    const h = new History();
    h.record(snapshot({ observedAt: S, topics: [topic('t', [null])], groups: [group('g', [['t', 0, 7n]])] }));
    expect(h.commits('g', 't', 0)).toEqual([{ offset: 7n, firstObservedAt: S, lag: null }]);
  });

  it('keeps at most windowSize observations, dropping the oldest', () => {
    const h = new History({ windowSize: 3 });
    for (let i = 1; i <= 5; i++) {
      h.record(
        snapshot({
          observedAt: i * S,
          topics: [topic('t', [100n])],
          groups: [group('g', [['t', 0, BigInt(i)]])],
        }),
      );
    }
    expect(offsets(h, 'g', 't', 0)).toEqual([3n, 4n, 5n]);
  });

  it('sees at most one change per poll from a group that commits more often than lagwatch polls', () => {
    const h = new History();
    // Between polls the group committed 10 times; OffsetFetch shows only the last one.
    for (let i = 1; i <= 3; i++) {
      h.record(
        snapshot({
          observedAt: i * S,
          topics: [topic('t', [BigInt(i * 1000)])],
          groups: [group('g', [['t', 0, BigInt(i * 1000 - 5)]])],
        }),
      );
    }
    expect(offsets(h, 'g', 't', 0)).toEqual([995n, 1995n, 2995n]);
  });

  it("merges changes closer than min-distance into the newest slot, keeping the slot's time (Burrow min-distance)", () => {
    const h = new History({ minDistanceMs: 2500 });
    for (let i = 0; i <= 6; i++) {
      h.record(
        snapshot({
          observedAt: i * S,
          topics: [topic('t', [100n])],
          groups: [group('g', [['t', 0, BigInt(i)]])],
        }),
      );
    }
    // Slots open at 0 s and 3 s and 6 s (each ≥ 2.5 s after the previous slot's first observation).
    expect(h.commits('g', 't', 0)).toEqual([
      { offset: 2n, firstObservedAt: 0, lag: 98n },
      { offset: 5n, firstObservedAt: 3 * S, lag: 95n },
      { offset: 6n, firstObservedAt: 6 * S, lag: 94n },
    ]);
  });

  it('forgets every window of a group that vanished from the snapshot (no ghost status, Burrow #758)', () => {
    const h = new History();
    h.record(snapshot({ observedAt: S, topics: [topic('t', [9n])], groups: [group('g', [['t', 0, 1n]])] }));
    h.record(snapshot({ observedAt: 2 * S, topics: [topic('t', [9n])], groups: [] }));
    expect(h.commits('g', 't', 0)).toEqual([]);
    expect(h.size().windows).toBe(0);
  });

  it('forgets the window of a partition that left a group’s committed offsets (offsets deleted or expired)', () => {
    const h = new History();
    h.record(
      snapshot({
        observedAt: S,
        topics: [topic('t', [9n, 9n])],
        groups: [
          group('g', [
            ['t', 0, 1n],
            ['t', 1, 1n],
          ]),
        ],
      }),
    );
    h.record(
      snapshot({ observedAt: 2 * S, topics: [topic('t', [9n, 9n])], groups: [group('g', [['t', 0, 1n]])] }),
    );
    expect(offsets(h, 'g', 't', 1)).toEqual([]);
    expect(offsets(h, 'g', 't', 0)).toEqual([1n]);
  });

  it('keeps the windows of a group whose OffsetFetch failed this poll', () => {
    const h = new History();
    h.record(snapshot({ observedAt: S, topics: [topic('t', [9n])], groups: [group('g', [['t', 0, 1n]])] }));
    h.record(snapshot({ observedAt: 2 * S, topics: [topic('t', [9n])], groups: [group('g', null)] }));
    expect(offsets(h, 'g', 't', 0)).toEqual([1n]);
  });

  it('ignores committed offsets on topics absent from the snapshot', () => {
    const h = new History();
    h.record(snapshot({ observedAt: S, topics: [], groups: [group('g', [['gone', 0, 1n]])] }));
    expect(h.size()).toEqual({ partitions: 0, windows: 0 });
  });
});

describe('observeCommit', () => {
  const options = { windowSize: 2, minDistanceMs: 0 };

  it('starts a window with the first observation', () => {
    const w: CommitObservation[] = [];
    observeCommit(w, { offset: 1n, firstObservedAt: 0, lag: 0n }, options);
    expect(w).toHaveLength(1);
  });

  it('leaves the window unchanged when the offset did not change', () => {
    const w: CommitObservation[] = [{ offset: 1n, firstObservedAt: 0, lag: 5n }];
    observeCommit(w, { offset: 1n, firstObservedAt: 10, lag: 9n }, options);
    expect(w).toEqual([{ offset: 1n, firstObservedAt: 0, lag: 5n }]);
  });

  it('appends a lower offset too (a rewind is a change)', () => {
    const w: CommitObservation[] = [{ offset: 5n, firstObservedAt: 0, lag: 5n }];
    observeCommit(w, { offset: 1n, firstObservedAt: 10, lag: 9n }, options);
    expect(w.map((o) => o.offset)).toEqual([5n, 1n]);
  });
});
