/**
 * The Consumer group dashboard: lag in seconds and in offsets over time, consume rate against produce rate,
 * time to catch up at the current rates, status and state timelines, members and their assignments, a
 * per-partition table, and retention risk.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { GenerateConfig } from '../config.js';
import { eq, re } from '../promql.js';
import {
  badFromOne,
  clusterVariable,
  COLOR,
  COLUMN,
  dashboardContext,
  finishDashboard,
  lagSecondsThresholds,
  neutralThresholds,
  newDashboard,
  props,
  queryVariable,
  thresholds,
  topicLink,
  v,
  valueMappings,
  VAR,
} from './common.js';
import { row, stateTimeline, statusHistory, table, timeseries } from './panels.js';
import {
  consumeRate,
  groupStateCode,
  groupStateMappings,
  groupStatusCode,
  groupStatusMappings,
  partitionStatusCode,
  partitionStatusMappings,
  produceRate,
} from './queries.js';

/** Builds the Consumer group dashboard for `config`. */
export function consumerGroupDashboard(config: GenerateConfig): Dashboard {
  const ctx = dashboardContext(config);
  const { p } = ctx;
  const cl = p.cluster;
  const group = re(v(VAR.group));
  const topic = re(v(VAR.topic));
  const perTopic = ['consumergroup', 'topic'];
  const perPartition = ['consumergroup', 'topic', 'partition'];
  const groupTopicLegend = '{{consumergroup}} {{topic}}';

  const lagOffsets = `max ${p.by(...perTopic)} (${p.metric('kafka_consumergroup_lag_sum', { consumergroup: group, topic })})`;
  const consumed = consumeRate(p, group, topic);
  const produced = produceRate(p, topic);
  const timeToCatchUp = [
    lagOffsets,
    `/`,
    `(`,
    `  (`,
    ...consumed.split('\n').map((line) => `    ${line}`),
    `    - ${p.on('topic')} group_left`,
    `    ${produced}`,
    `  )`,
    `  > 0`,
    `)`,
  ].join('\n');

  const builder = newDashboard(
    ctx,
    'consumerGroup',
    'One or more consumer groups: lag, consume and produce rates, status, members and partitions.',
  )
    .withVariable(clusterVariable(ctx))
    .withVariable(
      queryVariable(VAR.group, {
        label: 'Consumer group',
        selector: p.metric('kafka_consumergroup_info'),
        labelName: 'consumergroup',
        multi: true,
        includeAll: false,
      }),
    )
    .withVariable(
      queryVariable(VAR.topic, {
        label: 'Topic',
        description: 'Topics the selected groups have committed offsets on or are assigned.',
        selector: p.metric('kafka_consumergroup_uncommitted_partitions', { consumergroup: group }),
        labelName: 'topic',
        multi: true,
        includeAll: true,
      }),
    )

    .withRow(row('Lag'))
    .withPanel(
      timeseries(
        {
          title: 'Lag in seconds',
          description:
            'Time lag per topic: the age of the oldest record the group has not consumed, worst partition. Dashed lines: the LagwatchConsumerLagHigh and LagwatchConsumerLagCritical thresholds.',
          unit: 's',
          thresholds: lagSecondsThresholds(config),
          queries: [
            {
              expr: `max ${p.by(...perTopic)} (${p.metric('kafka_consumergroup_max_lag_seconds', { consumergroup: group, topic })})`,
              legend: groupTopicLegend,
            },
          ],
          span: 12,
          height: 8,
        },
        { thresholdLines: true },
      ),
    )
    .withPanel(
      timeseries(
        {
          title: 'Lag in offsets',
          description: 'Offset lag per topic, summed over partitions: offsets produced but not yet committed by the group.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [{ expr: lagOffsets, legend: groupTopicLegend }],
          span: 12,
          height: 8,
        },
        { axisLabel: 'offsets' },
      ),
    )
    .withPanel(
      timeseries(
        {
          title: 'Consume rate vs produce rate',
          description:
            'Offsets per second committed by the group (rate of its committed offsets) and written by producers (rate of the high watermarks), per topic. The group catches up while it consumes faster than producers write.',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            { expr: consumed, legend: '{{consumergroup}} {{topic}} consumed' },
            { expr: produced, legend: '{{topic}} produced' },
          ],
          span: 12,
          height: 8,
        },
        { axisLabel: 'offsets/s' },
      ).overrideByQuery('B', [{ id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } }]),
    )
    .withPanel(
      timeseries(
        {
          title: 'Time to catch up',
          description:
            'Offset lag divided by how much faster the group consumes than producers write, per topic. No value while the group is not gaining on its producers (it would never catch up at the current rates).',
          unit: 's',
          thresholds: lagSecondsThresholds(config),
          queries: [{ expr: timeToCatchUp, legend: groupTopicLegend }],
          span: 12,
          height: 8,
        },
        { thresholdLines: true },
      ),
    )

    .withRow(row('Status'))
    .withPanel(
      stateTimeline({
        title: 'Group status',
        description:
          'Status by Burrow’s rules: OK; WARN = lag growing; ERR = a partition is stopped, stalled or rewound (LagwatchConsumerGroupStatusError).',
        unit: 'none',
        thresholds: neutralThresholds(),
        mappings: groupStatusMappings(),
        queries: [{ expr: groupStatusCode(p, group), legend: '{{consumergroup}}' }],
        span: 12,
        height: 6,
      }),
    )
    .withPanel(
      stateTimeline({
        title: 'Group state',
        description:
          'State as the group coordinator reports it: Stable, Empty (no members), rebalancing states, Dead; Unknown when it could not be read.',
        unit: 'none',
        thresholds: neutralThresholds(),
        mappings: groupStateMappings(),
        queries: [{ expr: groupStateCode(p, group), legend: '{{consumergroup}}' }],
        span: 12,
        height: 6,
      }),
    )
    .withPanel(
      statusHistory({
        title: 'Partition status',
        description:
          'Status per partition: OK, WARN (lag growing), STOP (no commits while lagging), STALL (commits without progress), REWIND (committed offset moved back).',
        unit: 'none',
        thresholds: neutralThresholds(),
        mappings: partitionStatusMappings(),
        queries: [{ expr: partitionStatusCode(p, group, topic), legend: '{{consumergroup}} {{topic}}/{{partition}}' }],
        span: 24,
        height: 8,
      }),
    )

    .withRow(row('Members'))
    .withPanel(
      timeseries({
        title: 'Members',
        description: 'Members of the group. A group with lag and no members has no consumer running (LagwatchConsumerGroupWithoutMembers).',
        unit: 'short',
        thresholds: thresholds(COLOR.bad, [1, COLOR.ok]),
        queries: [
          {
            expr: `max ${p.by('consumergroup')} (${p.metric('kafka_consumergroup_members', { consumergroup: group })})`,
            legend: '{{consumergroup}}',
          },
        ],
        span: 8,
        height: 8,
      }),
    )
    .withPanel(
      table(
        {
          title: 'Assignments',
          description: 'Partitions assigned to each member now, per topic (kafka_consumergroup_member_assignment_info).',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `count by (${p.labels('consumergroup', 'member_id', 'client_id', 'client_host', 'group_instance_id', 'topic')}) (${p.metric('kafka_consumergroup_member_assignment_info', { consumergroup: group, topic })})`,
              table: true,
            },
          ],
          span: 16,
          height: 8,
        },
        {
          leading: [cl, 'consumergroup', 'client_id', 'client_host', 'member_id', 'group_instance_id', 'topic'],
          columns: [
            [cl, COLUMN.cluster],
            ['consumergroup', COLUMN.group],
            ['client_id', 'Client id'],
            ['client_host', 'Client host'],
            ['member_id', 'Member id'],
            ['group_instance_id', 'Group instance id'],
            ['topic', COLUMN.topic],
            ['Value', 'Partitions'],
          ],
        },
      ).overrideByName(COLUMN.topic, [topicLink(config)]),
    )

    .withRow(row('Partitions'))
    .withPanel(
      table(
        {
          title: 'Partitions',
          description:
            'Per partition: committed offset, high watermark, lag in offsets and seconds (and whether the time lag is exact or estimated), status, retention margin, offsets lost to retention, and the client it is assigned to. Needs per-partition group metrics (not --group.metrics.granularity=topic).',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `max ${p.by(...perPartition)} (${p.metric('kafka_consumergroup_current_offset', { consumergroup: group, topic })})`,
              table: true,
            },
            {
              expr: `max ${p.by(...perPartition)} (${p.metric('kafka_consumergroup_current_offset', { consumergroup: group, topic })}) * 0 + ${p.on('topic', 'partition')} group_left max ${p.by('topic', 'partition')} (${p.metric('kafka_topic_partition_current_offset', { topic })})`,
              table: true,
            },
            {
              expr: `max ${p.by(...perPartition)} (${p.metric('kafka_consumergroup_lag', { consumergroup: group, topic })})`,
              table: true,
            },
            {
              expr: `max ${p.by(...perPartition)} (${p.metric('kafka_consumergroup_lag_seconds', { consumergroup: group, topic })})`,
              table: true,
            },
            {
              expr: `max ${p.by(...perPartition)} (${p.metric('kafka_consumergroup_time_lag_method', { consumergroup: group, topic, method: eq('estimate') })})`,
              table: true,
            },
            { expr: partitionStatusCode(p, group, topic), table: true },
            {
              expr: `min ${p.by(...perPartition)} (${p.metric('kafka_consumergroup_retention_margin_seconds', { consumergroup: group, topic })})`,
              table: true,
            },
            {
              expr: `max ${p.by(...perPartition)} (${p.metric('kafka_consumergroup_lost_offsets', { consumergroup: group, topic })})`,
              table: true,
            },
            {
              expr: `max by (${p.labels(...perPartition, 'client_id')}) (${p.metric('kafka_consumergroup_member_assignment_info', { consumergroup: group, topic })})`,
              table: true,
            },
          ],
          span: 24,
          height: 10,
        },
        {
          hide: ['Value #I'],
          leading: [cl, 'consumergroup', 'topic', 'partition'],
          columns: [
            [cl, COLUMN.cluster],
            ['consumergroup', COLUMN.group],
            ['topic', COLUMN.topic],
            ['partition', COLUMN.partition],
            ['Value #A', 'Committed offset'],
            ['Value #B', 'High watermark'],
            ['Value #C', 'Lag (offsets)'],
            ['Value #D', 'Lag'],
            ['Value #E', 'Time lag method'],
            ['Value #F', 'Status'],
            ['Value #G', 'Retention margin'],
            ['Value #H', 'Lost offsets'],
            ['client_id', 'Client id'],
          ],
          sortBy: 'Lag',
        },
      )
        .overrideByName(COLUMN.topic, [topicLink(config)])
        .overrideByName('Committed offset', [props.unit('none')])
        .overrideByName('High watermark', [props.unit('none')])
        .overrideByName('Lag', [props.unit('s'), props.thresholds(lagSecondsThresholds(config)), props.cellColor('color-text')])
        .overrideByName('Time lag method', [
          props.unit('none'),
          props.mappings(valueMappings([0, 'exact', COLOR.neutral], [1, 'estimate', COLOR.warn])),
          props.cellColor('color-text'),
        ])
        .overrideByName('Status', [props.unit('none'), props.mappings(partitionStatusMappings()), props.cellColor('color-background')])
        .overrideByName('Retention margin', [props.unit('s')])
        .overrideByName('Lost offsets', [props.thresholds(badFromOne()), props.cellColor('color-text')]),
    )
    .withPanel(
      timeseries(
        {
          title: 'Retention margin',
          description:
            'Per topic, the smallest time between the oldest retained record and the group’s position: how much further retention can advance before it deletes records the group has not read.',
          unit: 's',
          thresholds: thresholds(COLOR.bad, [3600, COLOR.warn], [86_400, COLOR.ok]),
          queries: [
            {
              expr: `min ${p.by(...perTopic)} (${p.metric('kafka_consumergroup_min_retention_margin_seconds', { consumergroup: group, topic })})`,
              legend: groupTopicLegend,
            },
          ],
          span: 12,
          height: 8,
        },
        {},
      ),
    )
    .withPanel(
      timeseries(
        {
          title: 'Partitions needing attention',
          description:
            'Per topic: partitions without a committed offset, partitions whose committed offset is beyond the high watermark (lag reported as 0), partitions whose time lag is estimated, and partitions that lost records to retention before the group read them (LagwatchConsumerMessagesLost).',
          unit: 'short',
          thresholds: neutralThresholds(),
          queries: [
            {
              expr: `max ${p.by(...perTopic)} (${p.metric('kafka_consumergroup_uncommitted_partitions', { consumergroup: group, topic })})`,
              legend: '{{consumergroup}} {{topic}} without commit',
            },
            {
              expr: `max ${p.by(...perTopic)} (${p.metric('kafka_consumergroup_ahead_of_end_partitions', { consumergroup: group, topic })})`,
              legend: '{{consumergroup}} {{topic}} ahead of end',
            },
            {
              expr: `max ${p.by(...perTopic)} (${p.metric('kafka_consumergroup_time_lag_estimated_partitions', { consumergroup: group, topic })})`,
              legend: '{{consumergroup}} {{topic}} time lag estimated',
            },
            {
              expr: `max ${p.by(...perTopic)} (${p.metric('kafka_consumergroup_data_loss_partitions', { consumergroup: group, topic })})`,
              legend: '{{consumergroup}} {{topic}} data loss',
            },
          ],
          span: 12,
          height: 8,
        },
        { axisLabel: 'partitions' },
      ).overrideByQuery('D', [props.color(COLOR.bad)]),
    );

  return finishDashboard(builder);
}
