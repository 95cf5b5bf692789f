/** Files named by settings — TLS PEM files and the SASL password file — are read at load time. */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { failure, load } from './helpers.js';

const CA = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';
const CERT = '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lagwatch-files-'));
  await writeFile(join(dir, 'ca.pem'), CA);
  await writeFile(join(dir, 'cert.pem'), CERT);
  await writeFile(join(dir, 'key.pem'), KEY);
  await writeFile(join(dir, 'not-pem.txt'), 'hello\n');
  await writeFile(join(dir, 'password'), 's3cret\n');
  await writeFile(join(dir, 'crlf-password'), 's3cret \r\n');
  await writeFile(join(dir, 'empty-password'), '\n');
});

describe('TLS files', () => {
  it('are read into PEM contents', async () => {
    const [cluster] = (
      await load([
        '--tls.enabled',
        `--tls.ca-file=${join(dir, 'ca.pem')}`,
        `--tls.cert-file=${join(dir, 'cert.pem')}`,
        `--tls.key-file=${join(dir, 'key.pem')}`,
        '--tls.server-name=kafka.internal',
      ])
    ).clusters;
    expect(cluster?.tls).toEqual({
      ca: CA,
      cert: CERT,
      key: KEY,
      serverName: 'kafka.internal',
      insecureSkipVerify: false,
    });
  });

  it('are optional: TLS with system roots and no client certificate', async () => {
    const [cluster] = (await load(['--tls.enabled', '--tls.insecure-skip-tls-verify'])).clusters;
    expect(cluster?.tls).toEqual({ insecureSkipVerify: true });
  });

  it('name the setting and the path when unreadable', async () => {
    const missing = join(dir, 'missing.pem');
    const error = await failure(['--tls.enabled', `--tls.ca-file=${missing}`]);
    expect(error.field).toBe('--tls.ca-file');
    expect(error.message).toContain(missing);
    expect(error.message).toContain('ENOENT');
  });

  it('must be PEM', async () => {
    const error = await failure(['--tls.enabled', `--tls.ca-file=${join(dir, 'not-pem.txt')}`]);
    expect(error.message).toBe(
      `--tls.ca-file: '${join(dir, 'not-pem.txt')}' is not a PEM file (it has no -----BEGIN line)`,
    );
  });

  it('are not read when TLS is disabled, and a warning says they have no effect', async () => {
    const config = await load([`--tls.ca-file=${join(dir, 'missing.pem')}`]);
    expect(config.clusters[0]?.tls).toBeUndefined();
    expect(config.warnings).toEqual([
      '--tls.ca-file is set but TLS is not enabled (--tls.enabled), so it has no effect',
    ]);
  });

  it('are resolved against the config file directory when relative', async () => {
    const sub = join(dir, 'conf');
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, 'ca.pem'), CA);
    await writeFile(join(sub, 'lagwatch.yaml'), 'tls: {enabled: true, ca-file: ca.pem}\n');
    const [cluster] = (await load(['--config.file', join(sub, 'lagwatch.yaml')])).clusters;
    expect(cluster?.tls?.ca).toBe(CA);
  });

  it('in a cluster entry name the YAML path when unreadable', async () => {
    const file = join(dir, 'bad-tls.yaml');
    await writeFile(
      file,
      'clusters:\n  - brokers: [a:9092]\n    tls: {enabled: true, cert-file: /nope/c.pem, key-file: /nope/k.pem}\n',
    );
    const error = await failure(['--config.file', file]);
    expect(error.issues.map((i) => i.field)).toEqual([
      'clusters[0].tls.cert-file',
      'clusters[0].tls.key-file',
    ]);
    expect(error.issues[0]?.message).toContain('/nope/c.pem');
  });
});

describe('SASL password file', () => {
  const sasl = ['--sasl.enabled', '--sasl.username=u'];

  it('is read, without its trailing newline', async () => {
    const [cluster] = (await load([...sasl, `--sasl.password-file=${join(dir, 'password')}`])).clusters;
    expect(cluster?.sasl?.password).toBe('s3cret');
  });

  it('keeps other trailing whitespace, which may belong to the password', async () => {
    const [cluster] = (await load([...sasl, `--sasl.password-file=${join(dir, 'crlf-password')}`])).clusters;
    expect(cluster?.sasl?.password).toBe('s3cret ');
  });

  it('must not be empty', async () => {
    const error = await failure([...sasl, `--sasl.password-file=${join(dir, 'empty-password')}`]);
    expect(error.field).toBe('--sasl.password-file');
    expect(error.message).toContain('is empty');
  });

  it('names the setting and the path when unreadable', async () => {
    const error = await failure([...sasl, `--sasl.password-file=${join(dir, 'nope')}`]);
    expect(error.field).toBe('--sasl.password-file');
    expect(error.message).toContain(join(dir, 'nope'));
  });

  it('can be given per cluster in the config file', async () => {
    const file = join(dir, 'pw.yaml');
    await writeFile(
      file,
      [
        'sasl: {enabled: true, username: u}',
        'clusters:',
        '  - {brokers: [a:9092], sasl: {password-file: password}}',
        '  - {brokers: [b:9092], sasl: {password: inline}}',
      ].join('\n'),
    );
    const config = await load(['--config.file', file]);
    expect(config.clusters.map((c) => c.sasl?.password)).toEqual(['s3cret', 'inline']);
  });
});
