/**
 * The one schema (zod) that validates the merged settings (merge.ts's Candidate: raw values by option key)
 * and turns them into a {@link Config}: durations to milliseconds, regexes compiled, labels checked,
 * TLS and password files read. Every issue carries a path into the candidate
 * (`['clusters', 0, 'poll.interval']`), which merge.ts's `nameIssue` turns into the user's own name for
 * the setting. Values arrive as text (flags, environment) or as YAML values, so each leaf accepts both.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseBoolean } from './boolean.js';
import { formatDuration, parseDuration } from './duration.js';
import { show } from './errors.js';
import { labelNameProblem } from './labels.js';
import { SecretFile } from './layer.js';
import { compilePattern } from './regex.js';
import type {
  ClusterConfig,
  Config,
  GroupMetricsGranularity,
  LogFormat,
  LogLevel,
  SaslConfig,
  TimeLagMode,
  TlsConfig,
} from './types.js';
import type { KafkaClientName } from '../kafka/port.js';
import { catalog, isKafkaMetricName, kafkaMetrics, type KafkaMetricName } from '../metrics/catalog.js';
import { GROUP_METRICS_GRANULARITIES } from '../metrics/options.js';

/** Reports a problem with the value being checked; `path` points inside it (list index, label name). */
type Report = (message: string, path?: (string | number)[]) => void;

/** A leaf schema: `check` converts the raw value or reports why it cannot (its result is then discarded). */
function checked<T>(check: (value: unknown, report: Report) => T) {
  return z.unknown().transform((value, ctx): T => {
    let failed = false;
    const result = check(value, (message, path = []) => {
      failed = true;
      ctx.addIssue({ code: 'custom', message, path });
    });
    return failed ? z.NEVER : result;
  });
}

/** Longest timer Node.js supports (setTimeout clamps anything larger to 1 ms). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A Go-style duration (`30s`, `1m30s`); output in milliseconds.
 * @param zero whether `0` is allowed (else the duration must be greater than 0).
 * @param maxMs the largest allowed value and why, or undefined for no limit.
 */
function durationOf(zero: boolean, max?: { ms: number; why: string }) {
  return checked((input, report): number => {
    // A YAML `0` is Go's unit-less zero duration.
    const value = input === 0 ? '0' : input;
    if (typeof value !== 'string') {
      const hint = typeof value === 'number' ? ` (add a unit: ${value}s)` : '';
      report(`expected a duration such as 30s, got ${show(value)}${hint}`);
      return 0;
    }
    const result = parseDuration(value);
    if (!result.ok) {
      const why = result.reason === 'not a duration' ? '' : ` (${result.reason})`;
      report(`expected a duration such as 30s, got '${value}'${why}`);
      return 0;
    }
    if (result.ms <= 0 && !zero) report(`expected a duration greater than 0, got '${value}'`);
    if (max !== undefined && result.ms > max.ms)
      report(`expected at most ${formatDuration(max.ms)} (${max.why}), got '${value}'`);
    return result.ms;
  });
}

/** A duration greater than 0 that a Node.js timer can wait for (poll interval, timeouts). */
const duration = durationOf(false, { ms: MAX_TIMER_MS, why: "Node.js' longest timer" });

/** A duration of 0 or more, without an upper limit (it is compared against, never waited for). */
const durationOrZero = durationOf(true);

/**
 * A whole number from `min` to `max`: a YAML integer, or decimal digits as text (flags, environment).
 * Output a number.
 */
function wholeNumber(min: number, max: number) {
  return checked((value, report): number => {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
          ? Number(value)
          : NaN;
    if (Number.isInteger(n) && n >= min && n <= max) return n;
    report(`expected a whole number from ${min} to ${max}, got ${show(value)}`);
    return min;
  });
}

/** Largest Kafka offset (int64). */
const MAX_OFFSET = 2n ** 63n - 1n;

/** A number of offsets, 0 or more: a YAML integer, or decimal digits as text. Output a bigint (exact beyond 2^53). */
const offsetCount = checked((value, report): bigint => {
  const digits =
    typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
      ? String(value)
      : typeof value === 'string' && /^\s*\d+\s*$/.test(value)
        ? value.trim()
        : undefined;
  const n = digits === undefined ? undefined : BigInt(digits);
  if (n !== undefined && n <= MAX_OFFSET) return n;
  report(`expected a whole number of offsets, 0 or more, got ${show(value)}`);
  return 0n;
});

