/**
 * Every kind of invalid value is a ConfigError that names the setting in the user's terms — the flag,
 * the environment variable or the YAML path — and says what was expected and what was given.
 */
import { describe, expect, it } from 'vitest';
import { failure, useTempDir } from './helpers.js';

const { yamlFile } = useTempDir('lagwatch-errors-');

describe('invalid values name the flag', () => {
  it.each([
    [['--poll.interval=abc'], "--poll.interval: expected a duration such as 30s, got 'abc'"],
    [['--poll.interval=30'], "--poll.interval: expected a duration such as 30s, got '30' (missing unit)"],
    [['--poll.interval=0s'], "--poll.interval: expected a duration greater than 0, got '0s'"],
    [['--poll.interval=1000h'], '--poll.interval: expected at most 596h31m23.647s'],
    [
      ['--poll.timeout=-1s'],
      "--poll.timeout: expected a duration such as 30s, got '-1s' (must not be negative)",
    ],
    [['--kafka.request-timeout=10'], '--kafka.request-timeout: expected a duration'],
    [
      ['--poll.interval=10s', '--poll.timeout=15s'],
      '--poll.timeout: must not be longer than the poll interval (10s), got 15s',
    ],
    [['--topic.filter=('], "--topic.filter: expected a regular expression, got '(': Unterminated group"],
    [['--topic.exclude=[a-'], '--topic.exclude: expected a regular expression'],
    [['--group.filter=*'], '--group.filter: expected a regular expression'],
    [['--group.exclude=(?U)x'], '--group.exclude: expected a regular expression'],
    [
      ['--kafka.server=kafka'],
      "--kafka.server: expected host:port, got 'kafka' (the port is required, e.g. kafka:9092)",
    ],
    [
      ['--kafka.server=PLAINTEXT://k:9092'],
      "--kafka.server: expected host:port, got 'PLAINTEXT://k:9092' (without a scheme such as PLAINTEXT://)",
    ],
    [['--kafka.server=k:70000'], "--kafka.server: expected host:port, got 'k:70000'"],
    [['--kafka.server=,'], '--kafka.server: expected at least one broker'],
    [['--kafka.labels=env'], "--kafka.labels: expected name=value pairs separated by commas, got 'env'"],
    [['--kafka.labels=my-label=x'], "--kafka.labels: 'my-label' is not a valid label name"],
    [['--kafka.labels=__x=1'], "--kafka.labels: '__x' starts with '__'"],
    [['--kafka.labels=kafka_cluster=a'], "--kafka.labels: 'kafka_cluster' is a label lagwatch already sets"],
    [['--kafka.labels=consumergroup=a'], "--kafka.labels: 'consumergroup' is a label lagwatch already sets"],
    [['--kafka.labels=env='], "--kafka.labels: label 'env' has an empty value"],
    [['--kafka.client=sarama'], "--kafka.client: expected platformatic or kafkajs, got 'sarama'"],
    [['--kafka.cluster-name= '], "--kafka.cluster-name: expected a cluster name, got ' '"],
    [['--log.level=trace'], "--log.level: expected debug, info, warn or error, got 'trace'"],
    [['--log.format=text'], "--log.format: expected logfmt or json, got 'text'"],
    [
      ['--web.listen-address=9308'],
      "--web.listen-address: expected [host]:port such as :9308 or 127.0.0.1:9308, got '9308'",
    ],
    [['--web.listen-address=:99999'], '--web.listen-address: expected [host]:port'],
    [
      ['--web.telemetry-path=metrics'],
      "--web.telemetry-path: expected a URL path starting with /, such as /metrics, got 'metrics'",
    ],
    [['--tls.enabled=yes'], "--tls.enabled: expected true or false, got 'yes'"],
    [['--verbosity=high'], "--verbosity: expected a whole number (0 = info, 1 or more = debug), got 'high'"],
    [
      ['--sasl.enabled', '--sasl.mechanism=md5', '--sasl.username=u', '--sasl.password=p'],
      "--sasl.mechanism: expected plain, scram-sha256 or scram-sha512, got 'md5'",
    ],
    [['--sasl.enabled', '--sasl.password=p'], '--sasl.username: required when SASL is enabled'],
    [['--sasl.enabled', '--sasl.username=u'], '--sasl.password: required when SASL is enabled'],
    [
      ['--sasl.password=p', '--sasl.password-file=/x'],
      '--sasl.password-file: give either --sasl.password or --sasl.password-file, not both',
    ],
    [['--tls.enabled', '--tls.cert-file=/c.pem'], '--tls.key-file: required with a client certificate'],
    [['--tls.enabled', '--tls.key-file=/k.pem'], '--tls.cert-file: required with a client key'],
    [['--config.file='], "--config.file: expected a file path, got ''"],
  ])('%j → %s', async (argv, expected) => {
    const error = await failure(argv);
    expect(error.message.startsWith(expected)).toBe(true);
    expect(error.field).toBe(expected.split(':')[0]);
  });

  it('validates leaves before relations: a bad interval does not also blame the timeout', async () => {
    const error = await failure(['--poll.interval=abc', '--poll.timeout=5s']);
    expect(error.issues.map((i) => i.field)).toEqual(['--poll.interval']);
  });

  it('reports every invalid value at once', async () => {
    const error = await failure(['--poll.interval=abc', '--topic.filter=(', '--log.level=loud']);
    expect(error.issues.map((i) => i.field).sort()).toEqual([
      '--log.level',
      '--poll.interval',
      '--topic.filter',
    ]);
    expect(error.message.split('\n')).toHaveLength(3);
  });
});

