/**
 * Specification of consumer status: one test per Burrow rule in its precedence, per lagwatch deviation, and
 * per known false positive (lag-semantics.md §c).
 */
import { describe, expect, it } from 'vitest';
import { History, type CommitObservation } from '../../../src/analyze/history.js';
import { computeOffsetLag } from '../../../src/analyze/lag.js';
import {
  computeHealth,
  evaluatePartition,
  groupStatus,
  partitionAssignment,
  type PartitionEvaluation,
  type PartitionStatusInput,
  type StatusOptions,
} from '../../../src/analyze/status.js';
import { indexRecordTimestamps } from '../../../src/analyze/time-lag.js';
import type { RecordTimestamp } from '../../../src/kafka/port.js';
import { group, member, none, snapshot, topic } from './builders.js';

const S = 1000;

/** A window from [offset, first observed (s), lag at observation | null]. */
function w(...entries: [number, number, number | null][]): CommitObservation[] {
  return entries.map(([offset, at, lag]) => ({
    offset: BigInt(offset),
    firstObservedAt: at * S,
    lag: lag === null ? null : BigInt(lag),
  }));
}

/** A complete 4-entry window progressing steadily: offsets 100..400 at 0..30 s, lag 50 each. */
const STEADY = w([100, 0, 50], [200, 10, 40], [300, 20, 60], [400, 30, 45]);

function evaluate(
  input: Partial<PartitionStatusInput>,
  options: Partial<StatusOptions> = {},
): PartitionEvaluation {
  return evaluatePartition(
    {
      window: STEADY,
      brokerRing: [1000n],
      currentLag: 10n,
      onlyControlRecords: false,
      assigned: null,
      ...input,
    },
    { now: 35 * S, allowedLag: 0n, windowSize: 4, ...options },
  );
}