/** Kafka-scope metric names, in catalog order: suggestions for a misspelt name are taken from these. */
const KAFKA_METRIC_NAMES: readonly string[] = kafkaMetrics.map((m) => m.name);

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

function commonPrefixLength(a: string, b: string): number {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
}

/** Why `name` cannot be disabled, with a suggestion where one is close; undefined when it can. */
function metricNameProblem(name: string): string | undefined {
  if (isKafkaMetricName(name)) return undefined;
  if (Object.hasOwn(catalog, name)) {
    return `'${name}' is one of lagwatch's own metrics, which cannot be disabled; only Kafka metrics (kafka_*) can`;
  }
  // The closest name; among equally close ones, the one sharing the longest prefix (`…_lag_secs` → `…_lag_seconds`).
  let best: string | undefined;
  let bestDistance = Infinity;
  let bestPrefix = 0;
  for (const candidate of KAFKA_METRIC_NAMES) {
    const d = editDistance(name, candidate);
    const prefix = commonPrefixLength(name, candidate);
    if (d < bestDistance || (d === bestDistance && prefix > bestPrefix)) {
      [best, bestDistance, bestPrefix] = [candidate, d, prefix];
    }
  }
  const hint = best !== undefined && bestDistance <= 3 ? ` (did you mean ${best}?)` : '';
  return `unknown metric '${name}'${hint}; expected a Kafka metric name from docs/metrics.md`;
}

/**
 * Kafka metric families to disable: a list (repeated flag, YAML list) or text, each item possibly
 * comma-separated. Issues on a list item point at its index. Output de-duplicated, in catalog order.
 */
const metricNames = checked((value, report): KafkaMetricName[] => {
  const items: [number | undefined, unknown][] =
    typeof value === 'string'
      ? [[undefined, value]]
      : Array.isArray(value)
        ? value.map((v: unknown, i) => [i, v])
        : [];
  if (typeof value !== 'string' && !Array.isArray(value)) {
    report(`expected a list of metric names, got ${show(value)}`);
    return [];
  }
  const names = new Set<string>();
  for (const [index, item] of items) {
    const path = index === undefined ? [] : [index];
    if (typeof item !== 'string') {
      report(`expected a metric name, got ${show(item)}`, path);
      continue;
    }
    for (const part of item.split(',')) {
      const name = part.trim();
      if (name === '') continue;
      const problem = metricNameProblem(name);
      if (problem !== undefined) report(problem, path);
      else names.add(name);
    }
  }
  return KAFKA_METRIC_NAMES.filter((n): n is KafkaMetricName => names.has(n));
});

/** `true`/`false`, or a text kingpin (Go `strconv.ParseBool`) accepts: 1, t, true, 0, f, false in any case. */
const boolean = checked((value, report): boolean => {
  const result = parseBoolean(value);
  if (result === undefined) report(`expected true or false, got ${show(value)}`);
  return result ?? false;
});

/** A filter pattern, compiled (regex.ts). */
const pattern = checked((value, report): RegExp => {
  if (typeof value !== 'string') {
    report(`expected a regular expression, got ${show(value)}`);
    return /$^/;
  }
  const result = compilePattern(value);
  if (result.ok) return result.regex;
  report(`expected a regular expression, got '${value}': ${result.reason}`);
  return /$^/;
});

/** Non-empty text. */
function text(what: string) {
  return checked((value, report): string => {
    if (typeof value === 'string' && value.trim() !== '') return value;
    report(`expected ${what}, got ${show(value)}`);
    return '';
  });
}

/** One of a fixed set of words, case-insensitive; output lower-case. */
function oneOf<const T extends string>(words: readonly T[]) {
  return checked((value, report): T => {
    const word = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
    const match = words.find((w) => w === word);
    if (match !== undefined) return match;
    report(`expected ${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}, got ${show(value)}`);
    return words[0] as T;
  });
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:/[\]]+):(\d{1,5})$/;

