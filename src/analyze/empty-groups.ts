/**
 * How long groups have been Empty, for `--group.empty-max-age`: groups Empty for longer are no longer
 * exported (their committed offsets live on until `offsets.retention.minutes`, KIP-211). Pure: the previous
 * observations and the time are passed in.
 */
import type { ClusterSnapshot } from '../collect/snapshot.js';

/** Group id → when a poll first saw it Empty, milliseconds since the Unix epoch. */
export type EmptySince = ReadonlyMap<string, number>;

/**
 * The Empty-since times after `snapshot`: a group keeps its time while it stays Empty, gets `snapshot.observedAt`
 * when it becomes Empty, and is dropped when it has members again, is gone, or its state is unknown this
 * poll (a failed describe is not evidence of emptiness).
 */
export function trackEmptyGroups(previous: EmptySince, snapshot: ClusterSnapshot): Map<string, number> {
  const next = new Map<string, number>();
  for (const group of snapshot.groups) {
    if (group.state !== 'Empty') continue;
    next.set(group.groupId, previous.get(group.groupId) ?? snapshot.observedAt);
  }
  return next;
}

/** Groups Empty for longer than `maxAgeMs` (milliseconds) at `now`; none when `maxAgeMs` is undefined. */
export function expiredEmptyGroups(
  emptySince: EmptySince,
  now: number,
  maxAgeMs: number | undefined,
): Set<string> {
  const expired = new Set<string>();
  if (maxAgeMs === undefined) return expired;
  for (const [groupId, since] of emptySince) if (now - since > maxAgeMs) expired.add(groupId);
  return expired;
}
