/**
 * A real Prometheus and Alertmanager for end-to-end tests, as child processes of the test (binaries from the
 * Debian packages `prometheus` and `prometheus-alertmanager`, or from PATH / environment variables).
 *
 * ```ts
 * const am = await startAlertmanager({ webhookUrl: hook.url });
 * const prom = await startPrometheus({
 *   scrapeTargets: ['127.0.0.1:9308'],
 *   ruleFiles: { 'lagwatch.rules.yaml': rulesText },
 *   alertmanagers: [am.address],
 * });
 * const result = await prom.query('lagwatch_up');
 * await prom.stop();
 * await am.stop();
 * ```
 *
 * Every server gets its own temp directory (generated config, data, log), free loopback ports picked just
 * before the start (a lost port race is retried), and never touches the system services' configuration,
 * data or default ports. Readiness is the server's `GET /-/ready` answering 200, with a deadline. Children
 * are SIGKILLed when the test process exits; {@link reapOrphanedMonitoring} kills those of a test process
 * that died without stopping them (both from owned-processes.ts).
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { pickFreePorts } from './broker-config.js';
import { createOwnedProcessRegistry, isRunning, killNow, spawnLogged, terminate } from './owned-processes.js';

/** Default start-up deadline of a server, in ms. */
const READY_TIMEOUT_MS = 30_000;
/** How long a server gets to exit after SIGTERM before it is killed, in ms. */
const STOP_GRACE_MS = 5_000;
const START_ATTEMPTS = 3;
/** The owned-process registry: one `<pid>.json` per running server. Its reaper SIGKILLs an orphan. */
const registry = createOwnedProcessRegistry(join(tmpdir(), 'lagwatch-monitoring-owned'), killNow);

/** Loopback host every server listens on. */
export const MONITORING_HOST = '127.0.0.1';

/**
 * Finds an executable: the environment variable `envName` when set, else the first of `candidates` found on
 * PATH (the Debian package calls Alertmanager `prometheus-alertmanager`, upstream tarballs `alertmanager`).
 * @throws Error naming the Debian package to install when none is found.
 */
export async function findBinary(
  envName: string,
  candidates: readonly string[],
  pkg: string,
): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  for (const name of candidates) {
    for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
      if (dir === '') continue;
      const path = join(dir, name);
      try {
        await access(path, 1 /* X_OK */);
        return path;
      } catch {
        // not here
      }
    }
  }
  throw new Error(
    `none of ${candidates.join(', ')} found on PATH; install the Debian package ${pkg} ` +
      `(apt-get install --no-install-recommends ${pkg}) or set ${envName}`,
  );
}

/** `promtool` from the Debian `prometheus` package (or `$PROMTOOL`). */
export const promtoolBinary = (): Promise<string> => findBinary('PROMTOOL', ['promtool'], 'prometheus');
/** The Prometheus server binary (or `$PROMETHEUS`). */
export const prometheusBinary = (): Promise<string> => findBinary('PROMETHEUS', ['prometheus'], 'prometheus');
/** The Alertmanager binary (or `$ALERTMANAGER`). */
export const alertmanagerBinary = (): Promise<string> =>
  findBinary('ALERTMANAGER', ['prometheus-alertmanager', 'alertmanager'], 'prometheus-alertmanager');

// ---------------------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------------------

/** A running server process. */
interface ServerProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly runDir: string;
}

/** Spawns `binary args` with stdout and stderr in `logFile`, registered for the exit hook and the reaper. */
async function spawnServer(
  binary: string,
  args: readonly string[],
  runDir: string,
  logFile: string,
): Promise<ServerProcess> {
  const { child, pid } = await spawnLogged(binary, args, { cwd: runDir, logFile });
  await registry.register(child, pid, runDir);
  return { pid, child, logFile, runDir };
}

