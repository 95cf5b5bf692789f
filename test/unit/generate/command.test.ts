import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runGenerate, type GenerateIo } from '../../../src/generate/command.js';

/** Captures what runGenerate writes. */
function captureIo(): GenerateIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

describe('lagwatch generate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lagwatch-generate-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes four dashboards and two rule files and lists them', async () => {
    const io = captureIo();
    expect(await runGenerate(['--out', dir], io)).toBe(0);
    expect((await readdir(join(dir, 'dashboards'))).sort()).toEqual([
      'lagwatch-consumer-group.json',
      'lagwatch-exporter.json',
      'lagwatch-overview.json',
      'lagwatch-topic.json',
    ]);
    expect((await readdir(join(dir, 'alerts'))).sort()).toEqual([
      'lagwatch.prometheusrule.yaml',
      'lagwatch.rules.yaml',
    ]);
    expect(io.out.trim().split('\n')).toHaveLength(6);
    expect(io.err).toBe('');
  });

  it('applies flags to the rules, the PrometheusRule and the dashboards', async () => {
    const code = await runGenerate(
      [
        '--out',
        dir,
        '--selector',
        'job="kafka-lag"',
        '--lag-seconds-warning',
        '120',
        '--severity',
        'LagwatchConsumerLagHigh=critical',
        '--for',
        'LagwatchPollStale=7m',
        '--keep-firing-for',
        '5m',
        '--runbook-url-pattern',
        'https://wiki.example.org/%s',
        '--rule-label',
        'release=kube-prometheus-stack',
        '--rule-label',
        'team=data',
        '--rule-namespace',
        'monitoring',
        '--uid-prefix',
        'kl',
        '--tag',
        'kafka-lag',
      ],
      captureIo(),
    );
    expect(code).toBe(0);
    const manifest = parse(await readFile(join(dir, 'alerts/lagwatch.prometheusrule.yaml'), 'utf8')) as {
      metadata: unknown;
      spec: {
        groups: {
          rules: {
            alert: string;
            expr: string;
            for: string;
            keep_firing_for: string;
            labels: { severity: string };
            annotations: { runbook_url: string };
          }[];
        }[];
      };
    };
    expect(manifest.metadata).toEqual({
      name: 'lagwatch',
      namespace: 'monitoring',
      labels: { release: 'kube-prometheus-stack', team: 'data' },
    });
    const rules = new Map(manifest.spec.groups.flatMap((g) => g.rules).map((r) => [r.alert, r]));
    const high = rules.get('LagwatchConsumerLagHigh');
    expect(high?.labels.severity).toBe('critical');
    expect(high?.expr).toContain('{job="kafka-lag"}) > 120');
    expect(high?.keep_firing_for).toBe('5m');
    expect(high?.annotations.runbook_url).toBe('https://wiki.example.org/lagwatchconsumerlaghigh');
    expect(rules.get('LagwatchPollStale')?.for).toBe('7m');
    const overview = JSON.parse(await readFile(join(dir, 'dashboards/lagwatch-overview.json'), 'utf8')) as {
      uid: string;
      tags: string[];
    };
    expect(overview.uid).toBe('kl-overview');
    expect(overview.tags).toEqual(['kafka-lag']);
  });

  it('rejects invalid flags and configurations with exit code 2 and says why', async () => {
    const cases: [string[], RegExp][] = [
      [['--out', dir, '--severity', 'NoSuchAlert=critical'], /unknown alert 'NoSuchAlert'/],
      [['--out', dir, '--severity', 'LagwatchPollStale'], /is not key=value/],
      [['--out', dir, '--lag-seconds-warning', 'soon'], /'soon' is not a number/],
      [['--out', dir, '--selector', ''], /selector must not be empty/],
      [['--out', dir, '--for', 'LagwatchPollStale=5 minutes'], /not a PromQL duration/],
      [['--out', dir, '--no-such-flag'], /unknown option/],
      [[], /required option '--out <dir>'/],
    ];
    for (const [argv, message] of cases) {
      const io = captureIo();
      expect(await runGenerate(argv, io), argv.join(' ')).toBe(2);
      expect(io.err, argv.join(' ')).toMatch(message);
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('prints help with exit code 0', async () => {
    const io = captureIo();
    expect(await runGenerate(['--help'], io)).toBe(0);
    expect(io.out).toContain('--runbook-url-pattern <url>');
    expect(io.out).toContain('LagwatchConsumerLagHigh');
  });

  it('with --check, reports up-to-date files with 0 and changed or missing ones with 1', async () => {
    const io = captureIo();
    expect(await runGenerate(['--out', dir, '--check'], io)).toBe(1);
    expect(io.err).toContain('dashboards/lagwatch-overview.json is out of date');
    expect(await runGenerate(['--out', dir], captureIo())).toBe(0);
    expect(await runGenerate(['--out', dir, '--check'], captureIo())).toBe(0);
    await writeFile(join(dir, 'alerts/lagwatch.rules.yaml'), 'groups: []\n');
    const changed = captureIo();
    expect(await runGenerate(['--out', dir, '--check'], changed)).toBe(1);
    expect(changed.err).toContain('alerts/lagwatch.rules.yaml is out of date');
    expect(changed.err).not.toContain('dashboards/');
  });
});