describe('evaluatePartition: Burrow rules in precedence', () => {
  it('no observations: OK', () => {
    expect(evaluate({ window: [] })).toEqual({ status: 'OK', complete: 0, rule: 'no-observations' });
  });

  it('incomplete window: OK without evaluation, with complete = entries / windowSize', () => {
    // Would be STOP if complete: silent for 100 s after a 10 s span.
    const window = w([100, 0, 50], [200, 10, 60]);
    expect(evaluate({ window }, { now: 110 * S })).toEqual({
      status: 'OK',
      complete: 0.5,
      rule: 'incomplete-window',
    });
  });

  it('complete is capped at 1 and the window is evaluated once it holds windowSize entries', () => {
    expect(evaluate({}).complete).toBe(1);
  });

  it('gate: current lag at or below the allowed lag is OK, whatever the window says', () => {
    const window = w([400, 0, 50], [300, 10, 50], [200, 20, 50], [100, 30, 50]); // rewinding, and silent
    expect(evaluate({ window, currentLag: 0n }, { now: 1000 * S })).toMatchObject({
      status: 'OK',
      rule: 'within-allowed-lag',
    });
    expect(evaluate({ window, currentLag: 5n }, { now: 1000 * S, allowedLag: 5n })).toMatchObject({
      status: 'OK',
    });
    expect(evaluate({ window, currentLag: 6n }, { now: 1000 * S, allowedLag: 5n }).status).not.toBe('OK');
  });

  it('STOP: silent for longer than the window span, no member holds the partition', () => {
    // Span 30 s; last change at 30 s; at 61 s silent for 31 s.
    expect(evaluate({ assigned: false }, { now: 61 * S })).toMatchObject({ status: 'STOP', rule: 'stopped' });
  });

  it('STOP needs silence strictly longer than the span', () => {
    expect(evaluate({ assigned: false }, { now: 60 * S }).status).toBe('OK');
  });

  it('STOP when membership is unknown (describe failed), as in Burrow', () => {
    expect(evaluate({ assigned: null }, { now: 61 * S }).status).toBe('STOP');
  });

  it('STOP exemption: a high watermark in the broker ring at or below the last committed offset (caught up recently)', () => {
    const evaluation = evaluate({ brokerRing: [400n, 450n], assigned: false }, { now: 61 * S });
    expect(evaluation.status).not.toBe('STOP');
  });

  it('STALL instead of STOP when a live member holds the partition: alive but not advancing (lagwatch)', () => {
    expect(evaluate({ assigned: true }, { now: 61 * S })).toMatchObject({
      status: 'STALL',
      rule: 'stalled-assigned',
    });
  });

  it('STOP takes precedence over REWIND', () => {
    const window = w([100, 0, 50], [300, 10, 50], [200, 20, 50], [250, 30, 50]);
    expect(evaluate({ window, assigned: false }, { now: 61 * S }).status).toBe('STOP');
  });

  it('REWIND takes precedence over STALL of an assigned partition', () => {
    const window = w([100, 0, 50], [300, 10, 50], [200, 20, 50], [250, 30, 50]);
    expect(evaluate({ window, assigned: true }, { now: 61 * S }).status).toBe('REWIND');
  });

  it('REWIND: a committed offset below its predecessor that no later offset recovered', () => {
    const window = w([100, 0, 50], [300, 10, 50], [200, 20, 50], [250, 30, 50]);
    expect(evaluate({ window })).toMatchObject({ status: 'REWIND', rule: 'rewind' });
  });

  it('REWIND is not reported once a later offset reaches the pre-rewind offset again (Burrow PR #716)', () => {
    const window = w([100, 0, 50], [300, 10, 50], [200, 20, 50], [300, 30, 45]);
    expect(evaluate({ window }).status).not.toBe('REWIND');
  });

  it('REWIND is checked before rule 1: an earlier zero lag does not hide it (Burrow PR #716)', () => {
    const window = w([100, 0, 0], [300, 10, 0], [200, 20, 50], [250, 30, 50]);
    expect(evaluate({ window }).status).toBe('REWIND');
  });

  it('REWIND for a later unrecovered rewind after a recovered one (lagwatch checks every decrease)', () => {
    const window = w([300, 0, 50], [200, 10, 50], [400, 20, 50], [350, 30, 50]);
    expect(evaluate({ window }).status).toBe('REWIND');
  });

  it('rule 1: some observation with lag at or below the allowed lag makes the window OK', () => {
    const window = w([100, 0, 50], [200, 10, 60], [300, 20, 0], [400, 30, 70]);
    expect(evaluate({ window })).toMatchObject({ status: 'OK', rule: 'lag-within-allowed-in-window' });
    const allowed = w([100, 0, 50], [200, 10, 60], [300, 20, 3], [400, 30, 70]);
    expect(evaluate({ window: allowed }, { allowedLag: 3n }).rule).toBe('lag-within-allowed-in-window');
  });

  it('rule 1 ignores null lags (high watermark unreadable when the change was observed)', () => {
    const window = w([100, 0, 50], [200, 10, null], [300, 20, 60], [400, 30, 70]);
    expect(evaluate({ window }).status).toBe('WARN');
  });

  it('STALL: every observed offset identical, only possible with windowSize 1', () => {
    const window = w([100, 30, 5]);
    expect(evaluate({ window }, { windowSize: 1, now: 30 * S })).toMatchObject({
      status: 'STALL',
      rule: 'offsets-identical',
    });
  });

  it('a single observation with lag, silent for any time, is STOP unless caught up recently, then STALL (Burrow edge)', () => {
    const window = w([100, 30, 5]);
    expect(evaluate({ window, assigned: false }, { windowSize: 1, now: 31 * S }).status).toBe('STOP');
    expect(evaluate({ window, brokerRing: [100n, 105n] }, { windowSize: 1, now: 31 * S }).status).toBe(
      'STALL',
    );
  });

  it('WARN: lag never decreased across the window, grew, and never reached the allowed lag', () => {
    const window = w([100, 0, 50], [200, 10, 50], [300, 20, 60], [400, 30, 70]);
    expect(evaluate({ window })).toMatchObject({ status: 'WARN', rule: 'lag-not-decreasing' });
  });

  it('OK, not WARN: a consumer keeping up with a steady producer shows the same small lag at every poll', () => {
    // Burrow reads lag at commit time, often 0; lagwatch reads it at poll time against a moving high
    // watermark, so a healthy consumer has a flat non-zero lag. Flat is not falling behind.
    const window = w([100, 0, 1], [200, 10, 1], [300, 20, 1], [400, 30, 1]);
    expect(evaluate({ window, currentLag: 1n })).toMatchObject({ status: 'OK', rule: 'progressing' });
  });

  it('OK: offsets advance and lag decreased somewhere', () => {
    expect(evaluate({})).toMatchObject({ status: 'OK', rule: 'progressing' });
  });
});