/** SIGTERM, SIGKILL after {@link STOP_GRACE_MS}; then unregisters the pid and removes the run directory. */
async function stopServer(server: ServerProcess, removeRunDir: boolean): Promise<void> {
  await terminate(server, STOP_GRACE_MS, 'process');
  await registry.unregister(server.pid);
  if (removeRunDir) await rm(server.runDir, { recursive: true, force: true, maxRetries: 3 });
}

/** The last `maxLines` lines of a log file, for error messages. */
function tail(logFile: string, maxLines = 30): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-maxLines).join('\n');
  } catch {
    return '';
  }
}

/** A start-up failure; `bindFailure` marks a lost race for a pre-picked port (worth a retry). */
class StartupError extends Error {
  constructor(
    message: string,
    readonly bindFailure: boolean,
  ) {
    super(message);
  }
}

/**
 * Polls `GET <baseUrl>/-/ready` until it answers 200.
 * @throws StartupError when the process exits first or the deadline passes (with the log tail).
 */
async function waitReady(
  name: string,
  server: ServerProcess,
  baseUrl: string,
  deadline: number,
): Promise<void> {
  for (;;) {
    if (!isRunning(server)) {
      const log = tail(server.logFile);
      throw new StartupError(
        `${name} exited with ${server.child.exitCode ?? server.child.signalCode} before it was ready:\n${log}`,
        /address already in use/i.test(log),
      );
    }
    try {
      const response = await fetch(`${baseUrl}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new StartupError(`${name} not ready at ${baseUrl} in time:\n${tail(server.logFile)}`, false);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Starts a server in a fresh temp dir: `prepare(runDir, ports)` writes its config and returns the
 * command-line arguments; the server must answer `/-/ready` on `http://127.0.0.1:<ports[0]>`. Retries with
 * new ports when a port was taken between the probe and the bind.
 */
async function startServer(
  name: string,
  binary: string,
  portCount: number,
  readyTimeoutMs: number,
  prepare: (runDir: string, ports: number[]) => Promise<string[]>,
): Promise<{ server: ServerProcess; port: number; ports: number[] }> {
  const runDir = await mkdtemp(join(tmpdir(), `lagwatch-${name.toLowerCase()}-`));
  for (let attempt = 1; ; attempt++) {
    const ports = await pickFreePorts(portCount);
    const args = await prepare(runDir, ports);
    const server = await spawnServer(binary, args, runDir, join(runDir, `${name.toLowerCase()}.log`));
    try {
      await waitReady(name, server, `http://${MONITORING_HOST}:${ports[0]}`, Date.now() + readyTimeoutMs);
      return { server, port: ports[0]!, ports };
    } catch (error) {
      await stopServer(server, false);
      if (error instanceof StartupError && error.bindFailure && attempt < START_ATTEMPTS) continue;
      await rm(runDir, { recursive: true, force: true });
      throw error;
    }
  }
}

/**
 * Kills Prometheus and Alertmanager processes whose owning Node process is gone (a crashed test worker) and
 * removes their run directories. Servers of live owners are left alone, and a pid is only signalled when its
 * command line still names the registered run directory (pids get reused).
 * @returns the number of processes killed.
 */
export function reapOrphanedMonitoring(): Promise<number> {
  return registry.reapOrphans();
}

// ---------------------------------------------------------------------------------------------------------
// Prometheus
// ---------------------------------------------------------------------------------------------------------

/** Options of {@link startPrometheus}. */
export interface StartPrometheusOptions {
  /** `host:port` of the targets of the single scrape job `lagwatch` (plain HTTP, path `/metrics`). */
  scrapeTargets: readonly string[];
  /** Scrape interval in seconds; default 1. The scrape timeout is the same. */
  scrapeIntervalSeconds?: number;
  /** Rule evaluation interval in seconds; default 1. */
  evaluationIntervalSeconds?: number;
  /** Rule files to load: file name → content (plain `groups:` rule files). */
  ruleFiles?: Readonly<Record<string, string>>;
  /** `host:port` of Alertmanagers to send alerts to. */
  alertmanagers?: readonly string[];
  /** Start-up deadline in ms; default 30 000. */
  readyTimeoutMs?: number;
}

/** One series of an instant vector. */
export interface VectorSample {
  metric: Record<string, string>;
  /** `[unix seconds, "value"]`. */
  value: [number, string];
}

/** One series of a range vector (matrix). */
export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** The `data` of a successful `/api/v1/query` answer. */
export type QueryData =
  | { resultType: 'vector'; result: VectorSample[] }
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'string'; result: [number, string] };

/** An alert as `/api/v1/alerts` reports it. */
export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'inactive' | 'pending' | 'firing';
  activeAt?: string;
  value: string;
}

/** A scrape target as `/api/v1/targets` reports it. */
export interface PrometheusTarget {
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  labels: Record<string, string>;
}

/** A rule group as `/api/v1/rules` reports it (fields the tests read). */
export interface PrometheusRuleGroup {
  name: string;
  file: string;
  rules: { name: string; type: 'alerting' | 'recording'; health: string; lastError?: string }[];
}

/** A running Prometheus. */
export interface PrometheusServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Temp directory: `prometheus.yml`, rule files, `data/`, `prometheus.log`. Removed by stop(). */
  readonly dir: string;
  /** Log file of the server (stdout and stderr). */
  readonly logFile: string;
  /**
   * Instant query (`/api/v1/query`) at `time` (unix seconds; default now).
   * @throws Error with Prometheus' error type and message when the query is rejected.
   */
  query(expr: string, time?: number): Promise<QueryData>;
  /**
   * Range query (`/api/v1/query_range`) from `start` to `end` (unix seconds) every `stepSeconds`, as
   * Grafana runs a time-series panel's query.
   * @throws Error with Prometheus' error type and message when the query is rejected.
   */
  queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<QueryData>;
  /**
   * The values of label `label` on series matching `match` (a series selector) between `start` and `end`
   * (`/api/v1/label/<label>/values`), as Grafana resolves a `label_values(selector, label)` variable.
   */
  labelValues(label: string, match: string, start: number, end: number): Promise<string[]>;
  /** Active alerts (`/api/v1/alerts`): pending and firing. */
  alerts(): Promise<PrometheusAlert[]>;
  /** Active scrape targets (`/api/v1/targets?state=active`). */
  targets(): Promise<PrometheusTarget[]>;
  /** Loaded rule groups (`/api/v1/rules`). */
  ruleGroups(): Promise<PrometheusRuleGroup[]>;
  /** Stops the server (SIGTERM, SIGKILL after 5 s) and removes {@link dir}. Idempotent. */
  stop(): Promise<void>;
}

/** The Prometheus HTTP API envelope. */
interface ApiAnswer<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

/** GETs a Prometheus API path and returns `data`. @throws Error on an HTTP or API error. */
async function apiGet<T>(baseUrl: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const url = new URL(path, baseUrl);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let answer: ApiAnswer<T>;
  try {
    answer = JSON.parse(text) as ApiAnswer<T>;
  } catch {
    throw new Error(`${url.pathname}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  }
  if (answer.status !== 'success' || answer.data === undefined) {
    throw new Error(
      `${url.pathname}${url.search}: ${answer.errorType ?? `HTTP ${response.status}`}: ${answer.error ?? text}`,
    );
  }
  return answer.data;
}

/** Renders `prometheus.yml`. Scrape and evaluation intervals in seconds. */
export function renderPrometheusConfig(options: {
  scrapeTargets: readonly string[];
  scrapeIntervalSeconds: number;
  evaluationIntervalSeconds: number;
  ruleFiles: readonly string[];
  alertmanagers: readonly string[];
}): string {
  const config = {
    global: {
      scrape_interval: `${options.scrapeIntervalSeconds}s`,
      scrape_timeout: `${options.scrapeIntervalSeconds}s`,
      evaluation_interval: `${options.evaluationIntervalSeconds}s`,
    },
    rule_files: [...options.ruleFiles],
    ...(options.alertmanagers.length > 0
      ? {
          alerting: {
            alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [...options.alertmanagers] }] }],
          },
        }
      : {}),
    scrape_configs: [
      {
        job_name: 'lagwatch',
        metrics_path: '/metrics',
        static_configs: [{ targets: [...options.scrapeTargets] }],
      },
    ],
  };
  return stringify(config);
}

/**
 * Starts Prometheus on a free loopback port with a generated configuration in a temp dir, and resolves
 * when `/-/ready` answers 200. Alerts are re-sent to Alertmanager at most every second
 * (`--rules.alert.resend-delay=1s`), so state changes reach it within one evaluation.
 * @throws Error (with the log tail) when it exits or is not ready in time; everything is cleaned up first.
 */
export async function startPrometheus(options: StartPrometheusOptions): Promise<PrometheusServer> {
  const binary = await prometheusBinary();
  const ruleFiles = options.ruleFiles ?? {};
  const { server, port } = await startServer(
    'Prometheus',
    binary,
    1,
    options.readyTimeoutMs ?? READY_TIMEOUT_MS,
    async (runDir, [webPort]) => {
      const configFile = join(runDir, 'prometheus.yml');
      for (const [name, content] of Object.entries(ruleFiles)) await writeFile(join(runDir, name), content);
      await writeFile(
        configFile,
        renderPrometheusConfig({
          scrapeTargets: options.scrapeTargets,
          scrapeIntervalSeconds: options.scrapeIntervalSeconds ?? 1,
          evaluationIntervalSeconds: options.evaluationIntervalSeconds ?? 1,
          ruleFiles: Object.keys(ruleFiles).map((name) => join(runDir, name)),
          alertmanagers: options.alertmanagers ?? [],
        }),
      );
      return [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(runDir, 'data')}`,
        `--web.listen-address=${MONITORING_HOST}:${webPort}`,
        `--web.console.templates=${join(runDir, 'consoles')}`,
        `--web.console.libraries=${join(runDir, 'console_libraries')}`,
        '--rules.alert.resend-delay=1s',
        '--log.level=info',
      ];
    },
  );
  const url = `http://${MONITORING_HOST}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    dir: server.runDir,
    logFile: server.logFile,
    query: (expr, time) =>
      apiGet<QueryData>(url, '/api/v1/query', {
        query: expr,
        ...(time === undefined ? {} : { time: String(time) }),
      }),
    queryRange: (expr, start, end, stepSeconds) =>
      apiGet<QueryData>(url, '/api/v1/query_range', {
        query: expr,
        start: String(start),
        end: String(end),
        step: String(stepSeconds),
      }),
    labelValues: (label, match, start, end) =>
      apiGet<string[]>(url, `/api/v1/label/${encodeURIComponent(label)}/values`, {
        'match[]': match,
        start: String(start),
        end: String(end),
      }),
    alerts: async () => (await apiGet<{ alerts: PrometheusAlert[] }>(url, '/api/v1/alerts')).alerts,
    targets: async () =>
      (await apiGet<{ activeTargets: PrometheusTarget[] }>(url, '/api/v1/targets', { state: 'active' }))
        .activeTargets,
    ruleGroups: async () => (await apiGet<{ groups: PrometheusRuleGroup[] }>(url, '/api/v1/rules')).groups,
    stop() {
      stopped ??= stopServer(server, true);
      return stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Alertmanager
// ---------------------------------------------------------------------------------------------------------

/** Options of {@link startAlertmanager}. */
export interface StartAlertmanagerOptions {
  /** URL of the webhook receiver every alert is routed to (`send_resolved: true`). */
  webhookUrl: string;
  /** Route timers in seconds; defaults: group_wait 1, group_interval 1, repeat_interval 3600. */
  groupWaitSeconds?: number;
  groupIntervalSeconds?: number;
  repeatIntervalSeconds?: number;
  /** Labels to group notifications by; default every label (`['...']`): one notification per alert. */
  groupBy?: readonly string[];
  /** Start-up deadline in ms; default 30 000. */
  readyTimeoutMs?: number;
}

/** An alert as Alertmanager's `/api/v2/alerts` reports it (fields the tests read). */
export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  status: { state: 'unprocessed' | 'active' | 'suppressed' };
}

/** A running Alertmanager. */
export interface AlertmanagerServer {
  /** Base URL, e.g. `http://127.0.0.1:41235`. */
  readonly url: string;
  /** `host:port`, for Prometheus' `alerting.alertmanagers`. */
  readonly address: string;
  /** Temp directory: `alertmanager.yml`, `data/`, `alertmanager.log`. Removed by stop(). */
  readonly dir: string;
  readonly logFile: string;
  /** The alerts Alertmanager currently holds (`/api/v2/alerts`). */
  alerts(): Promise<AlertmanagerAlert[]>;
  /** Stops the server (SIGTERM, SIGKILL after 5 s) and removes {@link dir}. Idempotent. */
  stop(): Promise<void>;
}

