/**
 * The Topic dashboard: produce rate; partitions, leaders, in-sync replicas and under-replication; earliest
 * and latest offsets per partition; and the consumer groups reading the topic.
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
  queryVariable,
  thresholds,
  v,
  valueMappings,
  VAR,
} from './common.js';
import { row, stat, table, timeseries } from './panels.js';
import { consumeRate, groupStatusCode, groupStatusMappings, produceRate, RATE_INTERVAL } from './queries.js';

/** Builds the Topic dashboard for `config`. */
export function topicDashboard(config: GenerateConfig): Dashboard {
  const ctx = dashboardContext(config);
  const { p } = ctx;
  const cl = p.cluster;
  const topic = re(v(VAR.topic));
  const anyGroup = re('.+');
  const perPartition = ['topic', 'partition'];
  const partitionMax = (metric: string): string => `max ${p.by(...perPartition)} (${metric})`;
  const replicas = partitionMax(p.metric('kafka_topic_partition_replicas', { topic }));
  const leaders = p.metric('kafka_topic_partition_leader', { topic });
  const groupsOfTopic = `max ${p.by('consumergroup', 'topic')} (${p.metric('kafka_consumergroup_lag_sum', { topic })})`;
  /** A per-group value joined onto the group's rows for this topic (adds the `topic` label). */
  const onGroupRows = (perGroup: string): string =>
    `${groupsOfTopic} * 0 + ${p.on('consumergroup')} group_left ${perGroup}`;

  const builder = newDashboard(
    ctx,
    'topic',
    'One or more topics: produce rate, partitions and replicas, offsets, and the consumer groups reading them.',
  )
    .withVariable(clusterVariable(ctx))
    .withVariable(
      queryVariable(VAR.topic, {
        label: 'Topic',
        selector: p.metric('kafka_topic_partitions'),
        labelName: 'topic',
        multi: true,
        includeAll: false,
      }),
    )

    .withRow(row('Partitions'))
    .withPanel(
      stat({
        title: 'Partitions',
        description: 'Partitions of the selected topics.',
        unit: 'short',
        thresholds: neutralThresholds(),
        queries: [{ expr: `sum(max ${p.by('topic')} (${p.metric('kafka_topic_partitions', { topic })}))`, instant: true }],
        span: 4,
        height: 4,
      }),
    )
    .withPanel(
      stat(
        {
          title: 'Without leader',
          description: 'Offline partitions: no leader (LagwatchPartitionOffline).',
          unit: 'short',
          thresholds: badFromOne(),
          queries: [{ expr: `count(${replicas} unless ${p.on(...perPartition)} ${leaders}) or vector(0)`, instant: true }],
          span: 4,
          height: 4,
        },
        { background: true },
      ),
    )
    .withPanel(
      stat(
        {
          title: 'Under-replicated',
          description: 'Partitions with fewer in-sync replicas than replicas (LagwatchPartitionUnderReplicated).',
          unit: 'short',
          thresholds: badFromOne(),
          queries: [
            {
              expr: `sum(${partitionMax(p.metric('kafka_topic_partition_under_replicated_partition', { topic }))})`,
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
          title: 'Offline replicas',
          description: 'Replicas on an offline broker or log directory (LagwatchPartitionReplicasOffline).',
          unit: 'short',
          thresholds: badFromOne(),
          queries: [
            { expr: `sum(${partitionMax(p.metric('kafka_topic_partition_offline_replicas', { topic }))})`, instant: true },
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
          title: 'Leader not preferred',
          description:
            'Partitions whose leader is not their preferred (first) replica: load is unevenly spread until a preferred leader election.',
          unit: 'short',
          thresholds: thresholds(COLOR.ok, [1, COLOR.warn]),
          queries: [
            {
              expr: `count(${partitionMax(p.metric('kafka_topic_partition_leader_is_preferred', { topic }))} == 0) or vector(0)`,
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
      stat({
        title: 'Smallest ISR',
        description: 'The smallest number of in-sync replicas over the partitions.',
        unit: 'short',
        thresholds: thresholds(COLOR.bad, [2, COLOR.warn], [3, COLOR.ok]),
        queries: [
          { expr: `min(${partitionMax(p.metric('kafka_topic_partition_in_sync_replica', { topic }))})`, instant: true },
        ],
        span: 4,
        height: 4,
      }),
    )
    .withPanel(
      timeseries(
        {
          title: 'Leaders per broker',
          description: 'Partitions of the selected topics led by each broker.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `count_values ${p.by()} ("broker", max ${p.by(...perPartition)} (${leaders}))`,
              legend: 'broker {{broker}}',
            },
          ],
          span: 12,
          height: 8,
        },
        { stacked: true, axisLabel: 'partitions' },
      ),
    )
    .withPanel(
      timeseries(
        {
          title: 'In-sync replicas',
          description: 'Replicas and in-sync replicas summed over partitions, per topic; a gap is under-replication.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `sum ${p.by('topic')} (${replicas})`,
              legend: '{{topic}} replicas',
            },
            {
              expr: `sum ${p.by('topic')} (${partitionMax(p.metric('kafka_topic_partition_in_sync_replica', { topic }))})`,
              legend: '{{topic}} in sync',
            },
          ],
          span: 12,
          height: 8,
        },
        { axisLabel: 'replicas' },
      ),
    )

    .withRow(row('Throughput and offsets'))
    .withPanel(
      timeseries(
        {
          title: 'Produce rate',
          description: 'Offsets per second written to the topic: the rate of its partitions’ high watermarks.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [{ expr: produceRate(p, topic), legend: '{{topic}}' }],
          span: 12,
          height: 8,
        },
        { axisLabel: 'offsets/s' },
      ),
    )
    .withPanel(
      timeseries(
        {
          title: 'Produce rate per partition',
          description: 'Offsets per second written to each partition; an uneven spread means skewed keys.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `max ${p.by(...perPartition)} (rate(${p.metric('kafka_topic_partition_current_offset', { topic })}[${RATE_INTERVAL}]))`,
              legend: '{{topic}}/{{partition}}',
            },
          ],
          span: 12,
          height: 8,
        },
        { tableLegend: true, axisLabel: 'offsets/s' },
      ),
    )
    .withPanel(
      table(
        {
          title: 'Offsets and replicas per partition',
          description:
            'Per partition: log-start (earliest) and high-watermark (latest) offsets, offsets retained between them, leader, replicas, in-sync replicas, and under-replication.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            { expr: partitionMax(p.metric('kafka_topic_partition_oldest_offset', { topic })), table: true },
            { expr: partitionMax(p.metric('kafka_topic_partition_current_offset', { topic })), table: true },
            {
              expr: `${partitionMax(p.metric('kafka_topic_partition_current_offset', { topic }))} - ${partitionMax(p.metric('kafka_topic_partition_oldest_offset', { topic }))}`,
              table: true,
            },
            { expr: partitionMax(leaders), table: true },
            { expr: replicas, table: true },
            { expr: partitionMax(p.metric('kafka_topic_partition_in_sync_replica', { topic })), table: true },
            {
              expr: partitionMax(p.metric('kafka_topic_partition_under_replicated_partition', { topic })),
              table: true,
            },
          ],
          span: 24,
          height: 10,
        },
        {
          leading: [cl, 'topic', 'partition'],
          columns: [
            [cl, COLUMN.cluster],
            ['topic', COLUMN.topic],
            ['partition', COLUMN.partition],
            ['Value #A', 'Earliest offset'],
            ['Value #B', 'Latest offset'],
            ['Value #C', 'Retained offsets'],
            ['Value #D', 'Leader'],
            ['Value #E', 'Replicas'],
            ['Value #F', 'In sync'],
            ['Value #G', 'Under-replicated'],
          ],
        },
      )
        .overrideByName('Earliest offset', [props.unit('none')])
        .overrideByName('Latest offset', [props.unit('none')])
        .overrideByName('Leader', [props.unit('none')])
        .overrideByName('Under-replicated', [
          props.unit('none'),
          props.mappings(valueMappings([0, 'no', COLOR.ok], [1, 'yes', COLOR.bad])),
          props.cellColor('color-text'),
        ]),
    )

    .withRow(row('Consumer groups'))
    .withPanel(
      table(
        {
          title: 'Consumer groups',
          description:
            'Groups with committed offsets on the topic: lag in offsets and seconds, status and members. Click a group to open its dashboard.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            { expr: groupsOfTopic, table: true },
            {
              expr: `max ${p.by('consumergroup', 'topic')} (${p.metric('kafka_consumergroup_max_lag_seconds', { topic })})`,
              table: true,
            },
            { expr: onGroupRows(groupStatusCode(p, anyGroup)), table: true },
            {
              expr: onGroupRows(`max ${p.by('consumergroup')} (${p.metric('kafka_consumergroup_members')})`),
              table: true,
            },
          ],
          span: 24,
          height: 8,
        },
        {
          leading: [cl, 'consumergroup', 'topic'],
          columns: [
            [cl, COLUMN.cluster],
            ['consumergroup', COLUMN.group],
            ['topic', COLUMN.topic],
            ['Value #A', 'Lag (offsets)'],
            ['Value #B', 'Lag'],
            ['Value #C', 'Status'],
            ['Value #D', 'Members'],
          ],
          sortBy: 'Lag',
        },
      )
        .overrideByName(COLUMN.group, [groupLink(config)])
        .overrideByName('Lag', [props.unit('s'), props.thresholds(lagSecondsThresholds(config)), props.cellColor('color-text')])
        .overrideByName('Status', [props.unit('none'), props.mappings(groupStatusMappings()), props.cellColor('color-background')]),
    )
    .withPanel(
      timeseries(
        {
          title: 'Lag in seconds by group',
          description: 'Time lag of each group on the topic, worst partition.',
          unit: 's',
          thresholds: lagSecondsThresholds(config),
          queries: [
            {
              expr: `max ${p.by('consumergroup', 'topic')} (${p.metric('kafka_consumergroup_max_lag_seconds', { topic })})`,
              legend: '{{consumergroup}} {{topic}}',
            },
          ],
          span: 12,
          height: 8,
        },
        { tableLegend: true, thresholdLines: true },
      ),
    )
    .withPanel(
      timeseries(
        {
          title: 'Consume rate by group',
          description: 'Offsets per second committed by each group on the topic, next to the produce rate (dashed).',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            { expr: consumeRate(p, anyGroup, topic), legend: '{{consumergroup}} {{topic}}' },
            { expr: produceRate(p, topic), legend: '{{topic}} produced' },
          ],
          span: 12,
          height: 8,
        },
        { tableLegend: true, axisLabel: 'offsets/s' },
      ).overrideByQuery('B', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]),
    );

  return finishDashboard(builder);
}
