/**
 * Consumer status: Burrow's partition and group rules (linkedin/Burrow v1.9.5,
 * `core/internal/evaluator/caching.go`; lag-semantics.md §c), evaluated over the commit windows lagwatch
 * builds from polled OffsetFetch (src/analyze/history.ts). Pure: windows, lags and time in, statuses out.
 *
 * Burrow's precedence, for a window W (oldest → newest) and allowed lag A (Burrow `allowed-lag`, PR #591):
 *   1. gate: current lag ≤ A → OK;
 *   2. STOP: now − last.time > last.time − first.time, unless a high watermark in the broker ring is
 *      ≤ last.offset (the group was caught up within the ring's span);
 *   3. REWIND: an offset below its predecessor that no later offset recovered (PR #716);
 *   4. rule 1: if some entry had lag ≤ A → OK;
 *   5. STALL: all offsets in W identical;
 *   6. WARN: lags never decrease;
 *   7. OK.
 *
 * Deviations, each forced by polling or closing a known false positive/negative (docs/lag-seconds.md,
 * "Deviations from Burrow"):
 * - Times are poll times that first saw an offset change, not commit times: late by < one poll interval.
 *   Repeated commits of one offset are invisible, so W holds one entry per offset *change*, and a consumer
 *   committing faster than the poll interval contributes at most one entry per poll.
 * - A window with fewer than `windowSize` entries is OK (rule `incomplete-window`, `complete` < 1) until
 *   `windowSize` polls have read the group's committed offset on the partition; then it is evaluated like a
 *   full one. Counted per group partition, not per topic partition: a group that starts committing on a
 *   topic lagwatch has long watched is not evaluated on a one-entry window at first sight. Burrow
 *   evaluates at once (`minimum-complete` 0), which reads a slow committer seen twice as stopped; waiting
 *   for a full window of offset changes instead would leave a consumer that stopped before lagwatch
 *   started OK forever. Cost, as in Burrow: a group committing less often than `windowSize` polls can read
 *   as STOP between its commits.
 * - STOP vs STALL by membership: Burrow tells a stalled consumer (commits, offset unchanged → STALL) from a
 *   stopped one (no commits → STOP) by commit traffic, which OffsetFetch does not show. When the STOP
 *   predicate holds and a live member of the group holds the partition's assignment, the partition is
 *   STALL (evaluated after REWIND, where Burrow's STALL sits); otherwise (no member, partition unassigned,
 *   assignment unknown) STOP as in Burrow. Burrow's own STALL rule (all offsets identical) needs a window of
 *   one entry, since equal consecutive offsets are never appended; it is kept for `windowSize` 1.
 * - REWIND checks every decrease in W, not only the first: a later, unrecovered rewind after a recovered
 *   one is still REWIND.
 * - Gate also passes when only control records (transaction markers) remain between the committed offset
 *   and the high watermark, as the record-timestamp fetch reports (`none`): an idle transactional
 *   partition has offset lag 1 forever (Burrow #570, #697) without needing `allowedLag` ≥ 1. In `estimate`
 *   mode no records are read, and `allowedLag` is the remedy, as in Burrow.
 * - Lag at observation is computed against the same poll's high watermark, which is read after the
 *   committed offsets: never the stale, clamped-to-zero lag of Burrow #303 that hides a falling-behind
 *   fast committer from WARN. A null lag (high watermark unreadable that poll) is skipped like Burrow's nil.
 */
import type { GroupSnapshot } from '../collect/snapshot.js';
import type { RecordTimestamp } from '../kafka/port.js';
import type { CommitObservation, HistoryView } from './history.js';
import type { PartitionLag } from './lag.js';
import { recordKey } from './time-lag.js';
import type { GroupHealth, GroupStatus, PartitionHealth, PartitionStatus } from './types.js';

