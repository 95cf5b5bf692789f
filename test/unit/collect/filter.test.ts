import { describe, expect, it } from 'vitest';
import { exportsGroup, exportsTopic, type ExportFilter } from '../../../src/collect/filter.js';

const defaults: ExportFilter = {
  topicFilter: /.*/,
  topicExclude: /^$/,
  groupFilter: /.*/,
  groupExclude: /^$/,
  includeInternalTopics: false,
};

describe('export filter', () => {
  it('exports every non-internal topic and every group with kafka_exporter defaults', () => {
    expect(exportsTopic(defaults, { name: 'orders', internal: false })).toBe(true);
    expect(exportsGroup(defaults, 'billing')).toBe(true);
  });

  it('excludes internal topics unless enabled', () => {
    expect(exportsTopic(defaults, { name: '__consumer_offsets', internal: true })).toBe(false);
    expect(
      exportsTopic(
        { ...defaults, includeInternalTopics: true },
        { name: '__consumer_offsets', internal: true },
      ),
    ).toBe(true);
  });

  it('matches unanchored like Go regexp.MatchString, and exclude wins over filter', () => {
    const f = {
      ...defaults,
      topicFilter: /order/,
      topicExclude: /-dlq$/,
      groupFilter: /^app-/,
      groupExclude: /test/,
    };
    expect(exportsTopic(f, { name: 'eu.orders.v1', internal: false })).toBe(true);
    expect(exportsTopic(f, { name: 'eu.orders-dlq', internal: false })).toBe(false);
    expect(exportsTopic(f, { name: 'payments', internal: false })).toBe(false);
    expect(exportsGroup(f, 'app-billing')).toBe(true);
    expect(exportsGroup(f, 'app-test')).toBe(false);
    expect(exportsGroup(f, 'billing-app-')).toBe(false);
  });

  it('gives the same answer on repeated calls with a global regex', () => {
    const f = { ...defaults, groupFilter: /app/g };
    expect([exportsGroup(f, 'app'), exportsGroup(f, 'app'), exportsGroup(f, 'app')]).toEqual([
      true,
      true,
      true,
    ]);
  });
});
