/** Specification of analyzeCluster, the entry the exporter calls once per successful poll after History.record. */
import { describe, expect, it } from 'vitest';
import { analyzeCluster } from '../../../src/analyze/analyze.js';
import { History } from '../../../src/analyze/history.js';
import { computeOffsetLag } from '../../../src/analyze/lag.js';
import type { ClusterSnapshot } from '../../../src/collect/snapshot.js';
import { failed, found, group, member, snapshot, topic } from './builders.js';

const S = 1000;

/**
 * Topic t with 2 partitions; producer writes 100 records per 10 s poll on each. Group `live` keeps up on
 * both; group `dead` stopped at offset 50 of partition 0 and has no members.
 */
function poll(i: number, extra: Partial<Parameters<typeof snapshot>[0]> = {}): ClusterSnapshot {
  const hwm = BigInt(100 * (i + 1));
  return snapshot({
    observedAt: i * 10 * S,
    topics: [topic('t', [hwm, hwm], [0n, 0n])],
    groups: [
      group('dead', [['t', 0, 50n]]),
      group(
        'live',
        [
          ['t', 0, hwm - 3n],
          ['t', 1, hwm],
        ],
        [
          member('m', [
            ['t', 0],
            ['t', 1],
          ]),
        ],
      ),
    ],
    ...extra,
  });
}

describe('analyzeCluster', () => {
  it('returns offset lag exactly as computeOffsetLag does', () => {
    const history = new History();
    const snap = poll(0);
    history.record(snap);
    const analysis = analyzeCluster(snap, history, { now: 0, timeLagMode: 'exact', allowedLag: 0n });
    expect(analysis.offsetLag).toEqual(computeOffsetLag(snap));
  });

  it('derives time lag, status and retention from the snapshot and the history of earlier polls', () => {
    const history = new History({ windowSize: 3 });
    for (let i = 0; i < 12; i++) history.record(poll(i));
    const last = poll(12);
    history.record(last);
    const analysis = analyzeCluster(last, history, { now: 120 * S, timeLagMode: 'estimate', allowedLag: 0n });

    expect(analysis.timeLag).toEqual([
      // Offset 50 is below the oldest point (offset 100 at 0 s): no interpolation, the age of the oldest point
      // (120 s) is a lower bound.
      { groupId: 'dead', topic: 't', partition: 0, seconds: 120, method: 'estimate', lowerBound: true },
      { groupId: 'live', topic: 't', partition: 0, seconds: 0.3, method: 'estimate', lowerBound: false },
      { groupId: 'live', topic: 't', partition: 1, seconds: 0, method: 'exact', lowerBound: false },
    ]);
    expect(analysis.partitionHealth).toEqual([
      // Stopped before history started: its offset never changes, so its window holds one entry; after
      // windowSize polls it is evaluated anyway, and silent with lag it is STOP.
      { groupId: 'dead', topic: 't', partition: 0, status: 'STOP', complete: 1 / 3, rule: 'stopped' },
      // Keeps up with a steady producer: the same lag (3) at every poll is not falling behind.
      { groupId: 'live', topic: 't', partition: 0, status: 'OK', complete: 1, rule: 'progressing' },
      { groupId: 'live', topic: 't', partition: 1, status: 'OK', complete: 1, rule: 'within-allowed-lag' },
    ]);
    expect(analysis.groupHealth).toEqual([
      { groupId: 'dead', status: 'ERR' },
      { groupId: 'live', status: 'OK' },
    ]);
    expect(analysis.retention.map((r) => [r.groupId, r.partition, r.marginOffsets, r.lostOffsets])).toEqual([
      ['dead', 0, 50n, 0n],
      ['live', 0, 1297n, 0n],
      ['live', 1, 1300n, 0n],
    ]);
  });

  it('a constant small lag is WARN until allowed lag covers it', () => {
    const history = new History({ windowSize: 3 });
    for (let i = 0; i <= 12; i++) history.record(poll(i));
    const analysis = analyzeCluster(poll(12), history, {
      now: 120 * S,
      timeLagMode: 'estimate',
      allowedLag: 3n,
    });
    expect(analysis.groupHealth).toContainEqual({ groupId: 'live', status: 'OK' });
  });

  it('uses record timestamps in mode exact and the estimate where a read failed', () => {
    const history = new History();
    for (let i = 0; i < 3; i++) history.record(poll(i));
    const last = poll(3, {
      recordTimestamps: [found('t', 0, 397n, 29_000), failed('t', 0, 50n, 'OFFSET_OUT_OF_RANGE', 1)],
    });
    history.record(last);
    const analysis = analyzeCluster(last, history, { now: 30 * S, timeLagMode: 'exact', allowedLag: 0n });
    expect(analysis.timeLag.map((l) => [l.groupId, l.partition, l.seconds, l.method])).toEqual([
      ['dead', 0, 30, 'estimate'],
      ['live', 0, 1, 'exact'],
      ['live', 1, 0, 'exact'],
    ]);
  });

  it('reports a dead group STOP once its window is complete and ERR for the group; a deleted group disappears', () => {
    const history = new History({ windowSize: 2 });
    const commits = [10n, 20n, 20n, 20n, 20n];
    let last = poll(0);
    for (const [i, c] of commits.entries()) {
      last = snapshot({
        observedAt: i * 10 * S,
        topics: [topic('t', [BigInt(100 * (i + 1))])],
        groups: [group('dead', [['t', 0, c]])],
      });
      history.record(last);
    }
    const analysis = analyzeCluster(last, history, { now: 40 * S, timeLagMode: 'estimate', allowedLag: 0n });
    expect(analysis.partitionHealth[0]).toMatchObject({ status: 'STOP', rule: 'stopped' });
    expect(analysis.groupHealth).toEqual([{ groupId: 'dead', status: 'ERR' }]);

    const gone = snapshot({ observedAt: 50 * S, topics: [topic('t', [600n])], groups: [] });
    history.record(gone);
    const after = analyzeCluster(gone, history, { now: 50 * S, timeLagMode: 'estimate', allowedLag: 0n });
    expect(after.partitionHealth).toEqual([]);
    expect(after.groupHealth).toEqual([]);
    expect(history.commits('dead', 't', 0)).toEqual([]);
  });

  it('is empty for an empty cluster', () => {
    const history = new History();
    const snap = snapshot({ observedAt: 0 });
    history.record(snap);
    expect(analyzeCluster(snap, history, { now: 0, timeLagMode: 'exact', allowedLag: 0n })).toEqual({
      offsetLag: [],
      timeLag: [],
      partitionHealth: [],
      groupHealth: [],
      retention: [],
    });
  });
});
