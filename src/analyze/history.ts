/**
 * History: the only state analysis keeps across polls. Bounded, in memory, fed once per successful poll.
 *
 * Per (topic, partition):
 * - a {@link LookupTable} of (high watermark, poll time) points, for `estimate` lag seconds
 *   (kafka-lag-exporter §b1);
 * - the broker ring: the high watermarks of the last `windowSize` polls (Burrow's per-partition ring of
 *   broker offsets, one per `offset-refresh`; here one per poll), for the STOP exemption.
 *
 * Per (group, topic, partition): the commit window, the last `windowSize` {@link CommitObservation}s. Burrow
 * stores every commit read from `__consumer_offsets`; lagwatch polls OffsetFetch, which shows neither commit
 * times nor repeated commits of the same offset, so an observation is appended only when the committed offset
 * changed since the last one, stamped with the poll time that first saw it (lag-semantics.md §c,
 * "Reproducing it from polled OffsetFetch"). Burrow's min-distance merge applies on that time.
 *
 * Lifecycle rules:
 * - A failed poll does not call {@link History.record}, so history survives failures (kafka-lag-exporter
 *   empties its tables on any error, #110, #361).
 * - State of a topic or partition absent from the snapshot is forgotten, except for topics whose Metadata
 *   failed this poll (a `metadata` error naming the topic): they are absent because of the error.
 * - State of a group absent from the snapshot is forgotten, and so is the window of a partition no longer
 *   in a group's committed offsets: a deleted group keeps no ghost status (Burrow #758, #797). A group whose
 *   OffsetFetch failed this poll (`offsets` null) keeps its windows.
 * - A high watermark below the previous one (topic deleted and re-created under the same name between two
 *   polls, unclean truncation) resets the partition: its table, its broker ring and the commit windows of
 *   every group on it (kafka-lag-exporter keeps stale values there, #197; Burrow would report REWIND).
 */
import type { ClusterSnapshot } from '../collect/snapshot.js';
import { partitionKey } from '../collect/snapshot.js';
import { offsetLag } from './lag.js';
import { DEFAULT_TABLE_CAPACITY, LookupTable, type ReadonlyLookupTable } from './lookup-table.js';

/** One change of a group's committed offset on one partition, as the polls saw it. */
export interface CommitObservation {
  /** The committed offset (offsets): the next record the group will consume. */
  readonly offset: bigint;
  /**
   * Poll time that first saw this offset, milliseconds since the epoch. Stands in for Burrow's commit
   * timestamp: later than the real commit by less than one poll interval. After a min-distance merge, the
   * time of the first observation merged into the slot.
   */
  readonly firstObservedAt: number;
  /**
   * max(0, high watermark − offset) against the same poll's high watermark (offsets), or null when that
   * poll could not read the high watermark. Burrow computes it at ingest the same way.
   */
  readonly lag: bigint | null;
}

/** History settings. */
export interface HistoryOptions {
  /**
   * Commit observations kept per (group, topic, partition), and high watermarks kept in the broker ring.
   * Burrow `intervals`, default 10. Integer ≥ 1.
   */
  readonly windowSize?: number;
  /** Points per partition lookup table, kafka-lag-exporter `lookup-table.memory.size`, default 60. Integer ≥ 2. */
  readonly tableCapacity?: number;
  /**
   * Burrow `min-distance`, in milliseconds (Burrow: seconds), default 0: a changed offset first observed less
   * than this after the newest slot's `firstObservedAt` overwrites that slot (keeping its time) instead of
   * taking a new one.
   */
  readonly minDistanceMs?: number;
}

/** Defaults of {@link HistoryOptions}. */
export const DEFAULT_HISTORY_OPTIONS: Readonly<Required<HistoryOptions>> = {
  windowSize: 10,
  tableCapacity: DEFAULT_TABLE_CAPACITY,
  minDistanceMs: 0,
};

