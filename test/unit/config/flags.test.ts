/**
 * kafka_exporter drop-in behaviour: its flag spellings, meanings and defaults, and the compatibility
 * flags lagwatch accepts but ignores.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { failure, load } from './helpers.js';

describe('defaults', () => {
  it("equal kafka_exporter's defaults with no flags", async () => {
    const config = await load([]);
    expect(config.web).toEqual({
      listenAddress: ':9308',
      host: undefined,
      port: 9308,
      telemetryPath: '/metrics',
    });
    expect(config.log).toEqual({ level: 'info', format: 'logfmt' });
    expect(config.clusters).toHaveLength(1);
    const [cluster] = config.clusters;
    expect(cluster?.brokers).toEqual(['kafka:9092']);
    expect(cluster?.topicFilter.source).toBe('.*');
    expect(cluster?.topicExclude.source).toBe('^$');
    expect(cluster?.groupFilter.source).toBe('.*');
    expect(cluster?.groupExclude.source).toBe('^$');
    expect(cluster?.labels).toEqual({});
    expect(cluster?.sasl).toBeUndefined();
    expect(cluster?.tls).toBeUndefined();
    expect(config.warnings).toEqual([]);
    expect(config.configFile).toBeUndefined();
  });

  it("has lagwatch's own defaults for its own settings", async () => {
    const [cluster] = (await load([])).clusters;
    expect(cluster).toMatchObject({
      client: 'platformatic',
      includeInternalTopics: false,
      pollIntervalMs: 30_000,
      pollTimeoutMs: 20_000,
      requestTimeoutMs: 10_000,
    });
    expect(cluster?.name).toBeUndefined();
  });

  it('shortens the default poll timeout to a shorter interval instead of failing', async () => {
    const [cluster] = (await load(['--poll.interval=5s'])).clusters;
    expect(cluster?.pollTimeoutMs).toBe(5000);
  });
});

describe('kafka_exporter flags', () => {
  it('accepts a Strimzi-style kafka_exporter command line unchanged', async () => {
    const config = await load([
      '--kafka.server=my-cluster-kafka-bootstrap:9091',
      '--web.listen-address=:9404',
      '--web.telemetry-path=/metrics',
      '--topic.filter=.*',
      '--topic.exclude=^__.*',
      '--group.filter=.*',
      '--group.exclude=^console-consumer-',
      '--kafka.labels=strimzi_cluster=my-cluster',
      '--verbosity=0',
      '--offset.show-all',
      '--kafka.version=3.9.0',
    ]);
    expect(config.web.port).toBe(9404);
    const [cluster] = config.clusters;
    expect(cluster?.brokers).toEqual(['my-cluster-kafka-bootstrap:9091']);
    expect(cluster?.topicExclude.test('__consumer_offsets')).toBe(true);
    expect(cluster?.groupExclude.test('console-consumer-123')).toBe(true);
    expect(cluster?.labels).toEqual({ strimzi_cluster: 'my-cluster' });
  });

  it('takes --flag value as well as --flag=value', async () => {
    const [cluster] = (await load(['--topic.filter', '^orders', '--poll.interval', '10s'])).clusters;
    expect(cluster?.topicFilter.source).toBe('^orders');
    expect(cluster?.pollIntervalMs).toBe(10_000);
  });

  it('takes a value that starts with a dash after a space', async () => {
    const [cluster] = (await load(['--topic.exclude', '-dlq$'])).clusters;
    expect(cluster?.topicExclude.test('orders-dlq')).toBe(true);
  });

  it('repeats --kafka.server, and also splits commas', async () => {
    const [cluster] = (
      await load(['--kafka.server=a:9092', '--kafka.server', 'b:9092', '--kafka.server=c:9092,d:9092'])
    ).clusters;
    expect(cluster?.brokers).toEqual(['a:9092', 'b:9092', 'c:9092', 'd:9092']);
  });

  it('replaces the default broker rather than adding to it', async () => {
    const [cluster] = (await load(['--kafka.server=a:9092'])).clusters;
    expect(cluster?.brokers).toEqual(['a:9092']);
  });

  it('reads --web.listen-address as [host]:port', async () => {
    expect((await load(['--web.listen-address=127.0.0.1:9400'])).web).toMatchObject({
      host: '127.0.0.1',
      port: 9400,
    });
    expect((await load(['--web.listen-address=[::1]:9400'])).web).toMatchObject({ host: '::1', port: 9400 });
    expect((await load(['--web.listen-address=:0'])).web).toMatchObject({ host: undefined, port: 0 });
  });

  it.each([
    [['--sasl.enabled'], true],
    [['--sasl.enabled=true'], true],
    [['--sasl.enabled=1'], true],
    [['--sasl.enabled', '--no-sasl.enabled'], false],
    [['--sasl.enabled=false'], false],
    [['--sasl.enabled=F'], false],
  ])('reads the boolean %j as %s', async (argv, enabled) => {
    const [cluster] = (await load([...argv, '--sasl.username=u', '--sasl.password=p'])).clusters;
    expect(cluster?.sasl !== undefined).toBe(enabled);
  });

  it.each([
    ['plain', 'PLAIN'],
    ['PLAIN', 'PLAIN'],
    ['scram-sha256', 'SCRAM-SHA-256'],
    ['scram-sha512', 'SCRAM-SHA-512'],
    ['SCRAM-SHA-256', 'SCRAM-SHA-256'],
    ['SCRAM-SHA-512', 'SCRAM-SHA-512'],
    ['sha256', 'SCRAM-SHA-256'],
    ['sha512', 'SCRAM-SHA-512'],
  ])('reads --sasl.mechanism=%s as %s', async (spelling, mechanism) => {
    const [cluster] = (
      await load(['--sasl.enabled', `--sasl.mechanism=${spelling}`, '--sasl.username=u', '--sasl.password=p'])
    ).clusters;
    expect(cluster?.sasl).toEqual({ mechanism, username: 'u', password: 'p' });
  });

  it('uses PLAIN when SASL is enabled without a mechanism (kafka_exporter exits instead)', async () => {
    const [cluster] = (await load(['--sasl.enabled', '--sasl.username=u', '--sasl.password=p'])).clusters;
    expect(cluster?.sasl?.mechanism).toBe('PLAIN');
  });

  it.each(['gssapi', 'awsiam', 'oauthbearer', 'OAUTHBEARER'])(
    'rejects --sasl.mechanism=%s as not supported yet, naming the flag',
    async (spelling) => {
      const error = await failure(['--sasl.enabled', `--sasl.mechanism=${spelling}`, '--sasl.username=u']);
      expect(error.field).toBe('--sasl.mechanism');
      expect(error.message).toContain('not supported yet');
    },
  );

  it('reads the SASL password from SASL_USER_PASSWORD, as kafka_exporter does', async () => {
    const [cluster] = (await load(['--sasl.enabled', '--sasl.username=u'], { SASL_USER_PASSWORD: 'secret' }))
      .clusters;
    expect(cluster?.sasl?.password).toBe('secret');
  });

  it('prefers --sasl.password over SASL_USER_PASSWORD', async () => {
    const [cluster] = (
      await load(['--sasl.enabled', '--sasl.username=u', '--sasl.password=flag'], {
        SASL_USER_PASSWORD: 'env',
      })
    ).clusters;
    expect(cluster?.sasl?.password).toBe('flag');
  });

  it.each([
    [['--verbosity=0'], 'info'],
    [['--verbosity=1'], 'debug'],
    [['--verbosity=2'], 'debug'],
    [['--verbosity=2', '--log.level=warn'], 'warn'],
    [['--log.level=error'], 'error'],
  ])('maps %j to log level %s', async (argv, level) => {
    expect((await load(argv)).log.level).toBe(level);
  });

  it('makes --log.level and --log.format work (no-ops in kafka_exporter)', async () => {
    expect((await load(['--log.level=debug', '--log.format=json'])).log).toEqual({
      level: 'debug',
      format: 'json',
    });
  });
});

describe('accepted-and-ignored kafka_exporter flags', () => {
  it.each([
    ['--kafka.version=2.0.0', 'negotiates API versions'],
    ['--kafka.allow-auto-topic-creation', 'never creates topics'],
    ['--refresh.metadata=1m', 'every poll'],
    ['--offset.show-all=false', '--offset.show-all=true'],
    ['--no-offset.show-all', '--offset.show-all=true'],
    ['--concurrent.enable', 'last background poll'],
    ['--topic.workers=10', 'batches'],
    ['--group.workers=10', 'batches'],
    ['--group.metrics.timeout=5m', '--poll.timeout'],
    ['--use.consumelag.zookeeper', 'ZooKeeper'],
    ['--zookeeper.server=zk:2181', 'ZooKeeper'],
    ['--log.enable-sarama', 'sarama'],
    ['--no-sasl.handshake', 'SaslHandshake'],
    ['--sasl.aws-region=eu-west-1', 'not support yet'],
    ['--server.tls.cert-file=/x', 'HTTPS'],
  ])('%s starts, with a warning that says why it is ignored', async (flag, why) => {
    const config = await load([flag]);
    const name = flag.split('=')[0]?.replace(/^--no-/, '--') ?? flag;
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toContain(name);
    expect(config.warnings[0]).toContain(why);
  });

  it('does not change any setting', async () => {
    const plain = await load([]);
    const withCompat = await load([
      '--kafka.version=2.0.0',
      '--group.metrics.timeout=5m',
      '--topic.workers=1',
    ]);
    expect(withCompat.clusters).toEqual(plain.clusters);
  });

  it('rejects --server.tls.enabled (HTTPS for /metrics is not implemented), naming the flag', async () => {
    const error = await failure(['--server.tls.enabled']);
    expect(error.field).toBe('--server.tls.enabled');
    expect(error.message).toContain('not supported yet');
    await expect(load(['--no-server.tls.enabled'])).resolves.toBeDefined();
  });
});

describe('command line', () => {
  it('returns help for -h and --help', async () => {
    for (const flag of ['-h', '--help']) {
      const result = await loadConfig([flag], {});
      expect(result).toHaveProperty('help');
      const help = (result as { help: string }).help;
      expect(help).toContain('--kafka.server <host:port>');
      expect(help).toContain('--[no-]tls.enabled');
      expect(help).toContain('LAGWATCH_POLL_INTERVAL');
    }
  });

  it('returns the version for --version', async () => {
    const result = await loadConfig(['--version'], {});
    expect(result).toEqual({ version: expect.stringMatching(/^lagwatch, version \d+\.\d+\.\d+/) as unknown });
  });

  it('rejects an unknown flag, naming it and suggesting the closest', async () => {
    const error = await failure(['--poll.intervall=10s']);
    expect(error.field).toBe('--poll.intervall');
    expect(error.message).toBe('--poll.intervall: unknown flag (did you mean --poll.interval?)');
  });

  it('rejects a flag without its value', async () => {
    const error = await failure(['--poll.interval']);
    expect(error.field).toBe('--poll.interval');
    expect(error.message).toContain('expected a value');
  });

  it('rejects positional arguments', async () => {
    const error = await failure(['kafka:9092']);
    expect(error.field).toBe('kafka:9092');
    expect(error.message).toContain('unexpected argument');
  });
});