/** Why `address` is not a usable `host:port` broker address, or undefined. */
function brokerProblem(address: string): string | undefined {
  const match = HOST_PORT.exec(address);
  const port = Number(match?.[2]);
  if (match !== null && port >= 1 && port <= 65535) return undefined;
  let hint = '';
  if (address.includes('://')) hint = ' (without a scheme such as PLAINTEXT://)';
  else if (!address.includes(':')) hint = ' (the port is required, e.g. kafka:9092)';
  return `expected host:port, got '${address}'${hint}`;
}

/**
 * Bootstrap brokers: a list (repeated flag, YAML list) or text, each item possibly comma-separated.
 * Issues on a list item point at its index. Output de-duplicated, in the given order.
 */
const brokers = checked((value, report): string[] => {
  if (value === undefined) {
    report('required: the bootstrap brokers of the cluster, as a list of host:port');
    return [];
  }
  const items: [number | undefined, unknown][] =
    typeof value === 'string'
      ? [[undefined, value]]
      : Array.isArray(value)
        ? value.map((v: unknown, i) => [i, v])
        : [];
  if (items.length === 0 && typeof value !== 'string') {
    report(`expected a list of host:port, got ${show(value)}`);
    return [];
  }
  const result: string[] = [];
  let problems = 0;
  for (const [index, item] of items) {
    const path = index === undefined ? [] : [index];
    if (typeof item !== 'string') {
      report(`expected host:port, got ${show(item)}`, path);
      problems++;
      continue;
    }
    for (const part of item.split(',')) {
      const address = part.trim();
      if (address === '') continue;
      const problem = brokerProblem(address);
      if (problem !== undefined) {
        report(problem, path);
        problems++;
      } else if (!result.includes(address)) result.push(address);
    }
  }
  if (result.length === 0 && problems === 0) report('expected at least one broker as host:port, got none');
  return result;
});

/** Constant labels, already a mapping (normalize.ts parses `k=v` text). Issues point at the label name. */
const labels = checked((value, report): Record<string, string> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    report(`expected a mapping of label names to values, got ${show(value)}`);
    return {};
  }
  const result: Record<string, string> = {};
  for (const [name, labelValue] of Object.entries(value)) {
    const problem = labelNameProblem(name);
    if (problem !== undefined) report(problem, [name]);
    else if (typeof labelValue !== 'string')
      report(`expected the label value as text (quote it in YAML), got ${show(labelValue)}`, [name]);
    else if (labelValue === '')
      report(`label '${name}' has an empty value (Prometheus treats that as no label)`, [name]);
    else result[name] = labelValue;
  }
  return result;
});

/** SASL mechanism spellings: kafka_exporter's (`plain`, `scram-sha256`, `scram-sha512`) and Kafka's (`SCRAM-SHA-256`). */
const mechanism = checked((value, report): SaslConfig['mechanism'] => {
  const word = typeof value === 'string' ? value.trim().toLowerCase().replace(/[-_]/g, '') : undefined;
  if (word === 'plain' || word === '') return 'PLAIN';
  if (word === 'scramsha256' || word === 'sha256') return 'SCRAM-SHA-256';
  if (word === 'scramsha512' || word === 'sha512') return 'SCRAM-SHA-512';
  if (word === 'gssapi' || word === 'awsiam' || word === 'awsmskiam' || word === 'oauthbearer') {
    report(`'${String(value)}' is not supported yet (supported: plain, scram-sha256, scram-sha512)`);
  } else {
    report(`expected plain, scram-sha256 or scram-sha512, got ${show(value)}`);
  }
  return 'PLAIN';
});

/** The SASL password: text, or a file to read (`sasl.password-file`, a {@link SecretFile}). */
const password = checked((value, report): string | SecretFile => {
  if (value instanceof SecretFile) return value;
  if (typeof value === 'string' && value !== '') return value;
  report(`expected the password as text, got ${show(value)}`);
  return '';
});

/** `[host]:port`; an empty host means all interfaces. */
const listenAddress = checked(
  (value, report): { listenAddress: string; host: string | undefined; port: number } => {
    const match =
      typeof value === 'string' ? /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim()) : null;
    const port = Number(match?.[3]);
    if (match === null || port > 65535) {
      report(`expected [host]:port such as :9308 or 127.0.0.1:9308, got ${show(value)}`);
      return { listenAddress: '', host: undefined, port: 0 };
    }
    const host = match[1] ?? match[2];
    return { listenAddress: String(value).trim(), host: host === '' ? undefined : host, port };
  },
);

