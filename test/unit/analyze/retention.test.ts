/** Specification of retention risk: offsets lost, offsets and seconds of margin left. */
import { describe, expect, it } from 'vitest';
import { computeOffsetLag } from '../../../src/analyze/lag.js';
import { computeRetentionRisk, retentionRisk } from '../../../src/analyze/retention.js';
import { indexRecordTimestamps } from '../../../src/analyze/time-lag.js';
import type { RecordTimestamp } from '../../../src/kafka/port.js';
import { failed, found, group, none, snapshot, topic } from './builders.js';

const at = (firstUnconsumedOffset: bigint) => ({
  groupId: 'g',
  topic: 't',
  partition: 0,
  firstUnconsumedOffset,
});
const index = (records: RecordTimestamp[]) => indexRecordTimestamps(records);

describe('retentionRisk', () => {
  it('has a margin of committed − log-start offsets and nothing lost while the group is ahead of retention', () => {
    expect(retentionRisk(at(150n), 100n, index([]))).toEqual({
      groupId: 'g',
      topic: 't',
      partition: 0,
      lostOffsets: 0n,
      marginOffsets: 50n,
      marginSeconds: null,
    });
  });

  it('counts log-start − committed offsets as lost once retention passed the group, margin 0', () => {
    expect(retentionRisk(at(40n), 100n, index([]))).toMatchObject({ lostOffsets: 60n, marginOffsets: 0n });
  });

  it('has neither margin nor loss at exactly the log-start offset', () => {
    expect(retentionRisk(at(100n), 100n, index([]))).toMatchObject({ lostOffsets: 0n, marginOffsets: 0n });
  });

  it('has a margin in seconds between the oldest retained record and the record at the committed offset', () => {
    const records = [found('t', 0, 100n, 1_000_000), found('t', 0, 150n, 1_090_500)];
    expect(retentionRisk(at(150n), 100n, index(records)).marginSeconds).toBe(90.5);
  });

  it('has a margin of 0 s at the log-start offset itself', () => {
    expect(retentionRisk(at(100n), 100n, index([found('t', 0, 100n, 5)])).marginSeconds).toBe(0);
  });

  it('clamps a negative margin (CreateTime out of order) to 0 s', () => {
    const records = [found('t', 0, 100n, 2_000), found('t', 0, 150n, 1_000)];
    expect(retentionRisk(at(150n), 100n, index(records)).marginSeconds).toBe(0);
  });

  it('has no margin in seconds when either record is missing, failed, only control records, or without timestamp', () => {
    const cases: RecordTimestamp[][] = [
      [found('t', 0, 150n, 1_000)],
      [found('t', 0, 100n, 1_000)],
      [found('t', 0, 100n, 1_000), failed('t', 0, 150n, 'TOPIC_AUTHORIZATION_FAILED', 29)],
      [found('t', 0, 100n, 1_000), none('t', 0, 150n)],
      [found('t', 0, 100n, -1), found('t', 0, 150n, 1_000)],
    ];
    for (const records of cases)
      expect(retentionRisk(at(150n), 100n, index(records)).marginSeconds).toBeNull();
  });
});

describe('computeRetentionRisk', () => {
  it('reports every committed partition with a log-start offset, in the order of the offset lags', () => {
    const snap = snapshot({
      observedAt: 0,
      topics: [topic('t', [200n, 200n, 200n], [100n, null, 100n])],
      groups: [
        group('g', [
          ['t', 0, 150n],
          ['t', 1, 150n],
          ['t', 2, 50n],
        ]),
      ],
      recordTimestamps: [found('t', 0, 100n, 0), found('t', 0, 150n, 60_000)],
    });
    const risks = computeRetentionRisk(
      snap,
      computeOffsetLag(snap),
      indexRecordTimestamps(snap.recordTimestamps),
    );
    expect(risks).toEqual([
      { groupId: 'g', topic: 't', partition: 0, lostOffsets: 0n, marginOffsets: 50n, marginSeconds: 60 },
      { groupId: 'g', topic: 't', partition: 2, lostOffsets: 50n, marginOffsets: 0n, marginSeconds: null },
    ]);
  });
});
