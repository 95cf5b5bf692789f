/**
 * The generated alert rules and dashboards on a live Prometheus and Alertmanager.
 *
 * One setup for both (a broker start is the slow part): a real Kafka broker with a workload, lagwatch
 * in-process polling every 2 s, Prometheus (scrape and evaluation every 1 s) with the generator's rule file
 * rendered with test thresholds, Alertmanager routing everything to a webhook receiver inside the test.
 *
 * Scenario (the tests run in this order and build on each other):
 * - `billing` stopped with messages left: commits below the high watermark on `orders`, no members. It
 *   raises LagwatchConsumerGroupWithoutMembers, LagwatchConsumerLagHigh and (status STOP)
 *   LagwatchConsumerGroupStatusError; then it catches up in steps (commits up to the high watermark) and
 *   all three resolve.
 * - `shipping` is busy and caught up, with a live member (assignments, state Stable): it raises nothing.
 * - `audit` stopped too and stays behind, with its records retained (retention margin in seconds).
 * - `archive` committed below the log-start offset of `payments` after DeleteRecords: messages lost.
 * - `unreachable` is a second configured cluster with no broker: its polls fail (poll status, poll errors).
 * Then every target of every dashboard panel is run through the Prometheus HTTP API with the dashboard's
 * variables set to the scenario's values, and must return data.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config/index.js';
import { startExporter, type Exporter } from '../../src/exporter.js';
import { alertRuleGroups } from '../../src/generate/alerts.js';
import { ALERT_NAMES, resolveGenerateConfig } from '../../src/generate/config.js';
import { renderRuleFile } from '../../src/generate/rule-files.js';
import { pickFreePorts } from '../support/broker-config.js';
import { startKafka, type KafkaTestCluster } from '../support/broker.js';
import { REPO_ROOT } from '../support/kafka-jars.js';
import {
  reapOrphanedMonitoring,
  startAlertmanager,
  startPrometheus,
  type AlertmanagerServer,
  type PrometheusServer,
  type QueryData,
} from '../support/prometheus.js';
import { startWebhookReceiver, type WebhookAlert, type WebhookReceiver } from '../support/webhook.js';
import { createWorkload, waitFor, type GroupMember, type Workload } from '../support/workload.js';
import {
  builtins,
  interpolate,
  loadDashboards,
  parseLabelValues,
  type LoadedDashboard,
  type PanelTarget,
} from './dashboard-queries.js';

/** The `kafka_cluster` label of the scenario's cluster, and of the configured cluster without a broker. */
const CLUSTER = 'e2e';
const UNREACHABLE = 'unreachable';
/** Records per partition of `orders` (3 partitions) and `payments` (1 partition). */
const ORDERS_RECORDS = 20;
const PAYMENTS_RECORDS = 10;
/** Where `billing` stopped on every partition of `orders`. */
const BILLING_STOPPED_AT = 5n;
/** Lag in seconds above which the test rules' LagwatchConsumerLagHigh fires. */
const LAG_SECONDS_WARNING = 3;
/** Grafana's `$__interval` (the range-query step) and `$__rate_interval` for 1 s scrapes, seconds. */
const STEP_SECONDS = 2;
const RATE_INTERVAL_SECONDS = 10;
/** Deadline of each wait for a notification: group_wait + evaluation + `for` + poll, with slack for CI. */
const NOTIFY_TIMEOUT_MS = 90_000;
/** Timeout of the tests that wait for notifications or run every dashboard query. */
const TEST_TIMEOUT_MS = 240_000;

let kafka: KafkaTestCluster;
let workload: Workload;
let member: GroupMember;
let exporter: Exporter;
let hook: WebhookReceiver;
let alertmanager: AlertmanagerServer;
let prometheus: PrometheusServer;
let dir: string;
/** Unix seconds when Prometheus started: the start of the dashboards' time range. */
let scenarioStart: number;

/**
 * The generator's rules with thresholds and `for` a test can wait for: lag above 3 s, and 2 s pending for
 * the alerts this scenario raises. Every other alert keeps its default (minutes), so it cannot fire here.
 */
function testRuleFile(): string {
  const config = resolveGenerateConfig({
    thresholds: { lagSecondsWarning: LAG_SECONDS_WARNING },
    for: {
      LagwatchConsumerLagHigh: '2s',
      LagwatchConsumerGroupWithoutMembers: '2s',
      LagwatchConsumerGroupStatusError: '2s',
      LagwatchConsumerMessagesLost: '2s',
    },
  });
  return renderRuleFile(alertRuleGroups(config));
}

