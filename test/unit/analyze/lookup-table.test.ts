/**
 * Specification of the offset → time lookup table, one test per behaviour (after kafka-lag-exporter's
 * LookupTableSpec). Points are (offset, time ms).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_CAPACITY, LookupTable, type OffsetTime } from '../../../src/analyze/lookup-table.js';

function table(points: readonly [number | bigint, number][], capacity = 10): LookupTable {
  const t = new LookupTable(capacity);
  for (const [offset, time] of points) t.add(BigInt(offset), time);
  return t;
}

function pts(t: LookupTable): [bigint, number][] {
  return t.points().map((p) => [p.offset, p.timeMs]);
}

function timeOf(lookup: OffsetTime | undefined): number | undefined {
  return lookup !== undefined && lookup.kind !== 'caught-up' ? lookup.timeMs : undefined;
}

/** kafka-lag-exporter's worked example: two flat runs between three rising segments. */
const WORKED_EXAMPLE: [number, number][] = [
  [100, 30],
  [200, 60],
  [200, 700],
  [300, 730],
  [300, 9000],
  [400, 9030],
];

describe('LookupTable insertion', () => {
  it('defaults to a capacity of 60 points (kafka-lag-exporter lookup-table.memory.size)', () => {
    expect(new LookupTable().capacity).toBe(60);
    expect(DEFAULT_TABLE_CAPACITY).toBe(60);
  });

  it('starts empty', () => {
    expect(new LookupTable().size).toBe(0);
    expect(new LookupTable().points()).toEqual([]);
  });

  it('refuses a capacity below two points, which could never interpolate', () => {
    expect(() => new LookupTable(1)).toThrow(RangeError);
    expect(() => new LookupTable(2.5)).toThrow(RangeError);
    expect(() => new LookupTable(2)).not.toThrow();
  });

  it('appends points increasing in time and offset', () => {
    const t = new LookupTable(10);
    expect(t.add(100n, 100)).toBe('appended');
    expect(t.add(200n, 200)).toBe('appended');
    expect(pts(t)).toEqual([
      [100n, 100],
      [200n, 200],
    ]);
  });

  it('rejects a point whose time is not after the newest point (out of order)', () => {
    const t = table([[100, 100]]);
    expect(t.add(110n, 90)).toBe('rejected-out-of-order');
    expect(t.add(110n, 100)).toBe('rejected-out-of-order');
    expect(pts(t)).toEqual([[100n, 100]]);
  });

  it('rejects an offset below the newest point (non-monotonic high watermark)', () => {
    const t = table([[100, 100]]);
    expect(t.add(90n, 110)).toBe('rejected-non-monotonic');
    expect(pts(t)).toEqual([[100n, 100]]);
  });

  it('rejects a negative offset or a non-finite time', () => {
    const t = new LookupTable(10);
    expect(t.add(-1n, 110)).toBe('rejected-invalid');
    expect(t.add(1n, Number.NaN)).toBe('rejected-invalid');
    expect(t.add(1n, Number.POSITIVE_INFINITY)).toBe('rejected-invalid');
    expect(t.size).toBe(0);
  });

  it('appends a repeated offset once: a flat run needs two points to be compressed', () => {
    const t = table([[200, 1000]]);
    expect(t.add(200n, 2000)).toBe('appended');
    expect(pts(t)).toEqual([
      [200n, 1000],
      [200n, 2000],
    ]);
  });

  it('keeps a flat run as its first and last sighting (flat-run compression)', () => {
    const t = table([
      [200, 1000],
      [200, 2000],
    ]);
    expect(t.add(200n, 3000)).toBe('compressed');
    expect(pts(t)).toEqual([
      [200n, 1000],
      [200n, 3000],
    ]);
  });

  it('compresses the middle of a flat run that follows a rising segment', () => {
    const t = table([
      [100, 30],
      [200, 60],
      [200, 120],
      [200, 700],
    ]);
    expect(pts(t)).toEqual([
      [100n, 30],
      [200n, 60],
      [200n, 700],
    ]);
  });

  it('drops the oldest point at capacity', () => {
    const t = table(
      [
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
      ],
      3,
    );
    expect(pts(t)).toEqual([
      [2n, 2],
      [3n, 3],
      [4n, 4],
    ]);
  });

  it('spends two points on an idle period of any length, so capacity covers more time for idle partitions', () => {
    const t = new LookupTable(4);
    t.add(0n, 0);
    for (let i = 1; i <= 1000; i++) t.add(10n, i * 1000);
    t.add(20n, 1_001_000);
    expect(pts(t)).toEqual([
      [0n, 0],
      [10n, 1000],
      [10n, 1_000_000],
      [20n, 1_001_000],
    ]);
  });

  it('clear() empties the table', () => {
    const t = table(WORKED_EXAMPLE);
    t.clear();
    expect(t.size).toBe(0);
    expect(t.lookup(100n)).toBeUndefined();
  });
});

