import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  alertRuleGroups,
  formatSeconds,
  GROUPED_ALERT_NAMES,
  type RuleGroup,
} from '../../../src/generate/alerts.js';
import {
  ALERT_NAMES,
  resolveGenerateConfig,
  SEVERITIES,
  isPromqlDuration,
} from '../../../src/generate/config.js';
import { renderPrometheusRule, renderRuleFile } from '../../../src/generate/rule-files.js';
import { checkPromql, knownMetrics } from './promql-check.js';

const config = resolveGenerateConfig();
const groups = alertRuleGroups(config);
const rules = groups.flatMap((g) => g.rules);

/** Labels alert descriptions may template: what the rules' aggregations keep. */
const DESCRIPTION_LABELS = new Set([
  config.clusterLabel,
  'consumergroup',
  'topic',
  'kind',
  'instance',
  'job',
]);

describe('alert rules', () => {
  let known: Awaited<ReturnType<typeof knownMetrics>>;
  beforeAll(async () => {
    known = await knownMetrics();
  });

  it('define every alert exactly once, in the documented order', () => {
    expect(GROUPED_ALERT_NAMES).toEqual(ALERT_NAMES);
    expect(rules.map((r) => r.alert)).toEqual([...ALERT_NAMES]);
  });

  it('use CamelCase names starting with Lagwatch', () => {
    for (const rule of rules) expect(rule.alert).toMatch(/^Lagwatch([A-Z][a-z]+)+$/);
  });

  it('parse as PromQL and select only known metrics, on labels those metrics have', () => {
    for (const rule of rules) {
      const report = checkPromql(rule.expr, known);
      expect(report.syntaxErrors, `${rule.alert}: ${rule.expr}`).toEqual([]);
      expect(report.problems, `${rule.alert}: ${rule.expr}`).toEqual([]);
      expect(report.metrics.length, rule.alert).toBeGreaterThan(0);
      expect(rule.expr, rule.alert).toContain('job="lagwatch"');
    }
  });

  it('carry severity, a static summary ending with a period, a templated description and a runbook URL', () => {
    for (const rule of rules) {
      expect(Object.keys(rule.labels)).toEqual(['severity']);
      expect(SEVERITIES).toContain(rule.labels.severity);
      const { summary, description, runbook_url } = rule.annotations;
      expect(summary, rule.alert).toMatch(/^[^{}$]+\.$/);
      expect(description, rule.alert).toMatch(/\.$/);
      expect(description, rule.alert).not.toBe(summary);
      expect(runbook_url).toBe(
        `https://github.com/lagwatch/lagwatch/blob/main/docs/runbooks.md#${rule.alert.toLowerCase()}`,
      );
      expect(isPromqlDuration(rule.for), rule.alert).toBe(true);
      expect(rule.keep_firing_for).toBeUndefined();
    }
  });

  it('template descriptions only with balanced actions on labels the expression keeps', () => {
    for (const rule of rules) {
      const { description } = rule.annotations;
      expect(description.split('{{').length, rule.alert).toBe(description.split('}}').length);
      for (const [, label] of description.matchAll(/\$labels\.(\w+)/g)) {
        expect(DESCRIPTION_LABELS, `${rule.alert}: $labels.${label ?? ''}`).toContain(label);
      }
      for (const [, action] of description.matchAll(/\{\{(.*?)\}\}/g)) {
        expect(action, rule.alert).toMatch(
          /^ (\$labels\.\w+|\$value( \| humanize(Duration|Percentage)?)?) $/,
        );
      }
    }
  });

  it('let every summary and description name the subject it alerts on', () => {
    for (const rule of rules.filter((r) => r.alert !== 'LagwatchExporterAbsent')) {
      expect(rule.annotations.description, rule.alert).toContain('{{');
    }
  });

  it('apply severity and for overrides, keep_firing_for, the runbook pattern and the selector', () => {
    const custom = alertRuleGroups(
      resolveGenerateConfig({
        selector: 'job="kafka-lag", namespace="kafka"',
        clusterLabel: 'cluster_name',
        severities: { LagwatchConsumerLagHigh: 'critical' },
        for: { LagwatchPollStale: '7m' },
        keepFiringFor: '5m',
        runbookUrlPattern: 'https://wiki.example.org/kafka/%s.html',
        thresholds: { lagSecondsWarning: 60, lagSecondsCritical: 120 },
      }),
    ).flatMap((g) => g.rules);
    const byName = new Map(custom.map((r) => [r.alert, r]));
    expect(byName.get('LagwatchConsumerLagHigh')?.labels.severity).toBe('critical');
    expect(byName.get('LagwatchConsumerLagHigh')?.expr).toBe(
      'max by (cluster_name, consumergroup, topic) (kafka_consumergroup_max_lag_seconds{job="kafka-lag", namespace="kafka"}) > 60',
    );
    expect(byName.get('LagwatchConsumerLagHigh')?.annotations.description).toContain(
      '{{ $labels.cluster_name }}',
    );
    expect(byName.get('LagwatchPollStale')?.for).toBe('7m');
    expect(byName.get('LagwatchExporterDown')?.expr).toBe('up{job="kafka-lag", namespace="kafka"} == 0');
    expect(byName.get('LagwatchPollErrors')?.annotations.runbook_url).toBe(
      'https://wiki.example.org/kafka/lagwatchpollerrors.html',
    );
    for (const rule of custom) expect(rule.keep_firing_for).toBe('5m');
  });

  it('alert on lag growth in seconds with a minimum slope, over a window where lag never reached 0', () => {
    const growing = rules.find((r) => r.alert === 'LagwatchConsumerLagGrowing');
    expect(growing?.expr).toContain('deriv(kafka_consumergroup_max_lag_seconds{job="lagwatch"}[30m]) > 0.1');
    expect(growing?.expr).toContain(
      'min_over_time(kafka_consumergroup_max_lag_seconds{job="lagwatch"}[30m]) > 0',
    );
  });

  it('treat the status state set as a state set', () => {
    const status = rules.find((r) => r.alert === 'LagwatchConsumerGroupStatusError');
    expect(status?.expr).toBe(
      'max by (kafka_cluster, consumergroup) (kafka_consumergroup_status{job="lagwatch", status="ERR"}) == 1',
    );
  });
});

