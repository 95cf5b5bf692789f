/** The YAML config file: nested keys, the clusters list and its inheritance, unknown keys. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../../src/config/index.js';
import { configError, useTempDir } from './helpers.js';

const tmp = useTempDir('lagwatch-file-');
const { yamlFile } = tmp;

async function loadFile(
  lines: string[],
  argv: string[] = [],
  env: Record<string, string> = {},
): Promise<Config> {
  const result = await loadConfig(['--config.file', await yamlFile(lines), ...argv], env);
  if ('help' in result || 'version' in result) throw new Error('expected a Config');
  return result;
}

async function fileFailure(
  lines: string[],
  argv: string[] = [],
): Promise<{ error: ConfigError; path: string }> {
  const path = await yamlFile(lines);
  const error = await configError(loadConfig(['--config.file', path, ...argv], {}));
  return { error, path };
}

describe('top-level keys', () => {
  it('mirror the flags in nested form and make one cluster', async () => {
    const config = await loadFile([
      'web:',
      '  listen-address: "127.0.0.1:9400"',
      '  telemetry-path: /m',
      'log: {level: warn, format: json}',
      'poll: {interval: 1m, timeout: 30s}',
      'kafka:',
      '  server: [a:9092, b:9092]',
      '  cluster-name: prod',
      '  client: kafkajs',
      '  request-timeout: 5s',
      '  labels: {env: prod}',
      'topic: {filter: "^orders", exclude: "-dlq$", include-internal: true}',
      'group: {filter: "^app-", exclude: "^console-"}',
    ]);
    expect(config.web).toEqual({
      listenAddress: '127.0.0.1:9400',
      host: '127.0.0.1',
      port: 9400,
      telemetryPath: '/m',
    });
    expect(config.log).toEqual({ level: 'warn', format: 'json' });
    expect(config.clusters).toHaveLength(1);
    expect(config.clusters[0]).toMatchObject({
      name: 'prod',
      brokers: ['a:9092', 'b:9092'],
      client: 'kafkajs',
      requestTimeoutMs: 5000,
      labels: { env: 'prod' },
      includeInternalTopics: true,
      pollIntervalMs: 60_000,
      pollTimeoutMs: 30_000,
    });
    expect(config.clusters[0]?.groupExclude.test('console-consumer-1')).toBe(true);
  });

  it('accepts an empty file and keys without values as unset', async () => {
    expect((await loadFile([''])).clusters[0]?.brokers).toEqual(['kafka:9092']);
    expect((await loadFile(['poll:', '  interval:'])).clusters[0]?.pollIntervalMs).toBe(30_000);
  });

  it('supports YAML merge keys, with anchors kept under top-level x- keys', async () => {
    const config = await loadFile([
      'x-defaults: &defaults {poll: {interval: 15s}}',
      'clusters:',
      '  - {<<: *defaults, brokers: [a:9092]}',
      '  - {<<: *defaults, brokers: [b:9092], name: b}',
    ]);
    expect(config.clusters.map((c) => c.pollIntervalMs)).toEqual([15_000, 15_000]);
  });
});

describe('clusters', () => {
  const shared = [
    'poll: {interval: 1m}',
    'kafka: {labels: {env: prod, team: data}, client: kafkajs}',
    'topic: {exclude: "^_"}',
    'sasl: {enabled: true, mechanism: scram-sha512, username: lagwatch, password: shared}',
  ];

  it('inherit every top-level setting they do not set themselves', async () => {
    const config = await loadFile([
      ...shared,
      'clusters:',
      '  - name: eu',
      '    brokers: [eu-1:9092]',
      '  - name: us',
      '    brokers: [us-1:9092, us-2:9092]',
      '    client: platformatic',
      '    poll: {interval: 10s, timeout: 5s}',
      '    topic: {exclude: "^$"}',
      '    sasl: {username: us-user}',
    ]);
    const [eu, us] = config.clusters;
    expect(eu).toMatchObject({
      name: 'eu',
      brokers: ['eu-1:9092'],
      client: 'kafkajs',
      pollIntervalMs: 60_000,
      pollTimeoutMs: 20_000,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'lagwatch', password: 'shared' },
    });
    expect(eu?.topicExclude.source).toBe('^_');
    expect(us).toMatchObject({
      name: 'us',
      brokers: ['us-1:9092', 'us-2:9092'],
      client: 'platformatic',
      pollIntervalMs: 10_000,
      pollTimeoutMs: 5000,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'us-user', password: 'shared' },
    });
    expect(us?.topicExclude.source).toBe('^$');
  });

  it('merge labels key by key with the inherited ones, the entry winning', async () => {
    const config = await loadFile([
      ...shared,
      'clusters:',
      '  - {brokers: [a:9092], labels: {team: payments, dc: eu1}}',
    ]);
    expect(config.clusters[0]?.labels).toEqual({ env: 'prod', team: 'payments', dc: 'eu1' });
  });

  it('inherit flags and environment variables too; their own settings win over them', async () => {
    const config = await loadFile(
      ['clusters:', '  - {brokers: [a:9092]}', '  - {brokers: [b:9092], poll: {interval: 2m}}'],
      ['--poll.interval=45s'],
    );
    expect(config.clusters.map((c) => c.pollIntervalMs)).toEqual([45_000, 120_000]);
  });

  it('need their own brokers: the default broker is not inherited', async () => {
    const { error, path } = await fileFailure(['clusters:', '  - name: eu']);
    expect(error.field).toBe('clusters[0].brokers');
    expect(error.message).toContain('required');
    expect(error.issues[0]?.where).toMatch(new RegExp(`^${path}:2:`));
  });

  it('cannot be combined with --kafka.server or a top-level kafka.server', async () => {
    const viaFlag = await fileFailure(['clusters:', '  - {brokers: [a:9092]}'], ['--kafka.server=b:9092']);
    expect(viaFlag.error.field).toBe('--kafka.server');
    expect(viaFlag.error.message).toContain('clusters list');
    const viaFile = await fileFailure(['kafka: {server: [b:9092]}', 'clusters:', '  - {brokers: [a:9092]}']);
    expect(viaFile.error.field).toBe('kafka.server');
  });

  it('name an inherited value where it was set, and the entry that inherited it', async () => {
    const { error } = await fileFailure(
      ['clusters:', '  - {brokers: [a:9092]}', '  - {brokers: [b:9092], poll: {interval: 10s}}'],
      ['--poll.timeout=15s'],
    );
    expect(error.message).toBe(
      '--poll.timeout: must not be longer than the poll interval (10s), got 15s (in clusters[1], which inherits it)',
    );
  });

  it('must have unique names', async () => {
    const { error } = await fileFailure([
      'clusters:',
      '  - {name: a, brokers: [a:9092]}',
      '  - {name: a, brokers: [b:9092]}',
    ]);
    expect(error.field).toBe('clusters[1].name');
    expect(error.message).toContain('also the name of clusters[0]');
  });

  it('must be a non-empty list of mappings', async () => {
    expect((await fileFailure(['clusters: []'])).error.field).toBe('clusters');
    expect((await fileFailure(['clusters: {brokers: [a:9092]}'])).error.field).toBe('clusters');
    expect((await fileFailure(['clusters: [a:9092]'])).error.field).toBe('clusters[0]');
  });
});

describe('errors name the YAML path', () => {
  it('rejects an unknown top-level key, listing the allowed ones', async () => {
    const { error, path } = await fileFailure(['pol: {interval: 10s}']);
    expect(error.field).toBe('pol');
    expect(error.message).toBe(
      `pol: unknown key (expected one of: kafka, topic, group, poll, lag, status, metrics, sasl, tls, web, log, clusters) (${path}:1:6)`,
    );
  });

  it('rejects an unknown nested key', async () => {
    const { error } = await fileFailure(['topic: {filtr: x}']);
    expect(error.field).toBe('topic.filtr');
    expect(error.message).toContain('expected one of: filter, exclude, include-internal');
  });

  it('rejects an unknown key in a cluster entry', async () => {
    const { error } = await fileFailure(['clusters:', '  - brokers: [a:9092]', '    poll: {intervall: 1m}']);
    expect(error.field).toBe('clusters[0].poll.intervall');
  });

  it('rejects flags that are not settings of the file (compatibility flags, config.file)', async () => {
    expect((await fileFailure(['kafka: {version: 2.0.0}'])).error.field).toBe('kafka.version');
    expect((await fileFailure(['verbosity: 1'])).error.field).toBe('verbosity');
  });

  it('rejects web or log settings inside a cluster entry', async () => {
    const { error } = await fileFailure(['clusters:', '  - {brokers: [a:9092], log: {level: debug}}']);
    expect(error.field).toBe('clusters[0].log');
  });

  it('reports every unknown key at once', async () => {
    const { error } = await fileFailure(['pol: 1', 'topic: {filtr: x}']);
    expect(error.issues.map((i) => i.field)).toEqual(['pol', 'topic.filtr']);
  });

  it('names a list element: clusters[1].brokers[0]', async () => {
    const { error, path } = await fileFailure([
      'clusters:',
      '  - brokers: [a:9092]',
      '  - brokers:',
      '      - kafka',
      '      - b:9092',
    ]);
    expect(error.field).toBe('clusters[1].brokers[0]');
    expect(error.message).toBe(
      `clusters[1].brokers[0]: expected host:port, got 'kafka' (the port is required, e.g. kafka:9092) (${path}:4:9)`,
    );
  });

  it('names a label: clusters[0].labels.topic', async () => {
    const { error } = await fileFailure(['clusters:', '  - {brokers: [a:9092], labels: {topic: x}}']);
    expect(error.field).toBe('clusters[0].labels.topic');
  });

  it('names a value of the wrong YAML type and says what it got', async () => {
    const { error } = await fileFailure(['poll: {interval: 30}']);
    expect(error.message).toContain(
      'poll.interval: expected a duration such as 30s, got number 30 (add a unit: 30s)',
    );
    const labels = await fileFailure(['kafka: {labels: {version: 1.5}}']);
    expect(labels.error.field).toBe('kafka.labels.version');
    expect(labels.error.message).toContain('quote it');
  });

  it('expects mappings where the structure has them', async () => {
    const { error } = await fileFailure(['poll: 30s']);
    expect(error.field).toBe('poll');
    expect(error.message).toContain('expected a mapping with keys interval, timeout');
    const root = await fileFailure(['- a']);
    expect(root.error.field).toBe('--config.file');
  });

  it('names the flag and position for invalid YAML', async () => {
    const { error, path } = await fileFailure(['poll: {interval: 10s', 'log: x']);
    expect(error.field).toBe('--config.file');
    expect(error.message).toContain('invalid YAML');
    expect(error.issues[0]?.where).toMatch(new RegExp(`^${path}:\\d+:\\d+$`));
  });

  it('rejects duplicate keys', async () => {
    const { error } = await fileFailure(['poll: {interval: 10s}', 'poll: {timeout: 5s}']);
    expect(error.message).toContain('invalid YAML');
  });

  it('names the setting that named an unreadable config file', async () => {
    const viaEnv = await loadConfig([], { LAGWATCH_CONFIG_FILE: join(tmp.path, 'missing.yaml') }).catch(
      (e: unknown) => e,
    );
    expect(viaEnv).toBeInstanceOf(ConfigError);
    expect((viaEnv as ConfigError).field).toBe('LAGWATCH_CONFIG_FILE');
    expect((viaEnv as ConfigError).message).toContain('missing.yaml');
  });
});
