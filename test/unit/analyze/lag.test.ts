import { describe, expect, it } from 'vitest';
import { computeOffsetLag, offsetLag } from '../../../src/analyze/lag.js';
import type { ClusterSnapshot, GroupSnapshot, TopicSnapshot } from '../../../src/collect/snapshot.js';

function topic(name: string, highWatermarks: (bigint | null)[]): TopicSnapshot {
  return {
    name,
    partitions: highWatermarks.map((hwm, partition) => ({
      partition,
      leader: 1,
      replicas: [1],
      isr: [1],
      offlineReplicas: [],
      logStartOffset: 0n,
      highWatermark: hwm,
    })),
  };
}

function group(groupId: string, offsets: [string, number, bigint][] | null): GroupSnapshot {
  return {
    groupId,
    state: 'Empty',
    protocolType: 'consumer',
    protocol: '',
    members: [],
    offsets: offsets?.map(([t, partition, offset]) => ({ topic: t, partition, offset })) ?? null,
  };
}

function snapshot(topics: TopicSnapshot[], groups: GroupSnapshot[]): ClusterSnapshot {
  return {
    cluster: 'c',
    clusterId: 'id',
    observedAt: 0,
    controllerId: 1,
    brokers: [],
    topics,
    groups,
    recordTimestamps: [],
    errors: [],
  };
}

describe('offsetLag', () => {
  it('is the high watermark minus the committed offset', () => {
    expect(offsetLag(100n, 40n)).toBe(60n);
  });
  it('is zero for a caught-up group', () => {
    expect(offsetLag(100n, 100n)).toBe(0n);
  });
  it('clamps a committed offset beyond the high watermark to zero, never negative', () => {
    expect(offsetLag(100n, 150n)).toBe(0n);
  });
  it('keeps precision beyond 2^53', () => {
    expect(offsetLag(2n ** 62n + 7n, 2n ** 62n)).toBe(7n);
  });
});

describe('computeOffsetLag', () => {
  it('reports only committed partitions: an uncommitted partition has no lag entry', () => {
    const lags = computeOffsetLag(
      snapshot(
        [topic('t', [10n, 20n, 30n])],
        [
          group('g', [
            ['t', 0, 4n],
            ['t', 2, 30n],
          ]),
        ],
      ),
    );
    expect(lags.map((l) => [l.partition, l.lag])).toEqual([
      [0, 6n],
      [2, 0n],
    ]);
  });

  it('flags a committed offset ahead of the end and clamps its lag', () => {
    const [lag] = computeOffsetLag(snapshot([topic('t', [10n])], [group('g', [['t', 0, 12n]])]));
    expect(lag).toMatchObject({
      lag: 0n,
      committedAheadOfEnd: true,
      committedOffset: 12n,
      highWatermark: 10n,
    });
  });

  it('skips partitions whose high watermark is unknown this poll and topics not in the snapshot', () => {
    const lags = computeOffsetLag(
      snapshot(
        [topic('t', [null, 5n])],
        [
          group('g', [
            ['t', 0, 1n],
            ['t', 1, 1n],
            ['gone', 0, 1n],
          ]),
        ],
      ),
    );
    expect(lags.map((l) => `${l.topic}/${l.partition}`)).toEqual(['t/1']);
  });

  it('skips groups whose offsets could not be fetched and sorts by group, topic, partition', () => {
    const lags = computeOffsetLag(
      snapshot(
        [topic('a', [5n, 5n]), topic('b', [5n])],
        [
          group('z', [['b', 0, 0n]]),
          group('failed', null),
          group('m', [
            ['b', 0, 1n],
            ['a', 1, 2n],
            ['a', 0, 3n],
          ]),
        ],
      ),
    );
    expect(lags.map((l) => `${l.groupId}:${l.topic}/${l.partition}=${l.lag}`)).toEqual([
      'm:a/0=2',
      'm:a/1=3',
      'm:b/0=4',
      'z:b/0=5',
    ]);
  });
});

describe('computeOffsetLag for share groups', () => {
  it("prefers the broker's lag count to high watermark − start offset, which over-states the backlog", () => {
    const share: GroupSnapshot = {
      ...group('s', null),
      offsets: [
        { topic: 't', partition: 0, offset: 0n, lag: 2n },
        { topic: 't', partition: 1, offset: 3n },
      ],
    };
    const lags = computeOffsetLag(snapshot([topic('t', [10n, 10n])], [share]));
    expect(lags.map((l) => [l.partition, l.lag])).toEqual([
      [0, 2n],
      [1, 7n],
    ]);
    // Time lag reads the first record not yet acknowledged, not the trailing start offset.
    expect(lags.map((l) => l.firstUnconsumedOffset)).toEqual([8n, 3n]);
  });
});
