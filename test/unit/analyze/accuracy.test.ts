/**
 * Accuracy of lag seconds on synthetic produce histories: the bounds documented in docs/lag-seconds.md.
 *
 * A simulated producer writes record k at `times[k]` (ms). Every poll samples the high watermark (the number
 * of records written so far) at the poll time, feeds History, and runs analyzeCluster. The true lag of a
 * group at committed offset c is `now − times[c]`: the age of the first record it has not consumed.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCluster } from '../../../src/analyze/analyze.js';
import { History } from '../../../src/analyze/history.js';
import type { TimeLagValue } from '../../../src/analyze/time-lag.js';
import type { TimeLagMode } from '../../../src/analyze/time-lag.js';
import type { RecordTimestamp } from '../../../src/kafka/port.js';
import { found, group, snapshot, topic } from './builders.js';

const S = 1000;
const MIN = 60 * S;
const POLL = 30 * S;
/** Simulated time starts at a realistic epoch, so that timestamps shifted by clock skew stay valid. */
const T0 = 1_700_000_000_000;

/** Deterministic PRNG (mulberry32): the same histories on every run. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** High watermark at `t`: the number of records with time ≤ t (times non-decreasing). */
function highWatermarkAt(times: readonly number[], t: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (times[mid]! <= t) low = mid + 1;
    else high = mid;
  }
  return low;
}

interface Sample {
  now: number;
  committed: number;
  trueSeconds: number;
  value: TimeLagValue;
}

/**
 * Runs polls at `pollTimes`; at each, the group has consumed every record produced up to `now − delay(i)`.
 * `recorded(i)` false simulates a failed poll (History.record not called). `createTime(k)` is the timestamp
 * the record carries (default: its true time). Returns the time lag of every lagging poll with a value.
 */
function simulate(options: {
  times: readonly number[];
  pollTimes: readonly number[];
  delay: (i: number) => number;
  mode: TimeLagMode;
  recorded?: (i: number) => boolean;
  createTime?: (k: number) => number;
  tableCapacity?: number;
}): Sample[] {
  const { times, pollTimes, delay, mode } = options;
  const history = new History({ tableCapacity: options.tableCapacity ?? 60 });
  const samples: Sample[] = [];
  for (const [i, now] of pollTimes.entries()) {
    if (options.recorded && !options.recorded(i)) continue;
    const hwm = highWatermarkAt(times, now);
    const committed = Math.min(hwm, highWatermarkAt(times, now - delay(i)));
    const records: RecordTimestamp[] =
      committed < hwm
        ? [found('t', 0, BigInt(committed), (options.createTime ?? ((k) => times[k]!))(committed))]
        : [];
    const snap = snapshot({
      observedAt: now,
      topics: [topic('t', [BigInt(hwm)])],
      groups: [group('g', [['t', 0, BigInt(committed)]])],
      recordTimestamps: mode === 'exact' ? records : [],
    });
    history.record(snap);
    const [value] = analyzeCluster(snap, history, { now, timeLagMode: mode, allowedLag: 0n }).timeLag;
    if (value === undefined || committed >= hwm) continue;
    samples.push({ now, committed, trueSeconds: (now - times[committed]!) / S, value });
  }
  return samples;
}

function polls(from: number, count: number, interval = POLL): number[] {
  return Array.from({ length: count }, (_, i) => T0 + from + i * interval);
}

/** Steady producer: `perSecond` records a second from `start` for `durationMs`, phase-shifted off the poll grid. */
function steady(perSecond: number, start: number, durationMs: number): number[] {
  const gap = S / perSecond;
  return Array.from({ length: Math.floor(durationMs / gap) }, (_, k) => T0 + start + 7 + k * gap);
}

/** Bursty producer: bursts of 1..2000 records within 200 ms, separated by 0..3 min of silence. */
function bursty(seed: number, durationMs: number): number[] {
  const random = prng(seed);
  const times: number[] = [];
  for (let t = 1_000 + random() * 3 * MIN; t < durationMs; t += random() * 3 * MIN) {
    const size = 1 + Math.floor(random() * 2000);
    for (let k = 0; k < size; k++) times.push(T0 + t + (200 * k) / size);
    t += 200;
  }
  return times;
}

function maxError(samples: readonly Sample[]): number {
  return Math.max(...samples.map((s) => Math.abs(s.value.seconds - s.trueSeconds)));
}

const EPSILON = 1e-9;