const telemetryPath = checked((value, report): string => {
  if (typeof value === 'string' && /^\/\S*$/.test(value)) return value;
  report(`expected a URL path starting with /, such as /metrics, got ${show(value)}`);
  return '';
});

/** Reads a file named by a setting; reports the setting's path on failure. */
async function readSetting(path: string, key: string, report: Report): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    report(`cannot read the file: ${error instanceof Error ? error.message : String(error)}`, [key]);
    return undefined;
  }
}

/** A reporter that holds its reports until `flush`, so that parallel work reports in a fixed order. */
function deferred(report: Report): { report: Report; flush: () => void } {
  const held: Parameters<Report>[] = [];
  return {
    report: (...args) => void held.push(args),
    flush: () => {
      for (const args of held) report(...args);
    },
  };
}

async function readPem(path: string | undefined, key: string, report: Report): Promise<string | undefined> {
  if (path === undefined) return undefined;
  const content = await readSetting(path, key, report);
  if (content !== undefined && !content.includes('-----BEGIN ')) {
    report(`'${path}' is not a PEM file (it has no -----BEGIN line)`, [key]);
  }
  return content;
}

const clusterFields = z.object({
  'kafka.server': brokers,
  'kafka.cluster-name': text('a cluster name').optional(),
  'kafka.labels': labels.optional(),
  'kafka.client': oneOf<KafkaClientName>(['platformatic', 'kafkajs']),
  'kafka.request-timeout': duration,
  'topic.filter': pattern,
  'topic.exclude': pattern,
  'topic.include-internal': boolean,
  'group.filter': pattern,
  'group.exclude': pattern,
  'poll.interval': duration,
  'poll.timeout': duration.optional(),
  'sasl.enabled': boolean,
  'sasl.mechanism': mechanism.optional(),
  'sasl.username': text('a user name').optional(),
  'sasl.password': password.optional(),
  'tls.enabled': boolean,
  'tls.server-name': text('a server name').optional(),
  'tls.ca-file': text('a file path').optional(),
  'tls.cert-file': text('a file path').optional(),
  'tls.key-file': text('a file path').optional(),
  'tls.insecure-skip-tls-verify': boolean,
  'lag.time.mode': oneOf<TimeLagMode>(['exact', 'estimate']),
  'lag.history.size': wholeNumber(2, 10_000),
  'status.window': wholeNumber(2, 1000),
  'status.allowed-lag': offsetCount,
  'status.min-distance': durationOrZero,
  'group.metrics.granularity': oneOf<GroupMetricsGranularity>(GROUP_METRICS_GRANULARITIES),
  'metrics.disable': metricNames.optional(),
  'group.empty-max-age': durationOrZero.optional(),
});

/** Default poll deadline, milliseconds; shortened to the interval when that is shorter. */
export const DEFAULT_POLL_TIMEOUT_MS = 20_000;

