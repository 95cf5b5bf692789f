/** Environment variables and the precedence between sources: flags > environment > YAML file > defaults. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_OPTIONS, envName } from '../../../src/config/options.js';
import { load, useTempDir } from './helpers.js';

const tmp = useTempDir('lagwatch-env-');

describe('environment variables', () => {
  it('names every flag LAGWATCH_<FLAG> with dots and dashes as underscores', () => {
    expect(envName('poll.interval')).toBe('LAGWATCH_POLL_INTERVAL');
    expect(envName('web.listen-address')).toBe('LAGWATCH_WEB_LISTEN_ADDRESS');
    expect(envName('tls.insecure-skip-tls-verify')).toBe('LAGWATCH_TLS_INSECURE_SKIP_TLS_VERIFY');
    const names = ALL_OPTIONS.map((o) => envName(o.key));
    expect(new Set(names).size).toBe(names.length);
  });

  it('sets each kind of setting', async () => {
    const config = await load([], {
      LAGWATCH_KAFKA_SERVER: 'a:9092, b:9092',
      LAGWATCH_POLL_INTERVAL: '10s',
      LAGWATCH_TOPIC_INCLUDE_INTERNAL: 'true',
      LAGWATCH_KAFKA_LABELS: 'env=prod,dc=eu1',
      LAGWATCH_KAFKA_CLIENT: 'kafkajs',
      LAGWATCH_WEB_LISTEN_ADDRESS: '0.0.0.0:9400',
      LAGWATCH_LOG_FORMAT: 'json',
    });
    expect(config.web).toMatchObject({ host: '0.0.0.0', port: 9400 });
    expect(config.log.format).toBe('json');
    expect(config.clusters[0]).toMatchObject({
      brokers: ['a:9092', 'b:9092'],
      pollIntervalMs: 10_000,
      includeInternalTopics: true,
      labels: { env: 'prod', dc: 'eu1' },
      client: 'kafkajs',
    });
  });

  it('treats an empty variable as unset (an empty exclude regex would exclude everything)', async () => {
    const [cluster] = (await load([], { LAGWATCH_TOPIC_EXCLUDE: '' })).clusters;
    expect(cluster?.topicExclude.source).toBe('^$');
  });

  it('warns about LAGWATCH_ variables that are not settings, but not about Kubernetes service links', async () => {
    const config = await load([], {
      LAGWATCH_POLL_INTERVALL: '10s',
      LAGWATCH_SERVICE_HOST: '10.0.0.1',
      LAGWATCH_SERVICE_PORT_HTTP: '9308',
      LAGWATCH_PORT: 'tcp://10.0.0.1:9308',
      LAGWATCH_PORT_9308_TCP_ADDR: '10.0.0.1',
      LAGWATCH_VERSION: '1.0',
      PATH: '/usr/bin',
    });
    expect(config.warnings).toEqual([
      'LAGWATCH_POLL_INTERVALL is not a lagwatch setting and is ignored (see --help for the variable names)',
    ]);
  });

  it('warns about ignored kafka_exporter settings given as variables, naming the variable', async () => {
    const config = await load([], { LAGWATCH_KAFKA_VERSION: '2.0.0' });
    expect(config.warnings[0]).toMatch(/^LAGWATCH_KAFKA_VERSION is accepted for compatibility/);
  });
});

describe('precedence', () => {
  async function yamlFile(text: string): Promise<string> {
    const path = join(tmp.path, `p${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(path, text);
    return path;
  }

  it('flags > environment > file > defaults, setting by setting', async () => {
    const file = await yamlFile(
      [
        'poll: {interval: 40s, timeout: 4s}',
        'topic: {filter: file, exclude: file-ex}',
        'group: {filter: file}',
      ].join('\n'),
    );
    const config = await load(['--config.file', file, '--poll.interval=10s'], {
      LAGWATCH_POLL_INTERVAL: '20s',
      LAGWATCH_TOPIC_FILTER: 'env',
    });
    const [cluster] = config.clusters;
    expect(cluster?.pollIntervalMs).toBe(10_000); // flag over env and file
    expect(cluster?.topicFilter.source).toBe('env'); // env over file
    expect(cluster?.topicExclude.source).toBe('file-ex'); // file over default
    expect(cluster?.pollTimeoutMs).toBe(4000); // file
    expect(cluster?.groupExclude.source).toBe('^$'); // default
    expect(config.configFile).toBe(file);
  });

  it('takes the config file from LAGWATCH_CONFIG_FILE when no flag names one', async () => {
    const file = await yamlFile('log: {level: debug}');
    expect((await load([], { LAGWATCH_CONFIG_FILE: file })).log.level).toBe('debug');
  });

  it('replaces labels from a lower source as a whole (no per-key merge between sources)', async () => {
    const file = await yamlFile('kafka: {labels: {env: prod, dc: eu1}}');
    const [cluster] = (await load(['--config.file', file, '--kafka.labels=team=data'])).clusters;
    expect(cluster?.labels).toEqual({ team: 'data' });
  });

  it('applies precedence between a password and a password file like any other setting', async () => {
    const secret = join(tmp.path, 'secret');
    await writeFile(secret, 'from-file\n');
    const [cluster] = (
      await load(['--sasl.enabled', '--sasl.username=u', `--sasl.password-file=${secret}`], {
        LAGWATCH_SASL_PASSWORD: 'from-env',
      })
    ).clusters;
    expect(cluster?.sasl?.password).toBe('from-file');
  });

  it('lets --verbosity override a log level from a lower source', async () => {
    expect((await load(['--verbosity=1'], { LAGWATCH_LOG_LEVEL: 'warn' })).log.level).toBe('debug');
  });
});
