/**
 * The alerting rules, as typed objects built from the configuration. Every metric is referenced through the
 * catalog (via {@link createPromql}); rule-files.ts serialises the groups to a Prometheus rule file and a
 * PrometheusRule manifest.
 *
 * Style (monitoring-mixin guide): CamelCase names starting with `Lagwatch`; labels `severity`; annotations
 * `summary` (static, ends with a period), `description` (templated) and `runbook_url`. Aggregations keep
 * the cluster label and the subject's labels (group, topic) and drop the scrape target's, so that several
 * lagwatch replicas watching one cluster raise one alert, not one per replica.
 */
import { runbookUrl, type AlertName, type GenerateConfig, type Severity } from './config.js';
import { createPromql, eq } from './promql.js';

/** One alerting rule as it appears in a rule file. */
export interface AlertingRule {
  readonly alert: AlertName;
  readonly expr: string;
  readonly for: string;
  readonly keep_firing_for?: string;
  readonly labels: { readonly severity: Severity };
  readonly annotations: {
    /** Static one-liner ending with a period: no template, so notifications group cleanly. */
    readonly summary: string;
    /** Templated details (`{{ $labels.x }}`, `{{ $value }}`). */
    readonly description: string;
    readonly runbook_url: string;
  };
}

/** One rule group, evaluated at Prometheus's global evaluation interval. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertingRule[];
}

/** What an alert says and checks; `for`, severity and runbook URL come from the configuration. */
interface AlertDefinition {
  readonly expr: string;
  readonly summary: string;
  readonly description: string;
}

/** Rule groups, each listing alerts by name in this order. Every alert of {@link ALERT_NAMES} is in one. */
const GROUPS: readonly { readonly name: string; readonly alerts: readonly AlertName[] }[] = [
  {
    name: 'lagwatch-consumer-groups',
    alerts: [
      'LagwatchConsumerLagHigh',
      'LagwatchConsumerLagCritical',
      'LagwatchConsumerLagGrowing',
      'LagwatchConsumerGroupStatusError',
      'LagwatchConsumerGroupWithoutMembers',
      'LagwatchConsumerMessagesLost',
      'LagwatchConsumerRetentionMarginLow',
    ],
  },
  {
    name: 'lagwatch-partitions',
    alerts: [
      'LagwatchPartitionOffline',
      'LagwatchPartitionReplicasOffline',
      'LagwatchPartitionUnderReplicated',
    ],
  },
  {
    name: 'lagwatch-exporter',
    alerts: [
      'LagwatchExporterDown',
      'LagwatchExporterAbsent',
      'LagwatchPollFailing',
      'LagwatchPollStale',
      'LagwatchPollErrors',
    ],
  },
];

/** Seconds as a short duration for texts: 300 → `5m`, 5400 → `1h30m`, 45 → `45s`. */
export function formatSeconds(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0 || parts.length === 0) parts.push(`${rest}s`);
  return parts.join('');
}