describe('estimate: error bounds', () => {
  it('steady producer: over-states by less than one record interval (here 20 ms)', () => {
    const times = steady(50, 0, 60 * MIN);
    const random = prng(1);
    const samples = simulate({
      times,
      pollTimes: polls(POLL, 119),
      delay: () => random() * 15 * MIN,
      mode: 'estimate',
    }).filter((s) => s.now > T0 + 30 * MIN); // the table covers 15 min back from here
    expect(samples.length).toBeGreaterThan(50);
    for (const s of samples) {
      expect(s.value).toMatchObject({ method: 'estimate', lowerBound: false });
      expect(s.value.seconds - s.trueSeconds).toBeGreaterThanOrEqual(-EPSILON);
      expect(s.value.seconds - s.trueSeconds).toBeLessThanOrEqual(1 / 50 + EPSILON);
    }
  });

  it('bursty producer: errs by less than one poll interval, in either direction', () => {
    const times = bursty(2, 60 * MIN);
    const random = prng(3);
    const samples = simulate({
      times,
      pollTimes: polls(POLL, 119),
      delay: () => random() * 20 * MIN,
      mode: 'estimate',
    }).filter((s) => !s.value.lowerBound);
    expect(samples.length).toBeGreaterThan(50);
    for (const s of samples) expect(Math.abs(s.value.seconds - s.trueSeconds)).toBeLessThan(POLL / S);
    // The bound is what holds here, not a small error: interpolation assumes a constant rate between polls.
    expect(maxError(samples)).toBeGreaterThan(POLL / S / 4);
  });

  it('idle then burst: a group waiting at the first record of the burst errs by less than one poll interval', () => {
    // Steady for 10 min, idle for 20 min, then 5000 records in 1 s at 30 min + 10 s; the group consumed
    // everything before the idle period and then stopped.
    const burstAt = T0 + 30 * MIN + 10 * S;
    const times = [...steady(10, 0, 10 * MIN), ...Array.from({ length: 5000 }, (_, k) => burstAt + k / 5)];
    const samples = simulate({
      times,
      pollTimes: polls(POLL, 100),
      delay: (i) => (i + 1) * POLL - 10 * MIN, // committed stays at the end of the steady part
      mode: 'estimate',
    });
    const afterBurst = samples.filter((s) => s.now > burstAt);
    expect(afterBurst.length).toBeGreaterThan(20);
    for (const s of afterBurst) {
      expect(s.trueSeconds).toBeCloseTo((s.now - burstAt) / S, 6);
      expect(Math.abs(s.value.seconds - s.trueSeconds)).toBeLessThan(POLL / S);
      expect(s.value.lowerBound).toBe(false);
    }
  });

  it('failed polls widen the bound to the gap between the two recorded polls around the record', () => {
    const times = bursty(4, 60 * MIN);
    const random = prng(5);
    const failedPolls = new Set([10, 11, 12, 40, 41, 70, 71, 72, 73]);
    const samples = simulate({
      times,
      pollTimes: polls(POLL, 119),
      delay: () => random() * 20 * MIN,
      mode: 'estimate',
      recorded: (i) => !failedPolls.has(i),
    }).filter((s) => !s.value.lowerBound);
    const widestGap = 5 * POLL; // polls 69 and 74 recorded, 70..73 failed
    expect(samples.length).toBeGreaterThan(50);
    for (const s of samples) expect(Math.abs(s.value.seconds - s.trueSeconds)).toBeLessThan(widestGap / S);
    // ... and the gap is what bounds it: errors above one poll interval occur around the failed polls.
    expect(maxError(samples)).toBeGreaterThan(POLL / S);
  });

  it('a commit older than the history gives a flagged lower bound, never above the true lag, never extrapolated', () => {
    const times = steady(50, 0, 60 * MIN);
    const samples = simulate({
      times,
      pollTimes: polls(POLL, 119),
      delay: () => 40 * MIN, // older than the 5-point table (2.5 min)
      mode: 'estimate',
      tableCapacity: 5,
    }).filter((s) => s.now > T0 + 45 * MIN);
    expect(samples.length).toBeGreaterThan(10);
    for (const s of samples) {
      expect(s.value.lowerBound).toBe(true);
      expect(s.value.seconds).toBeLessThanOrEqual(s.trueSeconds);
      expect(s.value.seconds).toBe((4 * POLL) / S); // the age of the oldest of 5 points, whatever the true lag
    }
  });
});

describe('exact: error bounds', () => {
  it('is the true lag at poll time when record times are true (LogAppendTime, or CreateTime without skew)', () => {
    const random = prng(6);
    const samples = simulate({
      times: bursty(7, 60 * MIN),
      pollTimes: polls(POLL, 119),
      delay: () => random() * 50 * MIN,
      mode: 'exact',
    });
    expect(samples.length).toBeGreaterThan(50);
    for (const s of samples) {
      expect(s.value.method).toBe('exact');
      expect(s.value.seconds).toBeCloseTo(s.trueSeconds, 9);
    }
  });

  it('is off by exactly the producer clock skew under CreateTime, clamped at 0 for a clock ahead', () => {
    const times = steady(10, 0, 30 * MIN);
    const behind = simulate({
      times,
      pollTimes: polls(POLL, 59),
      delay: () => 5 * MIN,
      mode: 'exact',
      createTime: (k) => times[k]! - 4 * S, // producer clock 4 s behind
    });
    expect(behind.length).toBe(59);
    for (const s of behind) expect(s.value.seconds - s.trueSeconds).toBeCloseTo(4, 9);
    const ahead = simulate({
      times,
      pollTimes: polls(POLL, 59),
      delay: () => 2 * S,
      mode: 'exact',
      createTime: (k) => times[k]! + 60 * S, // producer clock a minute ahead
    });
    expect(ahead.length).toBe(59);
    for (const s of ahead) expect(s.value.seconds).toBe(0);
  });
});

describe('resolution', () => {
  it('values change only at polls: between two polls the true lag of a stopped group exceeds the last value by less than one poll interval', () => {
    const times = steady(10, 0, 30 * MIN);
    const samples = simulate({
      times,
      pollTimes: polls(POLL, 59),
      delay: (i) => (i + 1) * POLL - 5 * MIN, // stopped at 5 min
      mode: 'exact',
    });
    expect(samples.length).toBeGreaterThan(40);
    for (const s of samples) {
      const justBeforeNextPoll = s.now + POLL - 1;
      const trueThen = (justBeforeNextPoll - times[s.committed]!) / S;
      expect(trueThen - s.value.seconds).toBeLessThan(POLL / S);
    }
  });
});