beforeAll(async () => {
  await reapOrphanedMonitoring();
  kafka = await startKafka();
  workload = createWorkload(kafka.bootstrap);
  await workload.createTopic('orders', 3);
  await workload.produce('orders', ORDERS_RECORDS);
  await workload.createTopic('payments', 1);
  await workload.produce('payments', PAYMENTS_RECORDS);
  const orders = (offset: bigint): { topic: string; partition: number; offset: bigint }[] =>
    [0, 1, 2].map((partition) => ({ topic: 'orders', partition, offset }));
  await workload.commit('billing', orders(BILLING_STOPPED_AT));
  await workload.commit('shipping', orders(BigInt(ORDERS_RECORDS)));
  member = await workload.startMember({ groupId: 'shipping', topics: ['orders'] });
  await workload.commit('audit', orders(15n));
  await workload.commit('archive', [{ topic: 'payments', partition: 0, offset: 2n }]);
  await workload.deleteRecords('payments', 0, 6n);

  dir = await mkdtemp(join(tmpdir(), 'lagwatch-e2e-'));
  const [closedPort] = await pickFreePorts(1);
  const configFile = join(dir, 'lagwatch.yaml');
  await writeFile(
    configFile,
    [
      'web: {listen-address: "127.0.0.1:0"}',
      'poll: {interval: 2s, timeout: 2s}',
      // Statuses are evaluated once a partition has been seen for `window` polls: 3 polls, not 10.
      'status: {window: 3}',
      'kafka: {request-timeout: 1s}',
      'clusters:',
      `  - {name: ${CLUSTER}, brokers: ["${kafka.bootstrap}"]}`,
      `  - {name: ${UNREACHABLE}, brokers: ["127.0.0.1:${closedPort}"]}`,
    ].join('\n'),
  );
  const config = (await loadConfig(['--config.file', configFile], {})) as Config;
  exporter = await startExporter(config, pino({ level: 'silent' }));

  hook = await startWebhookReceiver();
  alertmanager = await startAlertmanager({ webhookUrl: hook.url });
  scenarioStart = Math.floor(Date.now() / 1000);
  prometheus = await startPrometheus({
    scrapeTargets: [`127.0.0.1:${exporter.address.port}`],
    scrapeIntervalSeconds: 1,
    evaluationIntervalSeconds: 1,
    ruleFiles: { 'lagwatch.rules.yaml': testRuleFile() },
    alertmanagers: [alertmanager.address],
  });
  await waitFor('Prometheus to scrape lagwatch', async () => {
    const [target] = await prometheus.targets();
    return target?.health === 'up';
  });
});