describe('evaluatePartition: known false positives', () => {
  it('transaction markers: only control records left to consume is OK even with allowedLag 0 (Burrow #570, #697)', () => {
    const window = w([10, 0, 1], [20, 10, 1], [30, 20, 1], [40, 30, 1]);
    expect(evaluate({ window, currentLag: 1n, onlyControlRecords: true }, { now: 1000 * S })).toMatchObject({
      status: 'OK',
      rule: 'only-control-records',
    });
  });

  it('transaction markers without record timestamps (mode estimate): allowedLag 1 keeps them OK, as in Burrow', () => {
    const window = w([10, 0, 1], [20, 10, 1], [30, 20, 1], [40, 30, 1]);
    expect(evaluate({ window, currentLag: 1n }, { now: 1000 * S, allowedLag: 1n }).status).toBe('OK');
    expect(evaluate({ window, currentLag: 1n, assigned: false }, { now: 1000 * S }).status).toBe('STOP');
  });
});

/** Drives History over polls of one partition `t/0` and one group `g`; evaluates after the last poll. */
function scenario(
  polls: readonly {
    at: number;
    hwm: bigint;
    committed: bigint;
    assigned?: boolean;
    records?: RecordTimestamp[];
  }[],
  options: { windowSize?: number; allowedLag?: bigint } = {},
): { status: string; rule: string; complete: number } {
  const history = new History({ windowSize: options.windowSize ?? 4 });
  let result: { status: string; rule: string; complete: number } = { status: '', rule: '', complete: 0 };
  for (const poll of polls) {
    const snap = snapshot({
      observedAt: poll.at * S,
      topics: [topic('t', [poll.hwm])],
      groups: [group('g', [['t', 0, poll.committed]], poll.assigned ? [member('m', [['t', 0]])] : [])],
      recordTimestamps: poll.records ?? [],
    });
    history.record(snap);
    const health = computeHealth(
      snap.groups,
      computeOffsetLag(snap),
      history,
      indexRecordTimestamps(snap.recordTimestamps),
      { now: poll.at * S, allowedLag: options.allowedLag ?? 0n },
    );
    const p = health.partitions[0]!;
    result = { status: p.status, rule: p.rule, complete: p.complete };
  }
  return result;
}

/** Polls every 10 s from `from` s: `n` polls of a constant high watermark and committed offset. */
function constant(from: number, n: number, hwm: bigint, committed: bigint, assigned = false) {
  return Array.from({ length: n }, (_, i) => ({ at: from + i * 10, hwm, committed, assigned }));
}

/** 4 polls of a consumer keeping up with a producer of 100 records per poll, ending caught up at 400. */
const CAUGHT_UP_RUN = [
  { at: 0, hwm: 100n, committed: 100n },
  { at: 10, hwm: 200n, committed: 200n },
  { at: 20, hwm: 300n, committed: 300n },
  { at: 30, hwm: 400n, committed: 400n },
];