/** The definitions of every alert for `config`. */
function definitions(config: GenerateConfig): Record<AlertName, AlertDefinition> {
  const p = createPromql(config);
  const t = config.thresholds;
  const c = `{{ $labels.${p.cluster} }}`;
  const group = '{{ $labels.consumergroup }}';
  const topic = '{{ $labels.topic }}';
  const target = 'lagwatch at {{ $labels.instance }} (job {{ $labels.job }})';
  const maxLagSeconds = (comparison: string): string =>
    `max ${p.by('consumergroup', 'topic')} (${p.metric('kafka_consumergroup_max_lag_seconds')}) ${comparison}`;

  return {
    LagwatchConsumerLagHigh: {
      expr: maxLagSeconds(`> ${t.lagSecondsWarning}`),
      summary: 'Consumer group is falling behind.',
      description: `Consumer group ${group} is {{ $value | humanizeDuration }} behind on topic ${topic} in Kafka cluster ${c} (its oldest unconsumed record is that old; threshold ${formatSeconds(t.lagSecondsWarning)}).`,
    },
    LagwatchConsumerLagCritical: {
      expr: maxLagSeconds(`> ${t.lagSecondsCritical}`),
      summary: 'Consumer group is far behind.',
      description: `Consumer group ${group} is {{ $value | humanizeDuration }} behind on topic ${topic} in Kafka cluster ${c} (its oldest unconsumed record is that old; threshold ${formatSeconds(t.lagSecondsCritical)}).`,
    },
    LagwatchConsumerLagGrowing: {
      expr: [
        `max ${p.by('consumergroup', 'topic')} (`,
        `  deriv(${p.metric('kafka_consumergroup_max_lag_seconds')}[${t.lagGrowingWindow}]) > ${t.lagGrowingMinRate}`,
        `  and`,
        `  min_over_time(${p.metric('kafka_consumergroup_max_lag_seconds')}[${t.lagGrowingWindow}]) > 0`,
        `)`,
      ].join('\n'),
      summary: 'Consumer group lag keeps growing.',
      description: `The lag in seconds of consumer group ${group} on topic ${topic} in Kafka cluster ${c} has grown steadily over the last ${t.lagGrowingWindow}, by {{ $value | humanizePercentage }} of the elapsed time (100% means the group consumes nothing): it consumes more slowly than its producers write.`,
    },
    LagwatchConsumerGroupStatusError: {
      expr: `max ${p.by('consumergroup')} (${p.metric('kafka_consumergroup_status', { status: eq('ERR') })}) == 1`,
      summary: 'Consumer group is stopped, stalled or rewound.',
      description: `Consumer group ${group} in Kafka cluster ${c} has status ERR: on at least one partition it has stopped committing while lag remains (STOP), commits without making progress (STALL), or its committed offset moved backwards (REWIND). kafka_consumergroup_partition_status names the partitions.`,
    },
    LagwatchConsumerGroupWithoutMembers: {
      expr: [
        `sum ${p.by('consumergroup')} (max ${p.by('consumergroup', 'topic')} (${p.metric('kafka_consumergroup_lag_sum')})) > 0`,
        `and ${p.on('consumergroup')}`,
        `max ${p.by('consumergroup')} (${p.metric('kafka_consumergroup_members')}) == 0`,
      ].join('\n'),
      summary: 'Consumer group has lag but no members.',
      description: `Consumer group ${group} in Kafka cluster ${c} has no members while {{ $value | humanize }} offsets are left to consume: no consumer is running for it.`,
    },
    LagwatchConsumerMessagesLost: {
      expr: `max ${p.by('consumergroup', 'topic')} (${p.metric('kafka_consumergroup_data_loss_partitions')}) > 0`,
      summary: 'Retention deleted messages before the consumer group read them.',
      description: `On {{ $value }} partition(s) of topic ${topic} in Kafka cluster ${c}, the committed offset of consumer group ${group} is below the log-start offset: retention deleted records the group had not consumed. kafka_consumergroup_lost_offsets says how many offsets.`,
    },
    LagwatchConsumerRetentionMarginLow: {
      // Per partition: lag / (lag + margin) is the share of the retained time span not yet consumed; the
      // per-topic aggregates could pair one partition's lag with another's margin.
      expr: [
        `max ${p.by('consumergroup', 'topic')} (`,
        `  ${p.metric('kafka_consumergroup_lag_seconds')}`,
        `  /`,
        `  (${p.metric('kafka_consumergroup_lag_seconds')} + ${p.metric('kafka_consumergroup_retention_margin_seconds')})`,
        `)`,
        `> ${t.retentionMarginRatio}`,
      ].join('\n'),
      summary: 'Consumer group is close to losing messages to retention.',
      description: `Consumer group ${group} has not consumed {{ $value | humanizePercentage }} of the time span retained on a partition of topic ${topic} in Kafka cluster ${c}: unless it catches up, retention will delete records it has not read.`,
    },
    LagwatchPartitionOffline: {
      expr: [
        `count ${p.by('topic')} (`,
        `  max ${p.by('topic', 'partition')} (${p.metric('kafka_topic_partition_replicas')})`,
        `  unless ${p.on('topic', 'partition')}`,
        `  ${p.metric('kafka_topic_partition_leader')}`,
        `)`,
      ].join('\n'),
      summary: 'Partitions have no leader.',
      description: `{{ $value }} partition(s) of topic ${topic} in Kafka cluster ${c} have no leader: nothing can be produced to or consumed from them.`,
    },
    LagwatchPartitionReplicasOffline: {
      expr: `count ${p.by('topic')} (max ${p.by('topic', 'partition')} (${p.metric('kafka_topic_partition_offline_replicas')}) > 0)`,
      summary: 'Partitions have offline replicas.',
      description: `{{ $value }} partition(s) of topic ${topic} in Kafka cluster ${c} have replicas on an offline broker or log directory.`,
    },
    LagwatchPartitionUnderReplicated: {
      expr: `count ${p.by('topic')} (max ${p.by('topic', 'partition')} (${p.metric('kafka_topic_partition_under_replicated_partition')}) == 1)`,
      summary: 'Partitions are under-replicated.',
      description: `{{ $value }} partition(s) of topic ${topic} in Kafka cluster ${c} have fewer in-sync replicas than replicas.`,
    },
    LagwatchExporterDown: {
      expr: `${p.external('up')} == 0`,
      summary: 'lagwatch cannot be scraped.',
      description: `Prometheus has failed to scrape ${target} for ${config.for.LagwatchExporterDown}: consumer lag is not monitored.`,
    },
    LagwatchExporterAbsent: {
      expr: `absent(${p.external('up')})`,
      summary: 'Prometheus has no lagwatch target.',
      description: `No scrape target matches ${p.external('up')}: Prometheus is not scraping lagwatch at all, so consumer lag is not monitored.`,
    },
    LagwatchPollFailing: {
      expr: `${p.metric('lagwatch_up')} == 0`,
      summary: 'lagwatch cannot poll a Kafka cluster.',
      description: `The polls of Kafka cluster ${c} by ${target} have failed for ${config.for.LagwatchPollFailing}; it keeps serving the last successful poll's values. lagwatch_poll_errors_total and the lagwatch log say why.`,
    },
    LagwatchPollStale: {
      expr: `time() - ${p.metric('lagwatch_last_successful_poll_timestamp_seconds')} > ${t.pollStaleSeconds}`,
      summary: "lagwatch's data about a Kafka cluster is stale.",
      description: `The last successful poll of Kafka cluster ${c} by ${target} finished {{ $value | humanizeDuration }} ago: its lag values, and the alerts based on them, are out of date.`,
    },
    LagwatchPollErrors: {
      // max, not sum: two lagwatch replicas polling one cluster count its errors once.
      expr: `max ${p.by('kind')} (increase(${p.metric('lagwatch_poll_errors_total')}[${t.pollErrorsWindow}])) > 0`,
      summary: 'lagwatch polls are incomplete.',
      description: `lagwatch met {{ $value | humanize }} errors of kind {{ $labels.kind }} polling Kafka cluster ${c} in the last ${t.pollErrorsWindow}: the failed partitions or groups are missing from its metrics.`,
    },
  };
}

/** The rule groups for `config`, in a fixed order. */
export function alertRuleGroups(config: GenerateConfig): RuleGroup[] {
  const defs = definitions(config);
  return GROUPS.map((g) => ({
    name: g.name,
    rules: g.alerts.map((name): AlertingRule => {
      const d = defs[name];
      return {
        alert: name,
        expr: d.expr,
        for: config.for[name],
        ...(config.keepFiringFor === null ? {} : { keep_firing_for: config.keepFiringFor }),
        labels: { severity: config.severities[name] },
        annotations: {
          summary: d.summary,
          description: d.description,
          runbook_url: runbookUrl(config.runbookUrlPattern, name),
        },
      };
    }),
  }));
}

/** Every alert in rule-file order; the tests check that it equals {@link ALERT_NAMES} (each alert in one group). */
export const GROUPED_ALERT_NAMES: readonly AlertName[] = GROUPS.flatMap((g) => g.alerts);
