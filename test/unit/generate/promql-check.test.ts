import { beforeAll, describe, expect, it } from 'vitest';
import { EXTERNAL_METRICS } from '../../../src/generate/promql.js';
import { checkLabelValues, checkPromql, knownMetrics, substituteGrafana } from './promql-check.js';

describe('PromQL checks used on the generated dashboards and rules', () => {
  let known: Awaited<ReturnType<typeof knownMetrics>>;
  beforeAll(async () => {
    known = await knownMetrics();
  });

  it('know every external metric the generator may use', () => {
    for (const name of EXTERNAL_METRICS) expect(known.has(name), name).toBe(true);
  });

  it('substitute Grafana macros and variables', () => {
    expect(substituteGrafana('rate(x{a=~"$topic"}[$__rate_interval]) + increase(y[${__range}])')).toBe(
      'rate(x{a=~"topic_value"}[5m]) + increase(y[5m])',
    );
  });

  it('accept a valid query and list its metrics', () => {
    const report = checkPromql(
      'sum by (kafka_cluster) (rate(kafka_topic_partition_current_offset{job="x", topic=~"$topic"}[$__rate_interval])) or up',
      known,
    );
    expect(report).toEqual({
      syntaxErrors: [],
      metrics: ['kafka_topic_partition_current_offset', 'up'],
      problems: [],
    });
  });

  it('report syntax errors, including a macro left unsubstituted by mistake', () => {
    expect(checkPromql('sum(rate(kafka_consumergroup_lag[5m])', known).syntaxErrors).not.toEqual([]);
    expect(checkPromql('x / on (a) group_left (sum(y))', known).syntaxErrors).not.toEqual([]);
  });

  it('report unknown metrics, labels a metric does not have, nameless selectors and stray variables', () => {
    expect(checkPromql('kafka_consumergroup_lagg', known).problems).toEqual([
      'unknown metric kafka_consumergroup_lagg',
    ]);
    expect(checkPromql('kafka_brokers{topic="a"}', known).problems).toEqual([
      'kafka_brokers has no label topic',
    ]);
    expect(checkPromql('{__name__="kafka_brokers"}', known).problems[0]).toMatch(/without a metric name/);
    expect(checkPromql('kafka_brokers * $factor', known).problems).toEqual(['unknown metric factor_value']);
  });

  it('check label_values queries: selector, metric and label', () => {
    expect(
      checkLabelValues('label_values(kafka_consumergroup_info{job="x"}, consumergroup)', known).problems,
    ).toEqual([]);
    expect(checkLabelValues('label_values(kafka_brokers, topic)', known).problems).toEqual([
      'label_values: kafka_brokers has no label topic',
    ]);
    expect(checkLabelValues('label_values(kafka_nope, topic)', known).problems).toContain(
      'unknown metric kafka_nope',
    );
  });
});
