import { describe, expect, it } from 'vitest';
import {
  ALERT_NAMES,
  defaultGenerateConfig,
  GenerateConfigError,
  isPromqlDuration,
  resolveGenerateConfig,
  runbookUrl,
  splitMatchers,
  validateGenerateConfig,
} from '../../../src/generate/config.js';

/** The problems `resolveGenerateConfig` reports for `overrides`, or [] when it accepts them. */
function problemsOf(overrides: Parameters<typeof resolveGenerateConfig>[0]): readonly string[] {
  try {
    resolveGenerateConfig(overrides);
    return [];
  } catch (error) {
    if (error instanceof GenerateConfigError) return error.problems;
    throw error;
  }
}

describe('generate configuration', () => {
  it('has valid defaults with a for and a severity for every alert', () => {
    const config = defaultGenerateConfig();
    expect(validateGenerateConfig(config)).toEqual([]);
    expect(Object.keys(config.for).sort()).toEqual([...ALERT_NAMES].sort());
    expect(Object.keys(config.severities).sort()).toEqual([...ALERT_NAMES].sort());
  });

  it('merges overrides one level deep and ignores undefined fields', () => {
    const config = resolveGenerateConfig({
      thresholds: { lagSecondsWarning: 120, lagSecondsCritical: undefined },
      severities: { LagwatchConsumerLagHigh: 'critical' },
      prometheusRule: { labels: { release: 'kube-prometheus-stack' }, namespace: undefined },
      dashboards: { tags: ['kafka-lag'] },
    });
    expect(config.thresholds.lagSecondsWarning).toBe(120);
    expect(config.thresholds.lagSecondsCritical).toBe(900);
    expect(config.severities.LagwatchConsumerLagHigh).toBe('critical');
    expect(config.severities.LagwatchConsumerLagCritical).toBe('critical');
    expect(config.prometheusRule).toEqual({
      name: 'lagwatch',
      namespace: null,
      labels: { release: 'kube-prometheus-stack' },
    });
    expect(config.dashboards.tags).toEqual(['kafka-lag']);
    expect(config.dashboards.uidPrefix).toBe('lagwatch');
  });

  it('rejects an empty or malformed selector', () => {
    expect(problemsOf({ selector: '' })[0]).toMatch(/selector must not be empty/);
    expect(problemsOf({ selector: 'job=lagwatch' })[0]).toMatch(/not a label matcher/);
    expect(problemsOf({ selector: 'job="lagwatch", namespace=~"kafka-.*"' })).toEqual([]);
  });

  it('rejects thresholds out of range and a critical below the warning', () => {
    expect(problemsOf({ thresholds: { lagSecondsWarning: -1 } }).join()).toMatch(
      /lag seconds warning must be a positive/,
    );
    expect(problemsOf({ thresholds: { lagSecondsWarning: 1000 } }).join()).toMatch(/must not be below/);
    expect(problemsOf({ thresholds: { retentionMarginRatio: 1 } }).join()).toMatch(/between 0 and 1/);
    expect(problemsOf({ thresholds: { lagGrowingWindow: '0m' } }).join()).toMatch(/positive PromQL duration/);
  });

  it('rejects bad durations, severities and unknown alerts', () => {
    expect(problemsOf({ for: { LagwatchPollStale: '5 minutes' } }).join()).toMatch(
      /for of LagwatchPollStale/,
    );
    expect(problemsOf({ keepFiringFor: '1.5m' }).join()).toMatch(/keep firing for/);
    expect(problemsOf({ severities: { LagwatchPollStale: 'page' as 'critical' } }).join()).toMatch(
      /not one of critical/,
    );
    expect(problemsOf({ severities: { NoSuchAlert: 'info' } as never }).join()).toMatch(
      /unknown alert 'NoSuchAlert'/,
    );
  });

  it('rejects a runbook pattern without %s, bad Kubernetes metadata and a bad uid prefix', () => {
    expect(problemsOf({ runbookUrlPattern: 'https://example.org/runbooks' }).join()).toMatch(/%s/);
    expect(problemsOf({ prometheusRule: { name: 'Lagwatch Rules' } }).join()).toMatch(/Kubernetes name/);
    expect(problemsOf({ prometheusRule: { labels: { 'bad key!': 'x' } } }).join()).toMatch(/label key/);
    expect(problemsOf({ dashboards: { uidPrefix: 'a/b' } }).join()).toMatch(/uid prefix/);
    expect(problemsOf({ dashboards: { tags: [] } }).join()).toMatch(/tags/);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ selector: '', clusterLabel: 'kafka-cluster', runbookUrlPattern: 'x' })).toHaveLength(
      3,
    );
  });

  it('builds runbook URLs with the lower-cased alert name', () => {
    expect(runbookUrl('https://example.org/runbooks#%s', 'LagwatchConsumerLagHigh')).toBe(
      'https://example.org/runbooks#lagwatchconsumerlaghigh',
    );
  });

  it('recognises PromQL durations', () => {
    for (const ok of ['30s', '10m', '1h30m', '2d', '1w', '500ms', '0s'])
      expect(isPromqlDuration(ok)).toBe(true);
    for (const bad of ['', '10', '1.5h', '30m1h', '10 m', '-5m']) expect(isPromqlDuration(bad)).toBe(false);
  });

  it('splits selectors at commas outside quoted values', () => {
    expect(splitMatchers('job="a,b", ns=~"x\\",y" ,')).toEqual(['job="a,b"', 'ns=~"x\\",y"']);
    expect(splitMatchers('')).toEqual([]);
  });
});