/** Which rule decided a partition's status (for debugging, tests and the status page). */
export type StatusRule =
  /** No commit observation yet: OK. */
  | 'no-observations'
  /** Fewer than `windowSize` observations: OK without evaluation. */
  | 'incomplete-window'
  /** Gate: current lag ≤ allowed lag: OK. */
  | 'within-allowed-lag'
  /** Gate (lagwatch): only control records left to consume: OK. */
  | 'only-control-records'
  /** Burrow rule 3: silent for longer than the window span, not caught up recently, not assigned: STOP. */
  | 'stopped'
  /** Burrow rule 2: an unrecovered decrease of the committed offset: REWIND. */
  | 'rewind'
  /** lagwatch: silent like `stopped`, but a live member holds the partition: STALL. */
  | 'stalled-assigned'
  /** Burrow rule 1: some observation had lag ≤ allowed lag: OK. */
  | 'lag-within-allowed-in-window'
  /** Burrow rule 4: every observed offset identical (windowSize 1 only): STALL. */
  | 'offsets-identical'
  /**
   * Burrow rule 5: lag never decreased across the window: WARN. lagwatch also requires it to have grown: a
   * consumer keeping up with a steady producer shows the same small lag at every poll (lag is read at poll
   * time against a moving high watermark, not at commit time as in Burrow), and is OK.
   */
  | 'lag-not-decreasing'
  /** No rule fired: OK. */
  | 'progressing';

/** What one partition's evaluation needs. */
export interface PartitionStatusInput {
  /** Commit observations, oldest first (History.commits). */
  readonly window: readonly CommitObservation[];
  /** High watermarks of the last `windowSize` polls, oldest first (History.brokerRing), offsets. */
  readonly brokerRing: readonly bigint[];
  /** max(0, high watermark − committed offset) of this poll, offsets. */
  readonly currentLag: bigint;
  /** True when the record-timestamp fetch found only control records between the committed offset and the high watermark. */
  readonly onlyControlRecords: boolean;
  /** Whether a live member of the group is assigned the partition; null when unknown. See {@link partitionAssignment}. */
  readonly assigned: boolean | null;
  /**
   * Polls that read the group's committed offset on the partition (History.observedPolls). When absent, the
   * broker ring's length stands in (right when the group and the topic were first polled together).
   */
  readonly observedPolls?: number;
}

export interface StatusOptions {
  /** Evaluation time, milliseconds since the epoch (the poll time). */
  readonly now: number;
  /** Burrow `allowed-lag` (offsets): lag at or below it counts as caught up. Burrow default 0. */
  readonly allowedLag: bigint;
  /** Burrow `intervals`: entries in a complete window. */
  readonly windowSize: number;
}

export interface PartitionEvaluation {
  readonly status: PartitionStatus;
  /** Burrow `complete`: entries / windowSize, capped at 1. Status is evaluated only at 1. */
  readonly complete: number;
  readonly rule: StatusRule;
}

/** Burrow `calculatePartitionStatus` adapted to polled observations; precedence and deviations in the module comment. */
export function evaluatePartition(input: PartitionStatusInput, options: StatusOptions): PartitionEvaluation {
  const { window, brokerRing, currentLag } = input;
  const complete = Math.min(1, window.length / options.windowSize);
  const result = (status: PartitionStatus, rule: StatusRule): PartitionEvaluation => ({
    status,
    complete,
    rule,
  });
  const first = window[0];
  const last = window.at(-1);
  if (first === undefined || last === undefined) return result('OK', 'no-observations');
  // The window counts offset changes; a consumer that stopped before lagwatch started never adds one. So a
  // window is also evaluated once `windowSize` polls have read the group's committed offset on the partition.
  const observedPolls = input.observedPolls ?? brokerRing.length;
  if (complete < 1 && observedPolls < options.windowSize) return result('OK', 'incomplete-window');
  if (currentLag <= options.allowedLag) return result('OK', 'within-allowed-lag');
  if (input.onlyControlRecords) return result('OK', 'only-control-records');

  const silent =
    options.now - last.firstObservedAt > last.firstObservedAt - first.firstObservedAt &&
    !brokerRing.some((highWatermark) => highWatermark <= last.offset);
  if (silent && input.assigned !== true) return result('STOP', 'stopped');
  if (hasUnrecoveredRewind(window)) return result('REWIND', 'rewind');
  if (silent) return result('STALL', 'stalled-assigned');
  if (window.some((o) => o.lag !== null && o.lag <= options.allowedLag)) {
    return result('OK', 'lag-within-allowed-in-window');
  }
  if (window.every((o) => o.offset === first.offset)) return result('STALL', 'offsets-identical');
  if (lagGrowsSteadily(window)) return result('WARN', 'lag-not-decreasing');
  return result('OK', 'progressing');
}

/**
 * Burrow rule 2 with recovery (PR #716): some W[i] < W[i−1] with no later W[j] ≥ W[i−1]. A consumer that
 * re-commits an older offset after a rebalance and then passes its old position is not rewinding.
 */