describe('invalid values name the environment variable', () => {
  it.each([
    [{ LAGWATCH_POLL_INTERVAL: 'abc' }, "LAGWATCH_POLL_INTERVAL: expected a duration such as 30s, got 'abc'"],
    [{ LAGWATCH_KAFKA_SERVER: 'a:9092,b' }, "LAGWATCH_KAFKA_SERVER: expected host:port, got 'b'"],
    [
      { LAGWATCH_TOPIC_INCLUDE_INTERNAL: 'maybe' },
      "LAGWATCH_TOPIC_INCLUDE_INTERNAL: expected true or false, got 'maybe'",
    ],
    [{ LAGWATCH_GROUP_FILTER: '(' }, "LAGWATCH_GROUP_FILTER: expected a regular expression, got '('"],
    [
      { LAGWATCH_KAFKA_LABELS: 'partition=1' },
      "LAGWATCH_KAFKA_LABELS: 'partition' is a label lagwatch already sets",
    ],
    [{ LAGWATCH_SERVER_TLS_ENABLED: 'true' }, 'LAGWATCH_SERVER_TLS_ENABLED: not supported yet'],
  ])('%j → %s', async (env, expected) => {
    const error = await failure([], env);
    expect(error.message.startsWith(expected)).toBe(true);
  });

  it('names the flag, not the variable, when a flag overrides a valid variable with an invalid value', async () => {
    const error = await failure(['--poll.interval=x'], { LAGWATCH_POLL_INTERVAL: '10s' });
    expect(error.field).toBe('--poll.interval');
  });

  it('names the setting the user gave, even when the problem is the relation to another one', async () => {
    const error = await failure([], { LAGWATCH_POLL_INTERVAL: '10s', LAGWATCH_POLL_TIMEOUT: '20s' });
    expect(error.field).toBe('LAGWATCH_POLL_TIMEOUT');
  });
});

describe('invalid values name the YAML path', () => {
  it.each([
    ['poll: {interval: abc}', 'poll.interval', "expected a duration such as 30s, got 'abc'"],
    ['kafka: {server: [a:9092, 12]}', 'kafka.server[1]', 'expected host:port, got number 12'],
    ['topic: {filter: "("}', 'topic.filter', 'expected a regular expression'],
    ['tls: {enabled: "yes"}', 'tls.enabled', "expected true or false, got 'yes'"],
    ['kafka: {labels: "env=prod"}', 'kafka.labels', 'expected a mapping of label names to values'],
    [
      'clusters: [{brokers: [a:9092], sasl: {enabled: true, mechanism: oauthbearer, username: u, password: p}}]',
      'clusters[0].sasl.mechanism',
      'not supported yet',
    ],
    [
      'clusters: [{brokers: [a:9092], poll: {timeout: 1m}}]',
      'clusters[0].poll.timeout',
      'must not be longer than the poll interval (30s), got 1m',
    ],
    [
      'clusters: [{brokers: [a:9092], sasl: {enabled: true, password: p}}]',
      'clusters[0].sasl.username',
      'required when SASL is enabled',
    ],
  ])('%s → %s', async (yaml, field, expected) => {
    const path = await yamlFile([yaml]);
    const error = await failure(['--config.file', path]);
    expect(error.field).toBe(field);
    expect(error.issues[0]?.message).toContain(expected);
    expect(error.issues[0]?.where).toMatch(new RegExp(`^${path}:1:\\d+$`));
  });
});