describe('status over polls: known false positives and their true positives', () => {
  it('idle topic, caught-up consumer that stopped committing: OK (gate), not STOP (Burrow #38, #140)', () => {
    expect(scenario([...CAUGHT_UP_RUN, ...constant(40, 100, 400n, 400n)])).toMatchObject({
      status: 'OK',
      rule: 'within-allowed-lag',
    });
  });

  it('idle topic, consumer within the allowed lag: OK', () => {
    const run = CAUGHT_UP_RUN.map((p) => ({ ...p, committed: p.committed - 2n }));
    expect(scenario([...run, ...constant(40, 100, 400n, 398n)], { allowedLag: 2n }).status).toBe('OK');
  });

  it('idle topic then a burst: the caught-up consumer has not committed yet: OK by the broker-ring exemption and rule 1', () => {
    const polls = [
      ...CAUGHT_UP_RUN,
      ...constant(40, 100, 400n, 400n),
      { at: 1040, hwm: 900n, committed: 400n },
    ];
    expect(scenario(polls)).toMatchObject({ status: 'OK', rule: 'lag-within-allowed-in-window' });
  });

  it('idle topic then a burst the consumer never picks up: STOP once the broker ring no longer shows it caught up', () => {
    const polls = [...CAUGHT_UP_RUN, ...constant(40, 100, 400n, 400n), ...constant(1040, 4, 900n, 400n)];
    expect(scenario(polls).status).toBe('STOP');
  });

  it('idle topic then a burst, consumer alive but stuck (a member holds the partition): STALL', () => {
    const polls = [
      ...CAUGHT_UP_RUN,
      ...constant(40, 100, 400n, 400n),
      ...constant(1040, 4, 900n, 400n, true),
    ];
    expect(scenario(polls).status).toBe('STALL');
  });

  it('a consumer committing more often than lagwatch polls, keeping up: OK (one change per poll, lag fluctuates)', () => {
    const lags = [30n, 12n, 45n, 8n, 20n, 33n, 5n, 40n];
    const polls = lags.map((lag, i) => ({
      at: i * 10,
      hwm: BigInt((i + 1) * 1000),
      committed: BigInt((i + 1) * 1000) - lag,
    }));
    expect(scenario(polls).status).toBe('OK');
  });

  it('a fast committer falling behind is WARN: lag is taken against the same poll’s high watermark, never a stale zero (Burrow #303)', () => {
    const polls = Array.from({ length: 6 }, (_, i) => ({
      at: i * 10,
      hwm: BigInt((i + 1) * 1000),
      committed: BigInt((i + 1) * 1000 - (i + 1) * 100),
    }));
    expect(scenario(polls)).toMatchObject({ status: 'WARN', rule: 'lag-not-decreasing' });
  });

  it('a slow committer (one commit every 5 polls) is not STOP between commits once its window is complete', () => {
    const polls = Array.from({ length: 40 }, (_, i) => ({
      at: i * 10,
      hwm: BigInt(1000 + i * 10),
      committed: BigInt(1000 + Math.floor(i / 5) * 50 - 30),
    }));
    for (let n = 20; n <= polls.length; n++) expect(scenario(polls.slice(0, n)).status).not.toBe('STOP');
  });

  it('a slow committer seen twice is not STOP before windowSize polls saw it (Burrow evaluates at once and would say STOP)', () => {
    const polls = [
      { at: 0, hwm: 1000n, committed: 900n },
      { at: 10, hwm: 1010n, committed: 950n },
      ...constant(20, 1, 1050n, 950n),
    ];
    expect(scenario(polls)).toMatchObject({ status: 'OK', rule: 'incomplete-window', complete: 0.5 });
  });

  it('a consumer stopped before lagwatch started is STOP once windowSize polls saw its offset unchanged', () => {
    const stopped = (polls: number) => scenario(constant(0, polls, 1000n, 900n));
    expect(stopped(3)).toMatchObject({ status: 'OK', rule: 'incomplete-window', complete: 0.25 });
    expect(stopped(4)).toMatchObject({ status: 'STOP', rule: 'stopped', complete: 0.25 });
  });

  it('a group that first commits on a topic watched for many polls also gets windowSize polls before evaluation', () => {
    const history = new History({ windowSize: 4 });
    /** Poll i (every 10 s, evaluated 0.5 s after its start, as the exporter does): statuses by group. */
    const poll = (i: number, groups: [string, bigint][]): Record<string, [string, string]> => {
      const snap = snapshot({
        observedAt: i * 10 * S,
        topics: [topic('t', [BigInt(1000 + i * 100)])],
        groups: groups.map(([id, committed]) => group(id, [['t', 0, committed]])),
      });
      history.record(snap);
      const health = computeHealth(snap.groups, computeOffsetLag(snap), history, new Map(), {
        now: i * 10 * S + S / 2,
        allowedLag: 0n,
      });
      return Object.fromEntries(health.partitions.map((p) => [p.groupId, [p.status, p.rule]]));
    };
    for (let i = 0; i < 10; i++) poll(i, []);
    // Both appear at poll 10, far below every high watermark of the broker ring: `reader` works through a
    // backlog (lag falling), `idle` never moves. Neither is STOP (nor STALL) at first sight.
    for (let i = 10; i < 13; i++) {
      expect(
        poll(i, [
          ['reader', BigInt(200 + (i - 10) * 150)],
          ['idle', 500n],
        ]),
      ).toEqual({
        reader: ['OK', 'incomplete-window'],
        idle: ['OK', 'incomplete-window'],
      });
    }
    expect(
      poll(13, [
        ['reader', 650n],
        ['idle', 500n],
      ]),
    ).toEqual({
      reader: ['OK', 'progressing'],
      idle: ['STOP', 'stopped'],
    });
  });

  it('an EOS consumer idle on a transactional topic (lag 1, a marker) is OK when the poll read only control records', () => {
    const polls = [
      { at: 0, hwm: 11n, committed: 10n },
      { at: 10, hwm: 21n, committed: 20n },
      { at: 20, hwm: 31n, committed: 30n },
      { at: 30, hwm: 41n, committed: 40n },
      ...constant(40, 50, 41n, 40n),
    ].map((p) => ({ ...p, records: [none('t', 0, p.committed)] }));
    expect(scenario(polls)).toMatchObject({ status: 'OK', rule: 'only-control-records' });
  });

  it('a topic re-created under the same name is not REWIND: the window restarts (kafka-lag-exporter #197)', () => {
    const polls = [
      { at: 0, hwm: 1000n, committed: 900n },
      { at: 10, hwm: 1100n, committed: 1000n },
      { at: 20, hwm: 1200n, committed: 1100n },
      { at: 30, hwm: 1300n, committed: 1200n },
      { at: 40, hwm: 50n, committed: 10n },
    ];
    expect(scenario(polls)).toMatchObject({ status: 'OK', rule: 'incomplete-window' });
  });

  it('a consumer reset to an earlier offset (kafka-consumer-groups --reset-offsets) is REWIND', () => {
    const polls = [
      { at: 0, hwm: 1000n, committed: 900n },
      { at: 10, hwm: 1100n, committed: 1000n },
      { at: 20, hwm: 1200n, committed: 1100n },
      { at: 30, hwm: 1300n, committed: 200n },
    ];
    expect(scenario(polls).status).toBe('REWIND');
  });
});

