/**
 * The Exporter dashboard: lagwatch's own health. Poll status, age of the data, poll duration, errors by
 * kind, Kafka requests per poll and per API; scrape health, version, and process memory, CPU and event loop.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { GenerateConfig } from '../config.js';
import { createPromql, re } from '../promql.js';
import {
  clusterVariable,
  COLOR,
  dashboardContext,
  finishDashboard,
  neutralThresholds,
  newDashboard,
  queryVariable,
  thresholds,
  v,
  valueMappings,
  VAR,
} from './common.js';
import { row, stat, stateTimeline, table, timeseries } from './panels.js';
import { RATE_INTERVAL } from './queries.js';

/** Builds the Exporter dashboard for `config`. */
export function exporterDashboard(config: GenerateConfig): Dashboard {
  const ctx = dashboardContext(config);
  const { p } = ctx;
  const cl = p.cluster;
  const instance = { instance: re(v(VAR.instance)) };
  const stale = config.thresholds.pollStaleSeconds;
  const upMappings = valueMappings([0, 'failing', COLOR.bad], [1, 'OK', COLOR.ok]);
  const successfulPolls = `sum ${p.by()} (changes(${p.metric('lagwatch_last_successful_poll_timestamp_seconds', {}, instance)}[${RATE_INTERVAL}]))`;

  const builder = newDashboard(
    ctx,
    'exporter',
    'lagwatch’s own health: polls of each Kafka cluster, errors, Kafka requests, and the process.',
  )
    .withVariable(clusterVariable(ctx, 'self'))
    .withVariable(
      queryVariable(VAR.instance, {
        label: 'Instance',
        selector: createPromql(config).metric('lagwatch_build_info'),
        labelName: 'instance',
        multi: true,
        includeAll: true,
      }),
    )

    .withRow(row('Polls'))
    .withPanel(
      stateTimeline({
        title: 'Poll status',
        description: 'Whether the last poll of each cluster succeeded (lagwatch_up; LagwatchPollFailing).',
        unit: 'none',
        thresholds: thresholds(COLOR.bad, [1, COLOR.ok]),
        mappings: upMappings,
        queries: [
          { expr: `min by (${p.labels('instance')}) (${p.metric('lagwatch_up', {}, instance)})`, legend: `{{${cl}}} {{instance}}` },
        ],
        span: 12,
        height: 6,
      }),
    )
    .withPanel(
      timeseries(
        {
          title: 'Time since last successful poll',
          description: `Age of the data lagwatch serves for each cluster. Dashed line: LagwatchPollStale’s threshold (${stale} s).`,
          unit: 's',
          thresholds: thresholds(COLOR.ok, [stale, COLOR.bad]),
          queries: [
            {
              expr: `time() - max by (${p.labels('instance')}) (${p.metric('lagwatch_last_successful_poll_timestamp_seconds', {}, instance)})`,
              legend: `{{${cl}}} {{instance}}`,
            },
          ],
          span: 12,
          height: 6,
        },
        { thresholdLines: true },
      ),
    )
    .withPanel(
      timeseries({
        title: 'Poll duration',
        description: 'Duration of the last poll of each cluster, successful or not.',
        unit: 's',
        thresholds: neutralThresholds(),
        queries: [
          {
            expr: `max by (${p.labels('instance')}) (${p.metric('lagwatch_poll_duration_seconds', {}, instance)})`,
            legend: `{{${cl}}} {{instance}}`,
          },
        ],
        span: 12,
        height: 8,
      }),
    )
    .withPanel(
      timeseries(
        {
          title: 'Poll errors',
          description:
            'Errors per second by poll step: failed items (a partition’s offsets, a group’s offsets or description) and failed steps (LagwatchPollErrors).',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `sum ${p.by('kind')} (rate(${p.metric('lagwatch_poll_errors_total', {}, instance)}[${RATE_INTERVAL}])) > 0`,
              legend: `{{${cl}}} {{kind}}`,
            },
          ],
          span: 12,
          height: 8,
        },
        { axisLabel: 'errors/s' },
      ),
    )
    .withPanel(
      timeseries(
        {
          title: 'Kafka requests per poll',
          description:
            'Kafka requests per successful poll, by API: grows with brokers and group coordinators, not with partitions or groups. Counted over successful polls only, so failing polls inflate it.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `sum ${p.by('api')} (increase(${p.metric('lagwatch_kafka_requests_total', {}, instance)}[${RATE_INTERVAL}])) / ${p.on()} group_left () (${successfulPolls} > 0)`,
              legend: `{{${cl}}} {{api}}`,
            },
          ],
          span: 12,
          height: 8,
        },
        { stacked: true, axisLabel: 'requests/poll' },
      ),
    )
    .withPanel(
      timeseries(
        {
          title: 'Kafka requests per second',
          description: 'Kafka requests per second sent to each cluster, by API.',
          unit: 'reqps',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `sum ${p.by('api')} (rate(${p.metric('lagwatch_kafka_requests_total', {}, instance)}[${RATE_INTERVAL}]))`,
              legend: `{{${cl}}} {{api}}`,
            },
          ],
          span: 12,
          height: 8,
        },
        { stacked: true },
      ),
    )

    .withRow(row('Process'))
    .withPanel(
      table(
        {
          title: 'Versions',
          description: 'lagwatch version, source revision and Node.js version of each instance.',
          unit: 'none',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `max by (instance, version, revision, nodejs_version) (${p.metric('lagwatch_build_info', {}, instance)})`,
              table: true,
            },
          ],
          span: 12,
          height: 6,
        },
        {
          hide: ['Value'],
          leading: ['instance', 'version', 'revision', 'nodejs_version'],
          columns: [
            ['instance', 'Instance'],
            ['version', 'Version'],
            ['revision', 'Revision'],
            ['nodejs_version', 'Node.js'],
          ],
        },
      ),
    )
    .withPanel(
      stat({
        title: 'Uptime',
        description: 'Time since each lagwatch process started.',
        unit: 's',
        thresholds: thresholds(COLOR.warn, [600, COLOR.ok]),
        queries: [
          {
            expr: `time() - max by (instance) (${p.external('process_start_time_seconds', instance)})`,
            legend: '{{instance}}',
            instant: true,
          },
        ],
        span: 6,
        height: 6,
      }),
    )
    .withPanel(
      stat(
        {
          title: 'Scrape',
          description: 'Whether Prometheus reaches each lagwatch target (up) and how long the last scrape took.',
          unit: 's',
          thresholds: neutralThresholds(),
          queries: [
            { expr: p.external('scrape_duration_seconds', instance), legend: '{{instance}} scrape duration', instant: true },
            { expr: p.external('up', instance), legend: '{{instance}} up', instant: true },
          ],
          span: 6,
          height: 6,
        },
        { background: true },
      ).overrideByQuery('B', [
        { id: 'unit', value: 'none' },
        { id: 'mappings', value: valueMappings([0, 'down', COLOR.bad], [1, 'up', COLOR.ok]) },
        { id: 'thresholds', value: thresholds(COLOR.bad, [1, COLOR.ok]).build() },
      ]),
    )
    .withPanel(
      timeseries({
        title: 'Memory',
        description: 'Resident memory of the process, and the V8 heap used and allocated.',
        unit: 'bytes',
        thresholds: neutralThresholds(),
        queries: [
          { expr: p.external('process_resident_memory_bytes', instance), legend: '{{instance}} resident' },
          { expr: p.external('nodejs_heap_size_used_bytes', instance), legend: '{{instance}} heap used' },
          { expr: p.external('nodejs_heap_size_total_bytes', instance), legend: '{{instance}} heap total' },
        ],
        span: 8,
        height: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'CPU',
        description: 'CPU time used per second (1 = one core fully busy).',
        unit: 'percentunit',
        thresholds: neutralThresholds(),
        queries: [
          {
            expr: `rate(${p.external('process_cpu_seconds_total', instance)}[${RATE_INTERVAL}])`,
            legend: '{{instance}}',
          },
        ],
        span: 8,
        height: 8,
      }),
    )
    .withPanel(
      timeseries({
        title: 'Event loop lag',
        description: 'p99 of Node.js event-loop delay: high values delay polls and scrapes alike.',
        unit: 's',
        thresholds: thresholds(COLOR.ok, [0.1, COLOR.warn], [1, COLOR.bad]),
        queries: [{ expr: p.external('nodejs_eventloop_lag_p99_seconds', instance), legend: '{{instance}} p99' }],
        span: 8,
        height: 8,
      }),
    );

  return finishDashboard(builder);
}
