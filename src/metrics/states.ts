/**
 * The value sets of lagwatch's state-set metrics: which `state`, `status` and `method` label values a
 * subject (a group, a partition) gets one series for. A state set always renders every value of its set,
 * 1 for the current one and 0 for the others, so a change of state changes values, not series.
 */
import type { TimeLagMethod } from '../analyze/types.js';
import type { GroupType } from '../kafka/port.js';

/**
 * Group states per group type, as Kafka's `GroupState.groupStatesForType` (AK 4.x) lists them, spelled as
 * the brokers report them (`GroupState.toString()`).
 */
export const GROUP_STATES_BY_TYPE: Readonly<Record<GroupType, readonly string[]>> = {
  classic: ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'],
  consumer: [
    'Empty',
    'PreparingRebalance',
    'CompletingRebalance',
    'Assigning',
    'Reconciling',
    'Stable',
    'Dead',
  ],
  share: ['Empty', 'Stable', 'Dead'],
  streams: ['Empty', 'NotReady', 'Assigning', 'Reconciling', 'Stable', 'Dead'],
};

/**
 * The states a group's `kafka_consumergroup_state` has series for, and which one is current.
 *
 * - The set is the states of the group's type; a group without a known type (a client limited to
 *   ListGroups < v5, i.e. a broker that only has classic groups) gets the classic states.
 * - The current state is matched case-insensitively (Kafka's `GroupState.parse` does the same) and
 *   reported in the set's spelling.
 * - A state outside the set (`Unknown` when neither the describe call nor ListGroups said, or a state a
 *   newer broker introduces) is appended to the set, so that exactly one series is always 1.
 *
 * @returns `states` in exposition order and `current`, an element of `states`.
 */
export function groupStateSet(
  type: GroupType | undefined,
  state: string,
): { states: readonly string[]; current: string } {
  const known = GROUP_STATES_BY_TYPE[type ?? 'classic'];
  const wanted = state.toLowerCase();
  const current = known.find((s) => s.toLowerCase() === wanted);
  return current === undefined ? { states: [...known, state], current: state } : { states: known, current };
}

/** Every time-lag method, in the order `kafka_consumergroup_time_lag_method` renders them. */
export const TIME_LAG_METHODS = ['exact', 'estimate'] as const satisfies readonly TimeLagMethod[];

// Compile-time check that TIME_LAG_METHODS lists every TimeLagMethod of src/analyze/types.ts.
const allTimeLagMethodsListed: Exclude<TimeLagMethod, (typeof TIME_LAG_METHODS)[number]> extends never
  ? true
  : false = true;
void allTimeLagMethodsListed;