/** What analysis reads from history. {@link History} implements it; tests may pass any implementation. */
export interface HistoryView {
  /** Burrow `intervals`: the size of a complete commit window and of the broker ring. */
  readonly windowSize: number;
  /** The lookup table of a partition, or undefined when the partition has no state. */
  table(topic: string, partition: number): ReadonlyLookupTable | undefined;
  /** The high watermarks of the last `windowSize` polls that read one, oldest first (offsets). */
  brokerRing(topic: string, partition: number): readonly bigint[];
  /** The commit window of a group on a partition, oldest first; empty when none. */
  commits(groupId: string, topic: string, partition: number): readonly CommitObservation[];
  /**
   * How many recorded polls read the group's committed offset on the partition (since its window started),
   * at most `windowSize`; 0 when none.
   */
  observedPolls(groupId: string, topic: string, partition: number): number;
}

interface PartitionState {
  readonly topic: string;
  readonly table: LookupTable;
  /** High watermarks of the last `windowSize` polls that read one, oldest first. */
  readonly ring: bigint[];
  /** This poll's high watermark, or null when the last recorded poll could not read it. */
  current: bigint | null;
  /** Last high watermark read, across polls. */
  last: bigint | undefined;
  /** Changes whenever the partition's state is created or reset; windows of an older epoch are stale. */
  epoch: number;
}

interface CommitWindow {
  /** The epoch of the partition state the observations belong to. */
  epoch: number;
  readonly observations: CommitObservation[];
  /** Recorded polls that read this committed offset since the window started, capped at `windowSize`. */
  polls: number;
}

/** The history of one cluster. Bounded: O(partitions × tableCapacity + committed partitions × windowSize). */
export class History implements HistoryView {
  readonly windowSize: number;
  readonly tableCapacity: number;
  readonly minDistanceMs: number;
  readonly #partitions = new Map<string, PartitionState>();
  /** groupId → partitionKey → window. */
  readonly #windows = new Map<string, Map<string, CommitWindow>>();
  #epochs = 0;
  #lastObservedAt: number | undefined;

  /** @throws RangeError for an option outside its domain. */
  constructor(options: HistoryOptions = {}) {
    const o = { ...DEFAULT_HISTORY_OPTIONS, ...definedOnly(options) };
    if (!Number.isInteger(o.windowSize) || o.windowSize < 1) {
      throw new RangeError(`windowSize must be an integer >= 1, got ${o.windowSize}`);
    }
    if (!Number.isInteger(o.tableCapacity) || o.tableCapacity < 2) {
      throw new RangeError(`tableCapacity must be an integer >= 2, got ${o.tableCapacity}`);
    }
    if (!Number.isFinite(o.minDistanceMs) || o.minDistanceMs < 0) {
      throw new RangeError(`minDistanceMs must be a finite number >= 0, got ${o.minDistanceMs}`);
    }
    this.windowSize = o.windowSize;
    this.tableCapacity = o.tableCapacity;
    this.minDistanceMs = o.minDistanceMs;
  }

  /** `observedAt` of the last recorded snapshot, milliseconds since the epoch. */
  get lastObservedAt(): number | undefined {
    return this.#lastObservedAt;
  }

  /**
   * Takes in one successful poll. Call it once per snapshot, before `analyzeCluster`. A snapshot not newer
   * than the last recorded one (same snapshot twice, wall clock stepped back) is ignored: returns false.
   */
  record(snapshot: ClusterSnapshot): boolean {
    const at = snapshot.observedAt;
    if (this.#lastObservedAt !== undefined && at <= this.#lastObservedAt) return false;
    this.#lastObservedAt = at;
    this.#recordPartitions(snapshot);
    this.#recordCommits(snapshot);
    return true;
  }

  table(topic: string, partition: number): ReadonlyLookupTable | undefined {
    return this.#partitions.get(partitionKey(topic, partition))?.table;
  }

  brokerRing(topic: string, partition: number): readonly bigint[] {
    return this.#partitions.get(partitionKey(topic, partition))?.ring ?? [];
  }