describe('LookupTable lookup', () => {
  it("reproduces kafka-lag-exporter's worked example: 200 → 700, 250 → 715, 300 → 9000", () => {
    const t = table(WORKED_EXAMPLE);
    expect(timeOf(t.lookup(200n))).toBe(700);
    expect(timeOf(t.lookup(250n))).toBe(715);
    expect(timeOf(t.lookup(300n))).toBe(9000);
  });

  it('takes the right edge of a flat run for its offset, and interpolates the rising segment after it', () => {
    const t = table(WORKED_EXAMPLE);
    expect(timeOf(t.lookup(199n))).toBeCloseTo(59.7, 9);
    expect(timeOf(t.lookup(201n))).toBeCloseTo(700.3, 9);
    expect(timeOf(t.lookup(299n))).toBeCloseTo(729.7, 9);
    expect(timeOf(t.lookup(301n))).toBeCloseTo(9000.3, 9);
  });

  it('interpolates linearly between two points (square lookups, offset == time)', () => {
    const t = table([
      [100, 100],
      [200, 200],
    ]);
    for (const x of [100, 110, 150, 190]) expect(timeOf(t.lookup(BigInt(x)))).toBe(x);
  });

  it('reports the two points it interpolated between; the time lies between theirs', () => {
    const t = table(WORKED_EXAMPLE);
    const lookup = t.lookup(250n);
    expect(lookup).toEqual({
      kind: 'interpolated',
      timeMs: 715,
      left: { offset: 200n, timeMs: 700 },
      right: { offset: 300n, timeMs: 730 },
    });
  });

  it('interpolates over a truncated table with rates varying by orders of magnitude', () => {
    const t = table(
      [
        [0, 0],
        [10, 1],
        [200, 2],
        [3000, 3],
        [40000, 4],
      ],
      5,
    );
    expect(timeOf(t.lookup(1600n))).toBe(2.5);
    expect(timeOf(t.lookup(9n))).toBeCloseTo(0.9, 12);
    expect(timeOf(t.lookup(10n))).toBe(1);
    expect(timeOf(t.lookup(2999n))).toBeCloseTo(2.9996428571428573, 12);
    expect(timeOf(t.lookup(3001n))).toBeCloseTo(3.000027027027027, 12);
  });

  it('answers undefined ("no estimate") for an empty table, never NaN', () => {
    expect(new LookupTable().lookup(0n)).toBeUndefined();
  });

  it('answers caught-up for the newest offset: lag 0 s', () => {
    expect(table(WORKED_EXAMPLE).lookup(400n)).toEqual({ kind: 'caught-up' });
  });

  it('answers caught-up above the newest offset instead of extrapolating to negative seconds (kafka-lag-exporter #138)', () => {
    expect(table(WORKED_EXAMPLE).lookup(500n)).toEqual({ kind: 'caught-up' });
  });

  it('answers a single point without NaN: caught-up at or above it, before-history below it (kafka-lag-exporter #110)', () => {
    const t = table([[100, 5000]]);
    expect(t.lookup(100n)).toEqual({ kind: 'caught-up' });
    expect(t.lookup(150n)).toEqual({ kind: 'caught-up' });
    expect(t.lookup(99n)).toEqual({ kind: 'before-history', timeMs: 5000 });
  });

  it('answers a flat table without ±Infinity: caught-up at its offset, before-history below it', () => {
    const t = table([
      [100, 100],
      [100, 200],
      [100, 300],
      [100, 400],
    ]);
    expect(t.size).toBe(2);
    expect(t.lookup(100n)).toEqual({ kind: 'caught-up' });
    expect(t.lookup(101n)).toEqual({ kind: 'caught-up' });
    // kafka-lag-exporter: Prediction(-Infinity), i.e. +Inf seconds of lag.
    expect(t.lookup(99n)).toEqual({ kind: 'before-history', timeMs: 100 });
  });

  it('answers an offset older than the oldest point with the oldest time as a bound, not a constant-rate extrapolation (kafka-lag-exporter #496)', () => {
    const t = table([
      [1_000_000, 1_000_000],
      [1_000_010, 1_001_000],
    ]);
    // Extrapolating 10 offsets/s back to offset 0 would claim the record is 100,000 s older than the table.
    expect(t.lookup(0n)).toEqual({ kind: 'before-history', timeMs: 1_000_000 });
  });

  it('keeps precision for offsets beyond 2^53', () => {
    const base = 2n ** 62n;
    const t = table([
      [base, 1000],
      [base + 100n, 2000],
    ]);
    expect(timeOf(t.lookup(base + 25n))).toBe(1250);
  });

  it('never returns NaN or Infinity, for any table and offset', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 200; run++) {
      const t = new LookupTable(2 + Math.floor(random() * 8));
      let offset = 0n;
      let time = 0;
      const n = Math.floor(random() * 12);
      for (let i = 0; i < n; i++) {
        offset += random() < 0.4 ? 0n : BigInt(Math.floor(random() * 1000));
        time += 1 + Math.floor(random() * 1000);
        t.add(offset, time);
      }
      for (let q = -5n; q <= offset + 5n; q += 1n + offset / 50n) {
        const lookup = t.lookup(q);
        if (lookup !== undefined && lookup.kind !== 'caught-up') {
          expect(Number.isFinite(lookup.timeMs)).toBe(true);
          expect(lookup.timeMs).toBeLessThanOrEqual(time);
        }
      }
    }
  });
});