describe('groupStatus', () => {
  it('is the worst partition status, STOP, STALL and REWIND counting as ERR', () => {
    expect(groupStatus(['OK', 'OK'])).toBe('OK');
    expect(groupStatus(['OK', 'WARN'])).toBe('WARN');
    expect(groupStatus(['WARN', 'STOP'])).toBe('ERR');
    expect(groupStatus(['STALL'])).toBe('ERR');
    expect(groupStatus(['REWIND', 'OK'])).toBe('ERR');
  });

  it('is OK without partitions', () => {
    expect(groupStatus([])).toBe('OK');
  });
});

describe('partitionAssignment', () => {
  it('is true when a member holds the partition', () => {
    expect(partitionAssignment(group('g', [], [member('a', [['t', 1]])]), 't', 1)).toBe(true);
  });
  it('is false for a group without members (Empty)', () => {
    expect(partitionAssignment(group('g', [], []), 't', 1)).toBe(false);
  });
  it('is false when members hold assignments, none of them this partition', () => {
    expect(partitionAssignment(group('g', [], [member('a', [['t', 0]])]), 't', 1)).toBe(false);
  });
  it('is unknown when the describe call failed', () => {
    expect(partitionAssignment(group('g', [], null), 't', 1)).toBeNull();
  });
  it('is unknown when every member has an empty assignment (undecodable protocol, rebalance)', () => {
    expect(partitionAssignment(group('g', [], [member('a', [])]), 't', 1)).toBeNull();
  });
});

describe('computeHealth', () => {
  it('evaluates every committed partition with a high watermark and the groups that have one, sorted', () => {
    const snap = snapshot({
      observedAt: S,
      topics: [topic('t', [10n, null])],
      groups: [
        group('b', [['t', 0, 5n]]),
        group('a', [
          ['t', 0, 10n],
          ['t', 1, 3n],
        ]),
        group('c', null),
      ],
    });
    const history = new History();
    history.record(snap);
    const health = computeHealth(snap.groups, computeOffsetLag(snap), history, new Map(), {
      now: S,
      allowedLag: 0n,
    });
    expect(health.partitions.map((p) => [p.groupId, p.partition, p.status, p.rule])).toEqual([
      ['a', 0, 'OK', 'incomplete-window'],
      ['b', 0, 'OK', 'incomplete-window'],
    ]);
    expect(health.groups).toEqual([
      { groupId: 'a', status: 'OK' },
      { groupId: 'b', status: 'OK' },
    ]);
  });
});
