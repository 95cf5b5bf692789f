/** Plain-value builders of snapshots for the analysis specs. */
import type {
  ClusterSnapshot,
  GroupSnapshot,
  PollError,
  TopicSnapshot,
} from '../../../src/collect/snapshot.js';
import type { GroupMemberDescription, RecordTimestamp } from '../../../src/kafka/port.js';

/** A topic whose partition i has high watermark `highWatermarks[i]` and log-start `logStart[i]` (default 0). */
export function topic(
  name: string,
  highWatermarks: readonly (bigint | null)[],
  logStart: readonly (bigint | null)[] = [],
): TopicSnapshot {
  return {
    name,
    partitions: highWatermarks.map((highWatermark, partition) => ({
      partition,
      leader: 1,
      replicas: [1],
      isr: [1],
      offlineReplicas: [],
      logStartOffset: logStart[partition] === undefined ? 0n : logStart[partition],
      highWatermark,
    })),
  };
}

/** A member assigned the given (topic, partition) pairs. */
export function member(id: string, assignment: readonly [string, number][]): GroupMemberDescription {
  return {
    memberId: id,
    groupInstanceId: null,
    clientId: id,
    clientHost: '/10.0.0.1',
    assignment: assignment.map(([t, partition]) => ({ topic: t, partition })),
  };
}

/** A group with committed offsets (null: OffsetFetch failed) and members (default none: an Empty group). */
export function group(
  groupId: string,
  offsets: readonly [string, number, bigint][] | null,
  members: readonly GroupMemberDescription[] | null = [],
): GroupSnapshot {
  return {
    groupId,
    state: members === null ? 'Unknown' : members.length === 0 ? 'Empty' : 'Stable',
    protocolType: 'consumer',
    protocol: 'range',
    members,
    offsets: offsets?.map(([t, partition, offset]) => ({ topic: t, partition, offset })) ?? null,
  };
}

export function snapshot(parts: {
  observedAt: number;
  topics?: readonly TopicSnapshot[];
  groups?: readonly GroupSnapshot[];
  recordTimestamps?: readonly RecordTimestamp[];
  errors?: readonly PollError[];
}): ClusterSnapshot {
  return {
    cluster: 'c',
    clusterId: 'id',
    observedAt: parts.observedAt,
    controllerId: 1,
    brokers: [],
    topics: parts.topics ?? [],
    groups: parts.groups ?? [],
    recordTimestamps: parts.recordTimestamps ?? [],
    errors: parts.errors ?? [],
  };
}

/** A found record at `offset` with CreateTime `timestampMs`. */
export function found(
  t: string,
  partition: number,
  offset: bigint,
  timestampMs: number,
  recordOffset: bigint = offset,
): RecordTimestamp {
  return { topic: t, partition, offset, timestampMs, timestampType: 'create', recordOffset };
}

/** Only control records at and after `offset`. */
export function none(t: string, partition: number, offset: bigint): RecordTimestamp {
  return { topic: t, partition, offset, none: true };
}

/** A failed record read. */
export function failed(
  t: string,
  partition: number,
  offset: bigint,
  name: string,
  code: number,
): RecordTimestamp {
  return { topic: t, partition, offset, error: { code, name, message: name } };
}
