/**
 * The Overview dashboard: clusters, brokers, topics and partitions at a glance; consumer groups by status,
 * type and state; the worst-lagging groups in seconds and in offsets; and lagwatch's own health.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { GenerateConfig } from '../config.js';
import { re } from '../promql.js';
import {
  badFromOne,
  clusterVariable,
  COLOR,
  COLUMN,
  dashboardContext,
  finishDashboard,
  groupLink,
  lagSecondsThresholds,
  neutralThresholds,
  newDashboard,
  props,
  thresholds,
  valueMappings,
} from './common.js';
import { row, stat, table, timeseries } from './panels.js';

/** How many groups the "worst" tables and graphs show. */
const TOP = 10;

/** Builds the Overview dashboard for `config`. */
export function overviewDashboard(config: GenerateConfig): Dashboard {
  const ctx = dashboardContext(config);
  const { p } = ctx;
  const cl = p.cluster;
  const toGroup = groupLink(config);

  const leaderless = `count(max ${p.by('topic', 'partition')} (${p.metric('kafka_topic_partition_replicas')}) unless ${p.on('topic', 'partition')} ${p.metric('kafka_topic_partition_leader')}) or vector(0)`;
  // `at` is an optional `@` modifier: ` @ end()` evaluates at the end of the time range.
  const maxLagSeconds = (at = ''): string =>
    `max ${p.by('consumergroup')} (${p.metric('kafka_consumergroup_max_lag_seconds')}${at})`;
  const lagOffsets = (at = ''): string =>
    `sum ${p.by('consumergroup')} (max ${p.by('consumergroup', 'topic')} (${p.metric('kafka_consumergroup_lag_sum')}${at}))`;
  // The series of the groups that are in the top N at the end of the range, over the whole range (plain
  // topk in a range query picks a different top N at every step).
  const topAtEnd = (expr: (at?: string) => string): string =>
    `${expr()} and ${p.on('consumergroup')} topk(${TOP}, ${expr(' @ end()')})`;

  const builder = newDashboard(
    ctx,
    'overview',
    'Kafka clusters watched by lagwatch: brokers, topics, partitions, consumer groups and their lag, and the exporter’s health.',
  )
    .withVariable(clusterVariable(ctx))

    .withRow(row('Clusters'))
    .withPanel(
      stat({
        title: 'Clusters',
        description: 'Kafka clusters lagwatch has polled successfully (kafka_cluster_info).',
        unit: 'short',
        thresholds: neutralThresholds(),
        queries: [{ expr: `count(count ${p.by()} (${p.metric('kafka_cluster_info')}))`, instant: true }],
        span: 4,
        height: 4,
      }),
    )
    .withPanel(
      stat({
        title: 'Brokers',
        description: 'Brokers in the clusters’ metadata.',
        unit: 'short',
        thresholds: neutralThresholds(),
        queries: [{ expr: `sum(max ${p.by()} (${p.metric('kafka_brokers')}))`, instant: true }],
        span: 4,
        height: 4,
      }),
    )
    .withPanel(
      stat({
        title: 'Topics',
        description: 'Topics that pass lagwatch’s topic filters.',
        unit: 'short',
        thresholds: neutralThresholds(),
        queries: [{ expr: `count(max ${p.by('topic')} (${p.metric('kafka_topic_partitions')}))`, instant: true }],
        span: 4,
        height: 4,
      }),
    )
    .withPanel(
      stat({
        title: 'Partitions',
        description: 'Partitions of those topics.',
        unit: 'short',
        thresholds: neutralThresholds(),
        queries: [{ expr: `sum(max ${p.by('topic')} (${p.metric('kafka_topic_partitions')}))`, instant: true }],
        span: 4,
        height: 4,
      }),
    )
    .withPanel(
      stat(
        {
          title: 'Under-replicated partitions',
          description: 'Partitions with fewer in-sync replicas than replicas.',
          unit: 'short',
          thresholds: badFromOne(),
          queries: [
            {
              expr: `sum(max ${p.by('topic', 'partition')} (${p.metric('kafka_topic_partition_under_replicated_partition')}))`,
              instant: true,
            },
          ],
          span: 4,
          height: 4,
        },
        { background: true },
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Partitions without leader',
          description: 'Offline partitions: no leader, so nothing can be produced to or consumed from them.',
          unit: 'short',
          thresholds: badFromOne(),
          queries: [{ expr: leaderless, instant: true }],
          span: 4,
          height: 4,
        },
        { background: true },
      ),
    )

    .withRow(row('Consumer groups'))
    .withPanel(
      stat(
        {
          title: 'Groups by status',
          description:
            'Consumer groups by status (Burrow rules): OK; WARN = lag growing; ERR = a partition is stopped (no commits while lagging), stalled (commits without progress) or rewound.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `sum by (status) (max ${p.by('consumergroup', 'status')} (${p.metric('kafka_consumergroup_status')}))`,
              legend: '{{status}}',
              instant: true,
            },
          ],
          span: 8,
          height: 5,
        },
        { background: true },
      )
        .overrideByName('OK', [props.color(COLOR.ok)])
        .overrideByName('WARN', [props.color(COLOR.warn)])
        .overrideByName('ERR', [props.color(COLOR.bad)]),
    )
    .withPanel(
      stat({
        title: 'Groups by type',
        description:
          'Consumer groups by protocol type: classic, consumer (KIP-848), share, streams; unknown when the client could not read it.',
        unit: 'short',
        thresholds: neutralThresholds(),
        queries: [
          {
            expr: `count by (type) (label_replace(max ${p.by('consumergroup', 'type')} (${p.metric('kafka_consumergroup_info')}), "type", "unknown", "type", ""))`,
            legend: '{{type}}',
            instant: true,
          },
        ],
        span: 8,
        height: 5,
      }),
    )
    .withPanel(
      stat({
        title: 'Groups by state',
        description: 'Consumer groups by state as the coordinator reports it (Stable, Empty, rebalancing states, Dead).',
        unit: 'short',
        thresholds: neutralThresholds(),
        queries: [
          {
            expr: `count by (state) (max ${p.by('consumergroup', 'state')} (${p.metric('kafka_consumergroup_state')}) == 1)`,
            legend: '{{state}}',
            instant: true,
          },
        ],
        span: 8,
        height: 5,
      }),
    )
    .withPanel(
      timeseries(
        {
          title: 'Groups by status over time',
          description: 'Consumer groups in each status over time.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `sum by (status) (max ${p.by('consumergroup', 'status')} (${p.metric('kafka_consumergroup_status')}))`,
              legend: '{{status}}',
            },
          ],
          span: 12,
          height: 8,
        },
        { stacked: true },
      )
        .overrideByName('OK', [props.color(COLOR.ok)])
        .overrideByName('WARN', [props.color(COLOR.warn)])
        .overrideByName('ERR', [props.color(COLOR.bad)]),
    )
    .withPanel(
      table(
        {
          title: 'Groups not OK',
          description: 'Consumer groups whose status is WARN or ERR now. Click a group to open its dashboard.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `max ${p.by('consumergroup', 'status')} (${p.metric('kafka_consumergroup_status', { status: re('WARN|ERR') })}) == 1`,
              table: true,
            },
          ],
          span: 12,
          height: 8,
        },
        {
          hide: ['Value'],
          leading: [cl, 'consumergroup', 'status'],
          columns: [
            [cl, COLUMN.cluster],
            ['consumergroup', COLUMN.group],
            ['status', 'Status'],
          ],
        },
      )
        .overrideByName(COLUMN.group, [toGroup])
        .overrideByName('Status', [
          props.cellColor('color-text'),
          props.mappings(valueMappings(['WARN', 'WARN', COLOR.warn], ['ERR', 'ERR', COLOR.bad])),
        ]),
    )

    .withRow(row('Worst-lagging consumer groups'))
    .withPanel(
      table(
        {
          title: `Top ${TOP} groups by lag in seconds`,
          description:
            'Consumer groups with the largest time lag: the age of the oldest record they have not consumed, over all their partitions. Click a group to open its dashboard.',
          unit: 's',
          thresholds: lagSecondsThresholds(config),
          queries: [{ expr: `topk(${TOP}, ${maxLagSeconds()})`, table: true }],
          span: 12,
          height: 9,
        },
        {
          leading: [cl, 'consumergroup'],
          columns: [
            [cl, COLUMN.cluster],
            ['consumergroup', COLUMN.group],
            ['Value', 'Lag'],
          ],
          sortBy: 'Lag',
        },
      )
        .overrideByName(COLUMN.group, [toGroup])
        .overrideByName('Lag', [props.cellColor('color-text')]),
    )
    .withPanel(
      table(
        {
          title: `Top ${TOP} groups by lag in offsets`,
          description:
            'Consumer groups with the most offsets left to consume, summed over their topics and partitions. Click a group to open its dashboard.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [{ expr: `topk(${TOP}, ${lagOffsets()})`, table: true }],
          span: 12,
          height: 9,
        },
        {
          leading: [cl, 'consumergroup'],
          columns: [
            [cl, COLUMN.cluster],
            ['consumergroup', COLUMN.group],
            ['Value', 'Lag (offsets)'],
          ],
          sortBy: 'Lag (offsets)',
        },
      ).overrideByName(COLUMN.group, [toGroup]),
    )
    .withPanel(
      timeseries(
        {
          title: 'Lag in seconds, worst groups',
          description: `Time lag over time of the ${TOP} groups with the largest time lag at the end of the time range. Dashed lines: the alert thresholds.`,
          unit: 's',
          thresholds: lagSecondsThresholds(config),
          queries: [
            {
              expr: topAtEnd(maxLagSeconds),
              legend: `{{${cl}}} {{consumergroup}}`,
            },
          ],
          span: 12,
          height: 9,
        },
        { tableLegend: true, thresholdLines: true },
      ),
    )
    .withPanel(
      timeseries(
        {
          title: 'Lag in offsets, worst groups',
          description: `Offset lag over time of the ${TOP} groups with the largest offset lag at the end of the time range.`,
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: topAtEnd(lagOffsets),
              legend: `{{${cl}}} {{consumergroup}}`,
            },
          ],
          span: 12,
          height: 9,
        },
        { tableLegend: true, axisLabel: 'offsets' },
      ),
    )

    .withRow(row('Exporter'))
    .withPanel(
      stat(
        {
          title: 'Poll status',
          description: 'Whether lagwatch’s last poll of each cluster succeeded (lagwatch_up).',
          unit: 'none',
          thresholds: thresholds(COLOR.bad, [1, COLOR.ok]),
          queries: [{ expr: `min ${p.by()} (${p.metric('lagwatch_up')})`, legend: `{{${cl}}}`, instant: true }],
          mappings: valueMappings([0, 'failing', COLOR.bad], [1, 'OK', COLOR.ok]),
          span: 6,
          height: 4,
        },
        { background: true },
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Time since last successful poll',
          description: `Age of the data lagwatch serves for each cluster. LagwatchPollStale fires above ${config.thresholds.pollStaleSeconds} s.`,
          unit: 's',
          thresholds: thresholds(
            COLOR.ok,
            [config.thresholds.pollStaleSeconds / 2, COLOR.warn],
            [config.thresholds.pollStaleSeconds, COLOR.bad],
          ),
          queries: [
            {
              expr: `time() - max ${p.by()} (${p.metric('lagwatch_last_successful_poll_timestamp_seconds')})`,
              legend: `{{${cl}}}`,
              instant: true,
            },
          ],
          span: 6,
          height: 4,
        },
        { background: true },
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Poll errors in range',
          description:
            'Errors lagwatch met while polling in the selected time range (failed partitions, groups or steps); the Exporter dashboard breaks them down by kind.',
          unit: 'short',
          thresholds: badFromOne(),
          queries: [
            {
              expr: `sum ${p.by()} (increase(${p.metric('lagwatch_poll_errors_total')}[$__range]))`,
              legend: `{{${cl}}}`,
              instant: true,
            },
          ],
          span: 6,
          height: 4,
        },
        { background: true },
      ),
    )
    .withPanel(
      stat(
        {
          title: 'lagwatch targets up',
          description: 'lagwatch scrape targets Prometheus reaches (up), out of all lagwatch targets.',
          unit: 'short',
          thresholds: thresholds(COLOR.bad, [1, COLOR.ok]),
          queries: [
            { expr: `sum(${p.external('up')})`, legend: 'up', instant: true },
            { expr: `count(${p.external('up')})`, legend: 'targets', instant: true },
          ],
          span: 6,
          height: 4,
        },
        { background: true },
      ).overrideByName('targets', [props.color(COLOR.neutral)]),
    );

  return finishDashboard(builder);
}
