import { describe, expect, it } from 'vitest';
import { expiredEmptyGroups, trackEmptyGroups } from '../../../src/analyze/empty-groups.js';
import type { ClusterSnapshot } from '../../../src/collect/snapshot.js';

function poll(observedAt: number, states: Record<string, string>): ClusterSnapshot {
  return {
    cluster: 'c',
    clusterId: 'id',
    observedAt,
    controllerId: 1,
    brokers: [],
    topics: [],
    groups: Object.entries(states).map(([groupId, state]) => ({
      groupId,
      state,
      protocolType: 'consumer',
      protocol: '',
      members: [],
      offsets: [],
    })),
    recordTimestamps: [],
    errors: [],
  };
}

describe('empty groups', () => {
  it('remembers when a group was first seen Empty, and forgets it when it has members again', () => {
    let since = trackEmptyGroups(new Map(), poll(1_000, { a: 'Empty', b: 'Stable' }));
    since = trackEmptyGroups(since, poll(2_000, { a: 'Empty', b: 'Empty' }));
    expect([...since]).toEqual([
      ['a', 1_000],
      ['b', 2_000],
    ]);
    since = trackEmptyGroups(since, poll(3_000, { a: 'Stable', b: 'Empty' }));
    since = trackEmptyGroups(since, poll(4_000, { a: 'Empty', b: 'Empty' }));
    expect([...since]).toEqual([
      ['a', 4_000],
      ['b', 2_000],
    ]);
  });

  it('forgets groups that are gone or whose state is unknown this poll', () => {
    const since = trackEmptyGroups(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
      poll(5, { b: 'Unknown' }),
    );
    expect(since.size).toBe(0);
  });

  it('expires groups Empty for longer than the maximum age, and none without one', () => {
    const since = new Map([
      ['old', 0],
      ['young', 50_000],
    ]);
    expect([...expiredEmptyGroups(since, 60_001, 60_000)]).toEqual(['old']);
    expect(expiredEmptyGroups(since, 60_001, undefined).size).toBe(0);
  });
});