/** Renders `alertmanager.yml`: one route to one webhook receiver, resolved notifications on. */
export function renderAlertmanagerConfig(options: {
  webhookUrl: string;
  groupWaitSeconds: number;
  groupIntervalSeconds: number;
  repeatIntervalSeconds: number;
  groupBy: readonly string[];
}): string {
  return stringify({
    route: {
      receiver: 'test-webhook',
      group_by: [...options.groupBy],
      group_wait: `${options.groupWaitSeconds}s`,
      group_interval: `${options.groupIntervalSeconds}s`,
      repeat_interval: `${options.repeatIntervalSeconds}s`,
    },
    receivers: [
      {
        name: 'test-webhook',
        webhook_configs: [{ url: options.webhookUrl, send_resolved: true, max_alerts: 0 }],
      },
    ],
  });
}

/**
 * Starts Alertmanager on a free loopback port with clustering (gossip on :9094) disabled, a generated
 * configuration that routes everything to `webhookUrl`, and data in a temp dir; resolves when `/-/ready`
 * answers 200.
 * @throws Error (with the log tail) when it exits or is not ready in time; everything is cleaned up first.
 */
export async function startAlertmanager(options: StartAlertmanagerOptions): Promise<AlertmanagerServer> {
  const binary = await alertmanagerBinary();
  const { server, port } = await startServer(
    'Alertmanager',
    binary,
    1,
    options.readyTimeoutMs ?? READY_TIMEOUT_MS,
    async (runDir, [webPort]) => {
      const configFile = join(runDir, 'alertmanager.yml');
      await writeFile(
        configFile,
        renderAlertmanagerConfig({
          webhookUrl: options.webhookUrl,
          groupWaitSeconds: options.groupWaitSeconds ?? 1,
          groupIntervalSeconds: options.groupIntervalSeconds ?? 1,
          repeatIntervalSeconds: options.repeatIntervalSeconds ?? 3600,
          groupBy: options.groupBy ?? ['...'],
        }),
      );
      return [
        `--config.file=${configFile}`,
        `--storage.path=${join(runDir, 'data')}`,
        `--web.listen-address=${MONITORING_HOST}:${webPort}`,
        '--cluster.listen-address=',
        '--log.level=info',
      ];
    },
  );
  const url = `http://${MONITORING_HOST}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    address: `${MONITORING_HOST}:${port}`,
    dir: server.runDir,
    logFile: server.logFile,
    async alerts() {
      const response = await fetch(`${url}/api/v2/alerts`, { signal: AbortSignal.timeout(10_000) });
      if (response.status !== 200) throw new Error(`/api/v2/alerts: HTTP ${response.status}`);
      return (await response.json()) as AlertmanagerAlert[];
    },
    stop() {
      stopped ??= stopServer(server, true);
      return stopped;
    },
  };
}