function hasUnrecoveredRewind(window: readonly CommitObservation[]): boolean {
  for (let i = 1; i < window.length; i++) {
    const before = window[i - 1];
    const at = window[i];
    if (before === undefined || at === undefined || at.offset >= before.offset) continue;
    if (!window.slice(i + 1).some((later) => later.offset >= before.offset)) return true;
  }
  return false;
}

/** Burrow rule 5: no non-null lag is below the previous non-null lag. */
function lagGrowsSteadily(window: readonly CommitObservation[]): boolean {
  let first: bigint | null = null;
  let previous: bigint | null = null;
  for (const { lag } of window) {
    if (lag === null) continue;
    if (previous !== null && lag < previous) return false;
    first ??= lag;
    previous = lag;
  }
  return first !== null && previous !== null && previous > first;
}

/**
 * Burrow group status: the worst partition status, with STOP, STALL and REWIND mapped to ERR.
 * No partitions → OK (callers omit groups without evaluated partitions).
 */
export function groupStatus(statuses: Iterable<PartitionStatus>): GroupStatus {
  let worst: GroupStatus = 'OK';
  for (const status of statuses) {
    if (status === 'STOP' || status === 'STALL' || status === 'REWIND') return 'ERR';
    if (status === 'WARN') worst = 'WARN';
  }
  return worst;
}

/**
 * Whether a live member of `group` is assigned `topic`/`partition`:
 * - true: some member's assignment holds it;
 * - false: the group has no members, or members with assignments none of which holds it;
 * - null: unknown: the describe call failed (`members` null), or every member's assignment is empty
 *   (not decodable for the protocol, or a rebalance in progress).
 */
export function partitionAssignment(group: GroupSnapshot, topic: string, partition: number): boolean | null {
  const members = group.members;
  if (members === null) return null;
  if (members.length === 0) return false;
  if (members.some((m) => m.assignment.some((a) => a.topic === topic && a.partition === partition))) {
    return true;
  }
  return members.some((m) => m.assignment.length > 0) ? false : null;
}

/** A partition's status with the evidence behind it. Extends the fixed output type with `complete` and `rule`. */
export interface PartitionHealthDetail extends PartitionHealth {
  readonly complete: number;
  readonly rule: StatusRule;
}

/**
 * Status of every partition in `lags` (the committed partitions with a high watermark this poll, from
 * computeOffsetLag) and of every group with at least one of them, in the order of `lags` and by group id.
 * `timestamps` is the snapshot's record timestamps by {@link recordKey}.
 */
export function computeHealth(
  groups: readonly GroupSnapshot[],
  lags: readonly PartitionLag[],
  history: HistoryView,
  timestamps: ReadonlyMap<string, RecordTimestamp>,
  options: { readonly now: number; readonly allowedLag: bigint },
): { partitions: PartitionHealthDetail[]; groups: GroupHealth[] } {
  const byId = new Map(groups.map((g) => [g.groupId, g]));
  const statusOptions: StatusOptions = { ...options, windowSize: history.windowSize };
  const partitions: PartitionHealthDetail[] = [];
  const statusesByGroup = new Map<string, PartitionStatus[]>();
  for (const lag of lags) {
    const group = byId.get(lag.groupId);
    if (group === undefined) continue;
    const record = timestamps.get(recordKey(lag.topic, lag.partition, lag.firstUnconsumedOffset));
    const evaluation = evaluatePartition(
      {
        window: history.commits(lag.groupId, lag.topic, lag.partition),
        brokerRing: history.brokerRing(lag.topic, lag.partition),
        currentLag: lag.lag,
        onlyControlRecords: record !== undefined && 'none' in record,
        assigned: partitionAssignment(group, lag.topic, lag.partition),
        observedPolls: history.observedPolls(lag.groupId, lag.topic, lag.partition),
      },
      statusOptions,
    );
    partitions.push({ groupId: lag.groupId, topic: lag.topic, partition: lag.partition, ...evaluation });
    const statuses = statusesByGroup.get(lag.groupId) ?? [];
    statuses.push(evaluation.status);
    statusesByGroup.set(lag.groupId, statuses);
  }
  const groupHealth = [...statusesByGroup]
    .map(([groupId, statuses]) => ({ groupId, status: groupStatus(statuses) }))
    .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  return { partitions, groups: groupHealth };
}