afterAll(async () => {
  await prometheus?.stop();
  await alertmanager?.stop();
  await hook?.stop();
  await exporter?.stop();
  await member?.stop();
  await workload?.close();
  await kafka?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The series of an instant or range query result; a scalar or string counts as one. */
function seriesCount(data: QueryData): number {
  return data.resultType === 'vector' || data.resultType === 'matrix' ? data.result.length : 1;
}

/** The single value of an instant query, or undefined when it returns no series. */
async function instantValue(expr: string): Promise<number | undefined> {
  const data = await prometheus.query(expr);
  if (data.resultType !== 'vector' || data.result.length === 0) return undefined;
  return Number(data.result[0]!.value[1]);
}

/** Matches webhook alerts by alert name and a subset of labels. */
function alertOf(alertname: string, labels: Record<string, string>): (a: WebhookAlert) => boolean {
  return (a) =>
    a.labels.alertname === alertname && Object.entries(labels).every(([k, v]) => a.labels[k] === v);
}

describe('generated alert rules on Prometheus and Alertmanager', () => {
  it('loads every generated alert and evaluates each without error', async () => {
    const rules = await waitFor('every rule evaluated once', async () => {
      const all = (await prometheus.ruleGroups()).flatMap((g) => g.rules);
      return all.length > 0 && all.every((r) => r.health !== 'unknown') ? all : undefined;
    });
    expect(rules.map((r) => r.name).sort()).toEqual([...ALERT_NAMES].sort());
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.lastError}`)).toEqual([]);
  });

  it(
    'notifies a stopped group (no members, lag in seconds, status ERR) and lost messages',
    async () => {
      const withoutMembers = await hook.waitForAlert(
        'firing',
        alertOf('LagwatchConsumerGroupWithoutMembers', { consumergroup: 'billing' }),
        NOTIFY_TIMEOUT_MS,
      );
      expect(withoutMembers.labels).toEqual({
        alertname: 'LagwatchConsumerGroupWithoutMembers',
        severity: 'warning',
        kafka_cluster: CLUSTER,
        consumergroup: 'billing',
      });
      const lag = 3 * (ORDERS_RECORDS - Number(BILLING_STOPPED_AT));
      expect(withoutMembers.annotations).toMatchObject({
        summary: 'Consumer group has lag but no members.',
        description: `Consumer group billing in Kafka cluster ${CLUSTER} has no members while ${lag} offsets are left to consume: no consumer is running for it.`,
        runbook_url: expect.stringMatching(/#lagwatchconsumergroupwithoutmembers$/),
      });

      const lagHigh = await hook.waitForAlert(
        'firing',
        alertOf('LagwatchConsumerLagHigh', { consumergroup: 'billing' }),
        NOTIFY_TIMEOUT_MS,
      );
      expect(lagHigh.labels).toEqual({
        alertname: 'LagwatchConsumerLagHigh',
        severity: 'warning',
        kafka_cluster: CLUSTER,
        consumergroup: 'billing',
        topic: 'orders',
      });
      expect(lagHigh.annotations.summary).toBe('Consumer group is falling behind.');
      expect(lagHigh.annotations.description).toMatch(
        new RegExp(`^Consumer group billing is .+ behind on topic orders in Kafka cluster ${CLUSTER} `),
      );

      const lost = await hook.waitForAlert(
        'firing',
        alertOf('LagwatchConsumerMessagesLost', { consumergroup: 'archive' }),
        NOTIFY_TIMEOUT_MS,
      );
      expect(lost.labels).toEqual({
        alertname: 'LagwatchConsumerMessagesLost',
        severity: 'critical',
        kafka_cluster: CLUSTER,
        consumergroup: 'archive',
        topic: 'payments',
      });
      expect(lost.annotations.description).toMatch(/^On 1 partition\(s\) of topic payments /);

      const status = await hook.waitForAlert(
        'firing',
        alertOf('LagwatchConsumerGroupStatusError', { consumergroup: 'billing' }),
        NOTIFY_TIMEOUT_MS,
      );
      expect(status.labels).toEqual({
        alertname: 'LagwatchConsumerGroupStatusError',
        severity: 'warning',
        kafka_cluster: CLUSTER,
        consumergroup: 'billing',
      });

      // The caught-up group with a member raises nothing.
      expect(hook.alerts().filter((a) => a.labels.consumergroup === 'shipping')).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'notifies the resolution once the group has caught up',
    async () => {
      // Catch up in steps, each one seen by Prometheus before the next, so that dashboards see a consume
      // rate while lag remains (Time to catch up).
      for (const offset of [10n, 15n, BigInt(ORDERS_RECORDS)]) {
        await workload.commit(
          'billing',
          [0, 1, 2].map((partition) => ({ topic: 'orders', partition, offset })),
        );
        const expected = 3 * (ORDERS_RECORDS - Number(offset));
        await waitFor(`Prometheus to see billing's lag at ${expected}`, async () => {
          const value = await instantValue(
            `sum(kafka_consumergroup_lag_sum{kafka_cluster="${CLUSTER}", consumergroup="billing"})`,
          );
          return value === expected;
        });
      }
      for (const alertname of [
        'LagwatchConsumerGroupWithoutMembers',
        'LagwatchConsumerLagHigh',
        'LagwatchConsumerGroupStatusError',
      ]) {
        const resolved = await hook.waitForAlert(
          'resolved',
          alertOf(alertname, { consumergroup: 'billing' }),
          NOTIFY_TIMEOUT_MS,
        );
        expect(resolved.labels.kafka_cluster).toBe(CLUSTER);
        expect(Date.parse(resolved.endsAt)).toBeGreaterThan(Date.parse(resolved.startsAt));
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe('generated dashboards on Prometheus', () => {
  /** A target evaluated under one assignment of the dashboard's variables. */
  interface Outcome {
    target: PanelTarget;
    /** The variable values that gave data, or every error and empty result otherwise. */
    withData?: Record<string, string>;
    problems: string[];
  }

  /**
   * Every combination of variable values Grafana would offer: a variable with `All` gets its all-value
   * (`.*`), any other one each value its own query returns (in turn). Asserts every variable query returns
   * values.
   */
  async function assignments(
    d: LoadedDashboard,
    base: Record<string, string>,
    start: number,
    end: number,
  ): Promise<Record<string, string>[]> {
    let result = [base];
    for (const variable of d.variables) {
      const parsed = parseLabelValues(variable.query);
      expect(
        parsed,
        `${d.file}: variable ${variable.name} is label_values(…): ${variable.query}`,
      ).toBeDefined();
      const next: Record<string, string>[] = [];
      for (const a of result) {
        const values = await prometheus.labelValues(
          parsed!.label,
          interpolate(parsed!.selector, a),
          start,
          end,
        );
        expect(values, `${d.file}: variable ${variable.name} (${variable.query}) has values`).not.toEqual([]);
        if (variable.includeAll) {
          next.push({ ...a, [variable.name]: variable.allValue ?? `(${values.join('|')})` });
        } else {
          for (const value of values) next.push({ ...a, [variable.name]: value });
        }
      }
      result = next;
    }
    return result;
  }

  /** Runs a target as Grafana would (instant at `end`, or a range query) under each assignment. */
  async function evaluate(
    target: PanelTarget,
    candidates: readonly Record<string, string>[],
    start: number,
    end: number,
  ): Promise<Outcome> {
    const problems: string[] = [];
    for (const values of candidates) {
      const expr = interpolate(target.expr, values);
      try {
        const data = target.instant
          ? await prometheus.query(expr, end)
          : await prometheus.queryRange(expr, start, end, STEP_SECONDS);
        if (seriesCount(data) > 0) return { target, withData: values, problems: [] };
        problems.push(`no data with ${JSON.stringify(values)}`);
      } catch (error) {
        problems.push(`error with ${JSON.stringify(values)}: ${(error as Error).message}`);
      }
    }
    return { target, problems };
  }

  let dashboards: LoadedDashboard[];

  beforeAll(async () => {
    dashboards = await loadDashboards(join(REPO_ROOT, 'dashboards'));
  });

  it('has the generated dashboards, each with panel targets', () => {
    expect(dashboards.map((d) => d.file)).toEqual([
      'lagwatch-consumer-group.json',
      'lagwatch-exporter.json',
      'lagwatch-overview.json',
      'lagwatch-topic.json',
    ]);
    for (const d of dashboards) expect(d.targets.length, d.file).toBeGreaterThan(0);
  });

  it("offers the scenario's clusters, groups and topics in the variables", async () => {
    const end = Math.ceil(Date.now() / 1000);
    const values = async (d: string, name: string): Promise<string[]> => {
      const variable = dashboards.find((x) => x.file === d)!.variables.find((v) => v.name === name)!;
      const parsed = parseLabelValues(variable.query)!;
      const selector = interpolate(parsed.selector, { kafka_cluster: '.*', consumergroup: '.*' });
      return prometheus.labelValues(parsed.label, selector, scenarioStart, end);
    };
    expect(await values('lagwatch-overview.json', 'kafka_cluster')).toEqual([CLUSTER]);
    expect(await values('lagwatch-exporter.json', 'kafka_cluster')).toEqual([CLUSTER, UNREACHABLE]);
    expect(await values('lagwatch-consumer-group.json', 'consumergroup')).toEqual(
      expect.arrayContaining(['archive', 'audit', 'billing', 'shipping']),
    );
    expect(await values('lagwatch-topic.json', 'topic')).toEqual(
      expect.arrayContaining(['orders', 'payments']),
    );
  });

  it(
    'every panel target returns data for the scenario',
    async () => {
      const end = Math.ceil(Date.now() / 1000);
      const start = scenarioStart;
      const base = { ...builtins(end - start, STEP_SECONDS, RATE_INTERVAL_SECONDS) };
      const failures: string[] = [];
      const report: string[] = [];
      for (const d of dashboards) {
        const candidates = await assignments(d, base, start, end);
        for (const target of d.targets) {
          const outcome = await evaluate(target, candidates, start, end);
          const name = `${d.file} #${target.panelId} "${target.panelTitle}" ${target.refId}`;
          if (outcome.withData) {
            const chosen = Object.entries(outcome.withData)
              .filter(([k]) => !k.startsWith('__'))
              .map(([k, v]) => `${k}=${v}`)
              .join(' ');
            report.push(`${name}: data (${target.instant ? 'instant' : 'range'}; ${chosen})`);
          } else {
            failures.push(`${name}\n  ${target.expr}\n  ${outcome.problems.join('\n  ')}`);
          }
        }
      }
      if (process.env['LAGWATCH_E2E_REPORT']) console.log(report.join('\n'));
      expect(failures, failures.join('\n\n')).toEqual([]);
    },
    TEST_TIMEOUT_MS,
  );
});
