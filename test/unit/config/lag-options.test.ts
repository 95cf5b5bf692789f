/**
 * The lag-intelligence options: lag in seconds (`--lag.*`), status evaluation (`--status.*`) and what is
 * exported (`--group.metrics.granularity`, `--metrics.disable`, `--group.empty-max-age`), from every source,
 * per cluster, and their errors.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { kafkaMetrics } from '../../../src/metrics/catalog.js';
import { failure, load, useTempDir } from './helpers.js';

const { yamlFile } = useTempDir('lagwatch-lag-options-');

describe('defaults', () => {
  it('measure time lag exactly, evaluate status like Burrow, and export like kafka_exporter', async () => {
    const [cluster] = (await load([])).clusters;
    expect(cluster).toMatchObject({
      timeLagMode: 'exact',
      lagHistorySize: 60,
      statusWindow: 10,
      statusAllowedLag: 0n,
      statusMinDistanceMs: 0,
      groupMetricsGranularity: 'partition',
      disabledMetrics: [],
    });
    expect(cluster?.groupEmptyMaxAgeMs).toBeUndefined();
    expect(cluster && 'groupEmptyMaxAgeMs' in cluster).toBe(false);
  });
});

describe('flags', () => {
  it('set every option', async () => {
    const [cluster] = (
      await load([
        '--lag.time.mode=estimate',
        '--lag.history.size=120',
        '--status.window=15',
        '--status.allowed-lag=1',
        '--status.min-distance=1s',
        '--group.metrics.granularity=topic',
        '--metrics.disable=kafka_consumergroup_member_assignment_info',
        '--group.empty-max-age=24h',
      ])
    ).clusters;
    expect(cluster).toMatchObject({
      timeLagMode: 'estimate',
      lagHistorySize: 120,
      statusWindow: 15,
      statusAllowedLag: 1n,
      statusMinDistanceMs: 1000,
      groupMetricsGranularity: 'topic',
      disabledMetrics: ['kafka_consumergroup_member_assignment_info'],
      groupEmptyMaxAgeMs: 86_400_000,
    });
  });

  it('accept words in any case', async () => {
    const [cluster] = (await load(['--lag.time.mode=EXACT', '--group.metrics.granularity=Topic'])).clusters;
    expect(cluster).toMatchObject({ timeLagMode: 'exact', groupMetricsGranularity: 'topic' });
  });

  it('take --metrics.disable repeated and comma-separated, de-duplicated, in catalog order', async () => {
    const [cluster] = (
      await load([
        '--metrics.disable=kafka_consumergroup_partition_status, kafka_broker_info',
        '--metrics.disable',
        'kafka_consumergroup_time_lag_method,kafka_broker_info,',
      ])
    ).clusters;
    const order = kafkaMetrics.map((m) => m.name);
    expect(cluster?.disabledMetrics).toEqual(
      [
        'kafka_broker_info',
        'kafka_consumergroup_time_lag_method',
        'kafka_consumergroup_partition_status',
      ].sort((a, b) => order.indexOf(a) - order.indexOf(b)),
    );
  });

  it('keep allowed lag exact beyond 2^53', async () => {
    const [cluster] = (await load(['--status.allowed-lag=9007199254740993'])).clusters;
    expect(cluster?.statusAllowedLag).toBe(9_007_199_254_740_993n);
  });

  it('take 0 as "never" for --group.empty-max-age', async () => {
    const [cluster] = (await load(['--group.empty-max-age=0'])).clusters;
    expect(cluster?.groupEmptyMaxAgeMs).toBeUndefined();
  });

  it('accept durations longer than a Node.js timer for --group.empty-max-age (it is never waited for)', async () => {
    const [cluster] = (await load(['--group.empty-max-age=720h'])).clusters;
    expect(cluster?.groupEmptyMaxAgeMs).toBe(720 * 3_600_000);
  });

  it('are listed by --help with their defaults and variables', async () => {
    const result = await loadConfig(['--help'], {});
    const help = (result as { help: string }).help.replace(/\s+/g, ' '); // lines wrap anywhere
    expect(help).toContain('--lag.time.mode <mode>');
    expect(help).toContain('default: exact');
    expect(help).toContain('LAGWATCH_STATUS_ALLOWED_LAG');
    expect(help).toContain('--group.metrics.granularity <level>');
    expect(help).toContain('--metrics.disable <metric>');
    expect(help).toContain('--group.empty-max-age <duration>');
    expect(help).toContain('default: never');
  });
});

describe('environment variables', () => {
  it('set every option; the disabled metrics comma-separated', async () => {
    const [cluster] = (
      await load([], {
        LAGWATCH_LAG_TIME_MODE: 'estimate',
        LAGWATCH_LAG_HISTORY_SIZE: '30',
        LAGWATCH_STATUS_WINDOW: '20',
        LAGWATCH_STATUS_ALLOWED_LAG: '2',
        LAGWATCH_STATUS_MIN_DISTANCE: '500ms',
        LAGWATCH_GROUP_METRICS_GRANULARITY: 'topic',
        LAGWATCH_METRICS_DISABLE: 'kafka_consumergroup_state,kafka_consumergroup_status',
        LAGWATCH_GROUP_EMPTY_MAX_AGE: '1h',
      })
    ).clusters;
    expect(cluster).toMatchObject({
      timeLagMode: 'estimate',
      lagHistorySize: 30,
      statusWindow: 20,
      statusAllowedLag: 2n,
      statusMinDistanceMs: 500,
      groupMetricsGranularity: 'topic',
      disabledMetrics: ['kafka_consumergroup_state', 'kafka_consumergroup_status'],
      groupEmptyMaxAgeMs: 3_600_000,
    });
  });

  it('are overridden by flags', async () => {
    const [cluster] = (
      await load(['--status.window=5'], { LAGWATCH_STATUS_WINDOW: '20', LAGWATCH_LAG_TIME_MODE: 'estimate' })
    ).clusters;
    expect(cluster).toMatchObject({ statusWindow: 5, timeLagMode: 'estimate' });
  });
});

describe('the YAML file', () => {
  it('sets every option in nested form, numbers as YAML integers', async () => {
    const path = await yamlFile([
      'lag: {time: {mode: estimate}, history: {size: 90}}',
      'status: {window: 12, allowed-lag: 1, min-distance: 2s}',
      'group:',
      '  metrics: {granularity: topic}',
      '  empty-max-age: 168h',
      'metrics:',
      '  disable: [kafka_consumergroup_lag_seconds, kafka_consumergroup_time_lag_method]',
    ]);
    const [cluster] = (await load(['--config.file', path])).clusters;
    expect(cluster).toMatchObject({
      timeLagMode: 'estimate',
      lagHistorySize: 90,
      statusWindow: 12,
      statusAllowedLag: 1n,
      statusMinDistanceMs: 2000,
      groupMetricsGranularity: 'topic',
      disabledMetrics: ['kafka_consumergroup_lag_seconds', 'kafka_consumergroup_time_lag_method'],
      groupEmptyMaxAgeMs: 168 * 3_600_000,
    });
  });

  it('lets each cluster entry override the inherited settings, also back to "never" with 0', async () => {
    const path = await yamlFile([
      'status: {allowed-lag: 1}',
      'group: {metrics: {granularity: topic}, empty-max-age: 24h}',
      'metrics: {disable: [kafka_consumergroup_state]}',
      'clusters:',
      '  - name: big',
      '    brokers: [a:9092]',
      '  - name: small',
      '    brokers: [b:9092]',
      '    lag: {time: {mode: estimate}}',
      '    status: {window: 4, allowed-lag: 0}',
      '    group: {metrics: {granularity: partition}, empty-max-age: 0}',
      '    metrics: {disable: []}',
    ]);
    const [big, small] = (await load(['--config.file', path, '--lag.history.size=100'])).clusters;
    expect(big).toMatchObject({
      timeLagMode: 'exact',
      lagHistorySize: 100,
      statusWindow: 10,
      statusAllowedLag: 1n,
      groupMetricsGranularity: 'topic',
      disabledMetrics: ['kafka_consumergroup_state'],
      groupEmptyMaxAgeMs: 86_400_000,
    });
    expect(small).toMatchObject({
      timeLagMode: 'estimate',
      lagHistorySize: 100,
      statusWindow: 4,
      statusAllowedLag: 0n,
      groupMetricsGranularity: 'partition',
      disabledMetrics: [],
    });
    expect(small?.groupEmptyMaxAgeMs).toBeUndefined();
  });
});

describe('invalid values name the setting', () => {
  it.each([
    [['--lag.time.mode=fast'], "--lag.time.mode: expected exact or estimate, got 'fast'"],
    [['--lag.history.size=1'], "--lag.history.size: expected a whole number from 2 to 10000, got '1'"],
    [['--lag.history.size=60s'], "--lag.history.size: expected a whole number from 2 to 10000, got '60s'"],
    [['--status.window=0'], "--status.window: expected a whole number from 2 to 1000, got '0'"],
    [['--status.window=1001'], "--status.window: expected a whole number from 2 to 1000, got '1001'"],
    [['--status.window=2.5'], "--status.window: expected a whole number from 2 to 1000, got '2.5'"],
    [
      ['--status.allowed-lag=-1'],
      "--status.allowed-lag: expected a whole number of offsets, 0 or more, got '-1'",
    ],
    [
      ['--status.allowed-lag=1e3'],
      "--status.allowed-lag: expected a whole number of offsets, 0 or more, got '1e3'",
    ],
    [
      ['--status.allowed-lag=9223372036854775808'],
      "--status.allowed-lag: expected a whole number of offsets, 0 or more, got '9223372036854775808'",
    ],
    [
      ['--status.min-distance=1'],
      "--status.min-distance: expected a duration such as 30s, got '1' (missing unit)",
    ],
    [['--status.min-distance=-1s'], '--status.min-distance: expected a duration such as 30s'],
    [
      ['--group.metrics.granularity=group'],
      "--group.metrics.granularity: expected partition or topic, got 'group'",
    ],
    [
      ['--metrics.disable=kafka_consumergroup_lagg'],
      "--metrics.disable: unknown metric 'kafka_consumergroup_lagg' (did you mean kafka_consumergroup_lag?); expected a Kafka metric name from docs/metrics.md",
    ],
    [
      ['--metrics.disable=lag'],
      "--metrics.disable: unknown metric 'lag'; expected a Kafka metric name from docs/metrics.md",
    ],
    [
      ['--metrics.disable=lagwatch_up'],
      "--metrics.disable: 'lagwatch_up' is one of lagwatch's own metrics, which cannot be disabled",
    ],
    [
      ['--group.empty-max-age=7d'],
      "--group.empty-max-age: expected a duration such as 30s, got '7d' (unknown unit 'd')",
    ],
  ])('%j → %s', async (argv, expected) => {
    const error = await failure(argv);
    expect(error.message.startsWith(expected), error.message).toBe(true);
    expect(error.field).toBe(expected.split(':')[0]);
  });

  it('names the environment variable', async () => {
    const error = await failure([], { LAGWATCH_METRICS_DISABLE: 'kafka_brokers,kafka_broker' });
    expect(error.issues).toEqual([
      expect.objectContaining({
        field: 'LAGWATCH_METRICS_DISABLE',
        message: expect.stringContaining("unknown metric 'kafka_broker' (did you mean kafka_brokers?)"),
      }),
    ]);
  });

  it('names the element of a YAML list, with its line, in a cluster entry', async () => {
    const path = await yamlFile([
      'clusters:',
      '  - brokers: [a:9092]',
      '    metrics:',
      '      disable:',
      '        - kafka_consumergroup_lag',
      '        - kafka_consumergroup_lag_secs',
      '    status: {window: many}',
    ]);
    const error = await failure(['--config.file', path]);
    expect(error.issues.map((i) => [i.field, i.where])).toEqual([
      ['clusters[0].status.window', `${path}:7:22`],
      ['clusters[0].metrics.disable[1]', `${path}:6:11`],
    ]);
    expect(error.issues[1]?.message).toContain('did you mean kafka_consumergroup_lag_seconds?');
  });

  it('rejects a YAML number without a unit as a duration, with a hint', async () => {
    const path = await yamlFile(['status: {min-distance: 5}']);
    const error = await failure(['--config.file', path]);
    expect(error.field).toBe('status.min-distance');
    expect(error.message).toContain('(add a unit: 5s)');
  });

  it('rejects a mapping where the disabled metrics should be a list', async () => {
    const path = await yamlFile(['metrics: {disable: {kafka_brokers: true}}']);
    const error = await failure(['--config.file', path]);
    expect(error.field).toBe('metrics.disable');
    expect(error.message).toContain('expected a list of metric names');
  });
});