describe('rule files', () => {
  const header = /^# Generated by `lagwatch generate`/;

  it('write a Prometheus rule file whose groups equal the typed groups', () => {
    const text = renderRuleFile(groups);
    expect(text).toMatch(header);
    const parsed = parse(text) as { groups: RuleGroup[] };
    expect(parsed).toEqual({ groups: JSON.parse(JSON.stringify(groups)) as RuleGroup[] });
  });

  it('write a PrometheusRule with the same groups and the configured metadata', () => {
    const meta = {
      name: 'lagwatch-rules',
      namespace: 'monitoring',
      labels: { release: 'kube-prometheus-stack' },
    };
    const parsed = parse(renderPrometheusRule(groups, meta)) as Record<string, unknown>;
    expect(parsed).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: meta,
      spec: { groups: JSON.parse(JSON.stringify(groups)) as RuleGroup[] },
    });
  });

  it('leave out an unset namespace and empty labels', () => {
    const parsed = parse(renderPrometheusRule(groups, config.prometheusRule)) as { metadata: unknown };
    expect(parsed.metadata).toEqual({ name: 'lagwatch' });
  });

  it('keep one-line expressions on one line and write multi-line ones as literal blocks', () => {
    const text = renderRuleFile(groups);
    expect(text).not.toMatch(/: >/);
    for (const rule of rules) {
      if (rule.expr.includes('\n'))
        expect(text).toContain(`expr: |-\n          ${rule.expr.split('\n')[0] ?? ''}`);
      else expect(text).toContain(`expr: ${rule.expr}\n`);
    }
  });
});

describe('runbooks', () => {
  const runbooks = readFileSync(new URL('../../../docs/runbooks.md', import.meta.url), 'utf8');
  const headings = [...runbooks.matchAll(/^## (Lagwatch\w+)$/gm)].map((m) => m[1]);

  it('have one section per alert, in rule order, whose anchor is the lower-cased alert name', () => {
    expect(headings).toEqual([...ALERT_NAMES]);
  });

  it('show how to check and what to do in every section', () => {
    const sections = runbooks.split(/^## /m).slice(1);
    for (const section of sections.filter((s) => s.startsWith('Lagwatch'))) {
      const name = section.split('\n')[0];
      expect(section, name).toMatch(/### Meaning/);
      expect(section, name).toMatch(/### Check/);
      expect(section, name).toMatch(/### Act/);
    }
  });
});

describe('formatSeconds', () => {
  it('formats thresholds compactly', () => {
    expect(formatSeconds(300)).toBe('5m');
    expect(formatSeconds(5400)).toBe('1h30m');
    expect(formatSeconds(45)).toBe('45s');
    expect(formatSeconds(90_061)).toBe('1d1h1m1s');
    expect(formatSeconds(0)).toBe('0s');
  });
});