/** One cluster: checks between settings, then reads the TLS and password files of enabled features. */
const clusterSchema = clusterFields.transform(async (c, ctx): Promise<ClusterConfig> => {
  const report: Report = (message, path = []) => ctx.addIssue({ code: 'custom', message, path });

  const pollTimeoutMs = c['poll.timeout'] ?? Math.min(DEFAULT_POLL_TIMEOUT_MS, c['poll.interval']);
  if (pollTimeoutMs > c['poll.interval']) {
    report(
      `must not be longer than the poll interval (${formatDuration(c['poll.interval'])}), got ${formatDuration(pollTimeoutMs)}`,
      ['poll.timeout'],
    );
  }

  let sasl: SaslConfig | undefined;
  if (c['sasl.enabled']) {
    const username = c['sasl.username'];
    const secret = c['sasl.password'];
    if (username === undefined) report('required when SASL is enabled', ['sasl.username']);
    if (secret === undefined)
      report('required when SASL is enabled (or give a password file)', ['sasl.password']);
    let passwordText = typeof secret === 'string' ? secret : undefined;
    if (secret instanceof SecretFile) {
      const content = await readSetting(secret.path, 'sasl.password', report);
      passwordText = content?.replace(/\r?\n$/, '');
      if (passwordText === '') report(`the password file '${secret.path}' is empty`, ['sasl.password']);
    }
    if (username !== undefined && passwordText !== undefined) {
      sasl = { mechanism: c['sasl.mechanism'] ?? 'PLAIN', username, password: passwordText };
    }
  }

  let tls: TlsConfig | undefined;
  if (c['tls.enabled']) {
    const certFile = c['tls.cert-file'];
    const keyFile = c['tls.key-file'];
    if (certFile !== undefined && keyFile === undefined)
      report('required with a client certificate', ['tls.key-file']);
    if (keyFile !== undefined && certFile === undefined)
      report('required with a client key', ['tls.cert-file']);
    // Read in parallel, report in a fixed order (CA, certificate, key) whichever read fails first.
    const reports = [deferred(report), deferred(report), deferred(report)] as const;
    const [ca, cert, key] = await Promise.all([
      readPem(c['tls.ca-file'], 'tls.ca-file', reports[0].report),
      readPem(certFile, 'tls.cert-file', reports[1].report),
      readPem(keyFile, 'tls.key-file', reports[2].report),
    ]);
    for (const r of reports) r.flush();
    tls = { insecureSkipVerify: c['tls.insecure-skip-tls-verify'] };
    if (ca !== undefined) tls.ca = ca;
    if (cert !== undefined) tls.cert = cert;
    if (key !== undefined) tls.key = key;
    const serverName = c['tls.server-name'];
    if (serverName !== undefined) tls.serverName = serverName;
  }

  const cluster: ClusterConfig = {
    brokers: c['kafka.server'],
    client: c['kafka.client'],
    labels: c['kafka.labels'] ?? {},
    topicFilter: c['topic.filter'],
    topicExclude: c['topic.exclude'],
    groupFilter: c['group.filter'],
    groupExclude: c['group.exclude'],
    includeInternalTopics: c['topic.include-internal'],
    pollIntervalMs: c['poll.interval'],
    pollTimeoutMs,
    requestTimeoutMs: c['kafka.request-timeout'],
    timeLagMode: c['lag.time.mode'],
    lagHistorySize: c['lag.history.size'],
    statusWindow: c['status.window'],
    statusAllowedLag: c['status.allowed-lag'],
    statusMinDistanceMs: c['status.min-distance'],
    groupMetricsGranularity: c['group.metrics.granularity'],
    disabledMetrics: c['metrics.disable'] ?? [],
  };
  const emptyMaxAgeMs = c['group.empty-max-age'];
  if (emptyMaxAgeMs !== undefined && emptyMaxAgeMs > 0) cluster.groupEmptyMaxAgeMs = emptyMaxAgeMs;
  const name = c['kafka.cluster-name'];
  if (name !== undefined) cluster.name = name;
  if (tls !== undefined) cluster.tls = tls;
  if (sasl !== undefined) cluster.sasl = sasl;
  return cluster;
});

/**
 * The configuration schema. Input: a merge.ts Candidate. Output: a Config without `warnings` and
 * `configFile` (loadConfig adds those). Parse with `parseAsync` (files are read during validation).
 */
export const configSchema = z
  .object({
    global: z.object({
      'web.listen-address': listenAddress,
      'web.telemetry-path': telemetryPath,
      'log.level': oneOf<LogLevel>(['debug', 'info', 'warn', 'error']),
      'log.format': oneOf<LogFormat>(['logfmt', 'json']),
    }),
    clusters: z.array(clusterSchema).min(1),
  })
  .transform((c, ctx): Omit<Config, 'warnings' | 'configFile'> => {
    const seen = new Map<string, number>();
    c.clusters.forEach((cluster, index) => {
      if (cluster.name === undefined) return;
      const first = seen.get(cluster.name);
      if (first === undefined) seen.set(cluster.name, index);
      else {
        ctx.addIssue({
          code: 'custom',
          message: `'${cluster.name}' is also the name of clusters[${first}]; cluster names must be unique`,
          path: ['clusters', index, 'kafka.cluster-name'],
        });
      }
    });
    return {
      web: { ...c.global['web.listen-address'], telemetryPath: c.global['web.telemetry-path'] },
      log: { level: c.global['log.level'], format: c.global['log.format'] },
      clusters: c.clusters,
    };
  });
