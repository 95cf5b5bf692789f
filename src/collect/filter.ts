/**
 * Which topics and groups a cluster exports: kafka_exporter's include/exclude regex pairs
 * (`--topic.filter`/`--topic.exclude`, `--group.filter`/`--group.exclude`), unanchored like Go's
 * `regexp.MatchString`, plus the internal-topic switch.
 */
import type { TopicMetadata } from '../kafka/port.js';

export interface ExportFilter {
  topicFilter: RegExp;
  topicExclude: RegExp;
  groupFilter: RegExp;
  groupExclude: RegExp;
  /** Export Kafka's internal topics (`__consumer_offsets`, …) too. Default false. */
  includeInternalTopics: boolean;
}

/** True when a name matches `include` and does not match `exclude` (both unanchored). */
function passes(name: string, include: RegExp, exclude: RegExp): boolean {
  return matches(include, name) && !matches(exclude, name);
}

/** RegExp.test without the `lastIndex` state a `g` or `y` flag would carry between calls. */
function matches(pattern: RegExp, name: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(name);
}

/** True when the topic is exported: not internal (unless enabled) and passing the topic regexes. */
export function exportsTopic(filter: ExportFilter, topic: Pick<TopicMetadata, 'name' | 'internal'>): boolean {
  if (topic.internal && !filter.includeInternalTopics) return false;
  return passes(topic.name, filter.topicFilter, filter.topicExclude);
}

/** True when the group passes the group regexes. */
export function exportsGroup(filter: ExportFilter, groupId: string): boolean {
  return passes(groupId, filter.groupFilter, filter.groupExclude);
}