  commits(groupId: string, topic: string, partition: number): readonly CommitObservation[] {
    const key = partitionKey(topic, partition);
    const window = this.#windows.get(groupId)?.get(key);
    if (window === undefined || window.epoch !== this.#partitions.get(key)?.epoch) return [];
    return window.observations;
  }

  observedPolls(groupId: string, topic: string, partition: number): number {
    const key = partitionKey(topic, partition);
    const window = this.#windows.get(groupId)?.get(key);
    if (window === undefined || window.epoch !== this.#partitions.get(key)?.epoch) return 0;
    return window.polls;
  }

  /** Number of partitions and of commit windows held (for self metrics and tests). */
  size(): { partitions: number; windows: number } {
    let windows = 0;
    for (const byPartition of this.#windows.values()) windows += byPartition.size;
    return { partitions: this.#partitions.size, windows };
  }

  #recordPartitions(snapshot: ClusterSnapshot): void {
    const at = snapshot.observedAt;
    const present = new Set<string>();
    for (const topic of snapshot.topics) {
      for (const p of topic.partitions) {
        const key = partitionKey(topic.name, p.partition);
        present.add(key);
        let state = this.#partitions.get(key);
        if (state === undefined) {
          state = {
            topic: topic.name,
            table: new LookupTable(this.tableCapacity),
            ring: [],
            current: null,
            last: undefined,
            epoch: ++this.#epochs,
          };
          this.#partitions.set(key, state);
        }
        state.current = p.highWatermark;
        if (p.highWatermark === null) continue;
        if (state.last !== undefined && p.highWatermark < state.last) {
          state.table.clear();
          state.ring.length = 0;
          state.epoch = ++this.#epochs;
        }
        state.table.add(p.highWatermark, at);
        pushBounded(state.ring, p.highWatermark, this.windowSize);
        state.last = p.highWatermark;
      }
    }
    const failedTopics = new Set(snapshot.errors.filter((e) => e.kind === 'metadata').map((e) => e.subject));
    for (const [key, state] of this.#partitions) {
      if (present.has(key)) continue;
      if (failedTopics.has(state.topic)) state.current = null;
      else this.#partitions.delete(key);
    }
  }

  #recordCommits(snapshot: ClusterSnapshot): void {
    const at = snapshot.observedAt;
    const present = new Set<string>();
    for (const group of snapshot.groups) {
      present.add(group.groupId);
      const windows = this.#windows.get(group.groupId) ?? new Map<string, CommitWindow>();
      if (group.offsets === null) {
        // OffsetFetch failed for this group: keep what is still valid, learn nothing new.
        for (const [key, window] of windows) {
          if (window.epoch !== this.#partitions.get(key)?.epoch) windows.delete(key);
        }
      } else {
        const committed = new Set<string>();
        for (const { topic, partition, offset } of group.offsets) {
          const key = partitionKey(topic, partition);
          const state = this.#partitions.get(key);
          if (state === undefined) continue; // topic not exported or gone
          committed.add(key);
          let window = windows.get(key);
          if (window === undefined || window.epoch !== state.epoch) {
            window = { epoch: state.epoch, observations: [], polls: 0 };
            windows.set(key, window);
          }
          const lag = state.current === null ? null : offsetLag(state.current, offset);
          observeCommit(window.observations, { offset, firstObservedAt: at, lag }, this);
          window.polls = Math.min(this.windowSize, window.polls + 1);
        }
        for (const key of windows.keys()) if (!committed.has(key)) windows.delete(key);
      }
      if (windows.size > 0) this.#windows.set(group.groupId, windows);
      else this.#windows.delete(group.groupId);
    }
    for (const groupId of this.#windows.keys()) if (!present.has(groupId)) this.#windows.delete(groupId);
  }
}

/**
 * Appends `observation` to a commit window (oldest first, at most `windowSize` entries) if its offset differs
 * from the newest entry's. Burrow's min-distance merge: when the new observation comes less than
 * `minDistanceMs` after the newest entry's time, it overwrites that entry's offset and lag but keeps its time,
 * so entries are at least `minDistanceMs` apart.
 */
export function observeCommit(
  window: CommitObservation[],
  observation: CommitObservation,
  options: { readonly windowSize: number; readonly minDistanceMs: number },
): void {
  const newest = window.at(-1);
  if (newest !== undefined) {
    if (newest.offset === observation.offset) return;
    if (observation.firstObservedAt - newest.firstObservedAt < options.minDistanceMs) {
      window[window.length - 1] = { ...observation, firstObservedAt: newest.firstObservedAt };
      return;
    }
  }
  pushBounded(window, observation, options.windowSize);
}

function pushBounded<T>(ring: T[], value: T, capacity: number): void {
  ring.push(value);
  while (ring.length > capacity) ring.shift();
}

function definedOnly(options: HistoryOptions): HistoryOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as HistoryOptions;
}
