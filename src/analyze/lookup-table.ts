/**
 * Offset → time lookup table of one partition: the estimate behind `method="estimate"` lag seconds.
 *
 * The algorithm is kafka-lag-exporter's `LookupTable` (lag-semantics.md §b1), re-derived, without its failure
 * modes. Every poll adds one point (high watermark, poll time). To estimate when the record at offset `c` was
 * produced, find the two points around `c` and interpolate linearly between them.
 *
 * Why the interpolation is bounded: the record at offset `c` becomes visible when the high watermark first
 * exceeds `c`. For adjacent points `l`, `r` with `l.offset ≤ c < r.offset`, the high watermark was `≤ c` at
 * `l.timeMs` and `> c` at `r.timeMs`, so the record was produced in `(l.timeMs, r.timeMs]`, and so is the
 * interpolated time. The error is therefore less than `r.timeMs − l.timeMs`, one poll interval when no poll
 * failed, whatever the producer does between the two points (docs/lag-seconds.md).
 *
 * Differences from kafka-lag-exporter, each closing one of its failure modes:
 * - no NaN: an empty table answers `undefined` ("no estimate"); one point answers `caught-up` or `before-history`;
 * - no ±Infinity: a flat table (a single run of one offset) never divides by zero: the pair chosen for
 *   interpolation always has `l.offset < r.offset`;
 * - no negative seconds: an offset at or above the newest point is `caught-up` (0 s) instead of an
 *   extrapolation above the table (kafka-lag-exporter #138);
 * - no runaway values: an offset below the oldest point is `before-history` with the oldest point's time, a
 *   lower bound of the lag, instead of a constant-rate extrapolation over the whole table (#496).
 */

/** One sample of a partition: its high watermark `offset` (offsets) at `timeMs` (milliseconds since the epoch). */
export interface TablePoint {
  readonly offset: bigint;
  readonly timeMs: number;
}

/** kafka-lag-exporter's `lookup-table.memory.size`: 60 points, ≈ 30 min of a moving partition at a 30 s poll. */
export const DEFAULT_TABLE_CAPACITY = 60;

/**
 * What {@link LookupTable.add} did with a point:
 * - `appended`: stored as the newest point (the oldest is dropped at capacity);
 * - `compressed`: the newest point was replaced, extending a flat run (same offset as the last two points);
 * - `rejected-out-of-order`: `timeMs` is not after the newest point's;
 * - `rejected-non-monotonic`: `offset` is below the newest point's (high watermarks never decrease; a
 *   caller that sees one decrease should {@link LookupTable.clear} the table: the topic was re-created or
 *   truncated);
 * - `rejected-invalid`: a negative offset or a non-finite time.
 */
export type AddOutcome =
  'appended' | 'compressed' | 'rejected-out-of-order' | 'rejected-non-monotonic' | 'rejected-invalid';

/**
 * The answer of {@link LookupTable.lookup} for offset `c`:
 * - `caught-up`: `c` is at or above the newest point's offset: no record at or after `c` had been produced
 *   when the newest point was sampled. Lag 0 s.
 * - `interpolated`: the record at `c` was produced in `(left.timeMs, right.timeMs]`; `timeMs` is the linear
 *   interpolation between the two points, milliseconds since the epoch.
 * - `before-history`: `c` is below the oldest point's offset: the record was produced at or before `timeMs`
 *   (the oldest point's time), so `now − timeMs` is a lower bound of its age, not an estimate.
 */
export type OffsetTime =
  | { readonly kind: 'caught-up' }
  | {
      readonly kind: 'interpolated';
      readonly timeMs: number;
      readonly left: TablePoint;
      readonly right: TablePoint;
    }
  | { readonly kind: 'before-history'; readonly timeMs: number };

/** The read side of a {@link LookupTable}, handed out by History. */
export interface ReadonlyLookupTable {
  readonly capacity: number;
  readonly size: number;
  /** The points, oldest first: offsets non-decreasing, times strictly increasing. */
  points(): readonly TablePoint[];
  lookup(offset: bigint): OffsetTime | undefined;
}

/**
 * A bounded table of (high watermark, time) points of one partition, oldest first. Owns its points; mutated
 * only by {@link add} and {@link clear}.
 */
export class LookupTable implements ReadonlyLookupTable {
  readonly #points: TablePoint[] = [];

  /** @param capacity maximum number of points, an integer ≥ 2 (two points are needed to interpolate). */
  constructor(readonly capacity: number = DEFAULT_TABLE_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 2) {
      throw new RangeError(`lookup table capacity must be an integer >= 2, got ${capacity}`);
    }
  }

  get size(): number {
    return this.#points.length;
  }

  points(): readonly TablePoint[] {
    return this.#points;
  }

  /**
   * Adds the high watermark `offset` sampled at `timeMs`. Insertion rules, in order (kafka-lag-exporter
   * `addPoint`): reject invalid values; reject a time not after the newest point (out of order); reject an
   * offset below the newest point (non-monotonic); if the offset equals the offsets of the last two points,
   * replace the newest point (a flat run is kept as its first and last sighting); else append, dropping the
   * oldest point at capacity.
   */
  add(offset: bigint, timeMs: number): AddOutcome {
    if (offset < 0n || !Number.isFinite(timeMs)) return 'rejected-invalid';
    const points = this.#points;
    const newest = points.at(-1);
    if (newest !== undefined) {
      if (timeMs <= newest.timeMs) return 'rejected-out-of-order';
      if (offset < newest.offset) return 'rejected-non-monotonic';
      const previous = points.at(-2);
      if (previous !== undefined && previous.offset === offset && newest.offset === offset) {
        points[points.length - 1] = { offset, timeMs };
        return 'compressed';
      }
    }
    points.push({ offset, timeMs });
    if (points.length > this.capacity) points.shift();
    return 'appended';
  }

  /**
   * When the record at `offset` was produced, from the points; `undefined` for an empty table.
   * The interpolation pair is the newest pair `(l, r)` of adjacent points with `l.offset ≤ offset < r.offset`,
   * so on a flat run `l` is the run's last sighting (kafka-lag-exporter: "the right hand side of the flat
   * section"), and `r.offset > l.offset` always holds.
   */
  lookup(offset: bigint): OffsetTime | undefined {
    const points = this.#points;
    const newest = points.at(-1);
    const oldest = points[0];
    if (newest === undefined || oldest === undefined) return undefined;
    if (offset >= newest.offset) return { kind: 'caught-up' };
    if (offset < oldest.offset) return { kind: 'before-history', timeMs: oldest.timeMs };
    // oldest.offset ≤ offset < newest.offset, so at least two points and a bracketing pair exist.
    const i = lastIndexAtOrBelow(points, offset);
    const left = points[i];
    const right = points[i + 1];
    if (left === undefined || right === undefined) return undefined; // unreachable; keeps the types honest
    const fraction = Number(right.offset - offset) / Number(right.offset - left.offset);
    const timeMs = right.timeMs - fraction * (right.timeMs - left.timeMs);
    return { kind: 'interpolated', timeMs, left, right };
  }

  /** Removes every point (the partition's log was re-created or truncated). */
  clear(): void {
    this.#points.length = 0;
  }
}

/** Index of the last point whose offset is ≤ `offset`; requires `points[0].offset ≤ offset`. Binary search. */
function lastIndexAtOrBelow(points: readonly TablePoint[], offset: bigint): number {
  let low = 0;
  let high = points.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const point = points[mid];
    if (point !== undefined && point.offset <= offset) low = mid;
    else high = mid - 1;
  }
  return low;
}
