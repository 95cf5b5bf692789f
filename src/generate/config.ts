/**
 * The mixin-like configuration of `lagwatch generate`: one typed object (selectors, cluster label, thresholds,
 * `for` durations, severities, runbook URL pattern, PrometheusRule metadata, dashboard uids and tags) from
 * which every dashboard and alert rule is generated. Users regenerate for their environment instead of
 * editing the generated JSON and YAML (dashboards-and-alerts.md §1–2).
 *
 * {@link defaultGenerateConfig} produces the committed files in dashboards/ and alerts/;
 * {@link resolveGenerateConfig} applies overrides and validates the result.
 */

/** Every alert lagwatch generates, in rule-file order. Runbook anchors are these names lower-cased. */
export const ALERT_NAMES = [
  'LagwatchConsumerLagHigh',
  'LagwatchConsumerLagCritical',
  'LagwatchConsumerLagGrowing',
  'LagwatchConsumerGroupStatusError',
  'LagwatchConsumerGroupWithoutMembers',
  'LagwatchConsumerMessagesLost',
  'LagwatchConsumerRetentionMarginLow',
  'LagwatchPartitionOffline',
  'LagwatchPartitionReplicasOffline',
  'LagwatchPartitionUnderReplicated',
  'LagwatchExporterDown',
  'LagwatchExporterAbsent',
  'LagwatchPollFailing',
  'LagwatchPollStale',
  'LagwatchPollErrors',
] as const;

export type AlertName = (typeof ALERT_NAMES)[number];

/** The mixin severities: `critical` pages, `warning` makes a ticket, `info` is not routed. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Alert thresholds. Durations are PromQL durations (`30m`, `1h30m`). */
export interface Thresholds {
  /** Time lag of a group on a topic (worst partition) above which LagwatchConsumerLagHigh fires. */
  readonly lagSecondsWarning: number;
  /** Time lag above which LagwatchConsumerLagCritical fires. */
  readonly lagSecondsCritical: number;
  /** Window over which LagwatchConsumerLagGrowing fits the growth of the time lag (`deriv`). */
  readonly lagGrowingWindow: string;
  /**
   * Least growth of the time lag, in seconds of lag per second of wall-clock time, for
   * LagwatchConsumerLagGrowing: 1 is a stopped consumer, 0.1 a consumer 10 % slower than its producers.
   * A busy group that keeps up has a flat time lag however many messages it handles, so it stays below.
   */
  readonly lagGrowingMinRate: number;
  /**
   * Share (0–1) of a partition's retained time span that the group has not consumed yet, above which
   * LagwatchConsumerRetentionMarginLow fires: lag / (lag + retention margin), both in seconds.
   */
  readonly retentionMarginRatio: number;
  /** Seconds since the last successful poll above which LagwatchPollStale fires. */
  readonly pollStaleSeconds: number;
  /** Window of `increase(lagwatch_poll_errors_total[…])` for LagwatchPollErrors. */
  readonly pollErrorsWindow: string;
}

/** Metadata of the generated PrometheusRule manifest (prometheus-operator). */
export interface PrometheusRuleMeta {
  readonly name: string;
  /** Namespace of the manifest; `null` leaves it out (kubectl's current namespace applies). */
  readonly namespace: string | null;
  /** `metadata.labels`; must match the Prometheus resource's `ruleSelector` (e.g. `release: <helm release>`). */
  readonly labels: Readonly<Record<string, string>>;
}

/** Dashboard identity and presentation. */
export interface DashboardOptions {
  /** Prefix of every dashboard uid: `<prefix>-overview`, `<prefix>-consumer-group`, … */
  readonly uidPrefix: string;
  /** Tags of every dashboard; the dashboards link to each other through these tags. */
  readonly tags: readonly string[];
  /** Prefix of every dashboard title, e.g. `lagwatch / ` → `lagwatch / Overview`. */
  readonly titlePrefix: string;
  /** Auto-refresh interval, e.g. `30s`; empty for none. */
  readonly refresh: string;
  /** Default time range start, e.g. `now-6h`. */
  readonly timeFrom: string;
}

/** Everything `lagwatch generate` needs. All fields are required; see {@link defaultGenerateConfig}. */
export interface GenerateConfig {
  /** Name of the label that identifies the Kafka cluster on every series (lagwatch writes `kafka_cluster`). */
  readonly clusterLabel: string;
  /**
   * Label matchers added to every selector of every query and rule, without braces, e.g. `job="lagwatch"`.
   * Also selects lagwatch's scrape targets for LagwatchExporterDown/Absent (`up{<selector>}`), so it must
   * not be empty.
   */
  readonly selector: string;
  readonly thresholds: Thresholds;
  /** `for:` of every alert. */
  readonly for: Readonly<Record<AlertName, string>>;
  /** `keep_firing_for:` of every alert (Prometheus ≥ 2.42), or `null` to leave it out. */
  readonly keepFiringFor: string | null;
  readonly severities: Readonly<Record<AlertName, Severity>>;
  /** Runbook URL of an alert: `%s` is replaced by the alert name in lower case. */
  readonly runbookUrlPattern: string;
  readonly prometheusRule: PrometheusRuleMeta;
  readonly dashboards: DashboardOptions;
}

/** Where the committed runbooks live; the default runbook URL pattern points into this file. */
export const RUNBOOKS_URL = 'https://github.com/lagwatch/lagwatch/blob/main/docs/runbooks.md';

/** The configuration the committed dashboards/ and alerts/ are generated with. */
export function defaultGenerateConfig(): GenerateConfig {
  return {
    clusterLabel: 'kafka_cluster',
    selector: 'job="lagwatch"',
    thresholds: {
      lagSecondsWarning: 300,
      lagSecondsCritical: 900,
      lagGrowingWindow: '30m',
      lagGrowingMinRate: 0.1,
      retentionMarginRatio: 0.8,
      pollStaleSeconds: 300,
      pollErrorsWindow: '10m',
    },
    for: {
      LagwatchConsumerLagHigh: '10m',
      LagwatchConsumerLagCritical: '10m',
      LagwatchConsumerLagGrowing: '15m',
      LagwatchConsumerGroupStatusError: '10m',
      LagwatchConsumerGroupWithoutMembers: '10m',
      LagwatchConsumerMessagesLost: '5m',
      LagwatchConsumerRetentionMarginLow: '15m',
      LagwatchPartitionOffline: '2m',
      LagwatchPartitionReplicasOffline: '10m',
      LagwatchPartitionUnderReplicated: '10m',
      LagwatchExporterDown: '5m',
      LagwatchExporterAbsent: '15m',
      LagwatchPollFailing: '5m',
      LagwatchPollStale: '2m',
      LagwatchPollErrors: '15m',
    },
    keepFiringFor: null,
    severities: {
      LagwatchConsumerLagHigh: 'warning',
      LagwatchConsumerLagCritical: 'critical',
      LagwatchConsumerLagGrowing: 'warning',
      LagwatchConsumerGroupStatusError: 'warning',
      LagwatchConsumerGroupWithoutMembers: 'warning',
      LagwatchConsumerMessagesLost: 'critical',
      LagwatchConsumerRetentionMarginLow: 'warning',
      LagwatchPartitionOffline: 'critical',
      LagwatchPartitionReplicasOffline: 'warning',
      LagwatchPartitionUnderReplicated: 'warning',
      LagwatchExporterDown: 'critical',
      LagwatchExporterAbsent: 'critical',
      LagwatchPollFailing: 'warning',
      LagwatchPollStale: 'critical',
      LagwatchPollErrors: 'warning',
    },
    runbookUrlPattern: `${RUNBOOKS_URL}#%s`,
    prometheusRule: { name: 'lagwatch', namespace: null, labels: {} },
    dashboards: {
      uidPrefix: 'lagwatch',
      tags: ['lagwatch', 'kafka'],
      titlePrefix: 'lagwatch / ',
      refresh: '1m',
      timeFrom: 'now-6h',
    },
  };
}

/** Overrides of {@link GenerateConfig}: every field optional, nested objects merged one level deep. */
export interface GenerateConfigOverrides {
  readonly clusterLabel?: string;
  readonly selector?: string;
  readonly thresholds?: Partial<Thresholds>;
  readonly for?: Partial<Record<AlertName, string>>;
  readonly keepFiringFor?: string | null;
  readonly severities?: Partial<Record<AlertName, Severity>>;
  readonly runbookUrlPattern?: string;
  readonly prometheusRule?: Partial<PrometheusRuleMeta>;
  readonly dashboards?: Partial<DashboardOptions>;
}

/** A configuration that failed validation; `problems` lists every issue found, one line each. */
export class GenerateConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'GenerateConfigError';
  }
}

/** Applies `overrides` to the defaults and validates. Throws {@link GenerateConfigError} listing every problem. */
export function resolveGenerateConfig(overrides: GenerateConfigOverrides = {}): GenerateConfig {
  const base = defaultGenerateConfig();
  const config: GenerateConfig = {
    clusterLabel: overrides.clusterLabel ?? base.clusterLabel,
    selector: overrides.selector ?? base.selector,
    thresholds: { ...base.thresholds, ...definedOnly(overrides.thresholds) },
    for: { ...base.for, ...definedOnly(overrides.for) },
    keepFiringFor: overrides.keepFiringFor === undefined ? base.keepFiringFor : overrides.keepFiringFor,
    severities: { ...base.severities, ...definedOnly(overrides.severities) },
    runbookUrlPattern: overrides.runbookUrlPattern ?? base.runbookUrlPattern,
    prometheusRule: { ...base.prometheusRule, ...definedOnly(overrides.prometheusRule) },
    dashboards: { ...base.dashboards, ...definedOnly(overrides.dashboards) },
  };
  const problems = validateGenerateConfig(config);
  if (problems.length > 0) throw new GenerateConfigError(problems);
  return config;
}

/** A copy of `object` without its `undefined` fields, so that spreading it never erases a default. */
function definedOnly<T extends object>(object: T | undefined): Partial<T> {
  if (object === undefined) return {};
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** A PromQL duration: one or more `<integer><unit>` in descending unit order, e.g. `90s`, `1h30m`. */
const PROMQL_DURATION = /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;

/** Whether `text` is a non-empty PromQL duration (`0s` included). */
export function isPromqlDuration(text: string): boolean {
  return text !== '' && PROMQL_DURATION.test(text);
}

/** A Prometheus label name. Also a valid Go template field, so `{{ $labels.<name> }}` works. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One label matcher: `name op "value"`, the value a double-quoted string with backslash escapes. */
const MATCHER = /^\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"\s*$/;

/** Splits `a="x", b=~"y,z"` at the commas outside quoted strings. */
export function splitMatchers(selector: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i] ?? '';
    if (quoted && c === '\\') {
      current += c + (selector[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** Grafana dashboard uids are at most 40 characters of letters, digits, `-` and `_`. */
const UID_PREFIX = /^[a-zA-Z0-9_-]{1,24}$/;

/** Every problem of `config`, one line each; empty when it is valid. */
export function validateGenerateConfig(config: GenerateConfig): string[] {
  const problems: string[] = [];
  if (!LABEL_NAME.test(config.clusterLabel)) {
    problems.push(`cluster label '${config.clusterLabel}' is not a valid label name`);
  }
  const matchers = splitMatchers(config.selector);
  if (matchers.length === 0) {
    problems.push(
      'selector must not be empty: it selects lagwatch\'s scrape targets (up{…}), e.g. job="lagwatch"',
    );
  }
  for (const matcher of matchers) {
    if (!MATCHER.test(matcher))
      problems.push(`selector: '${matcher}' is not a label matcher like job="lagwatch"`);
  }

  const t = config.thresholds;
  const positive: [string, number][] = [
    ['lag seconds warning', t.lagSecondsWarning],
    ['lag seconds critical', t.lagSecondsCritical],
    ['lag growing min rate', t.lagGrowingMinRate],
    ['poll stale seconds', t.pollStaleSeconds],
  ];
  for (const [name, value] of positive) {
    if (!Number.isFinite(value) || value <= 0)
      problems.push(`${name} must be a positive number, got ${value}`);
  }
  if (t.lagSecondsCritical < t.lagSecondsWarning) {
    problems.push(
      `lag seconds critical (${t.lagSecondsCritical}) must not be below lag seconds warning (${t.lagSecondsWarning})`,
    );
  }
  if (!(t.retentionMarginRatio > 0 && t.retentionMarginRatio < 1)) {
    problems.push(
      `retention margin ratio must be between 0 and 1 (exclusive), got ${t.retentionMarginRatio}`,
    );
  }
  for (const [name, value] of [
    ['lag growing window', t.lagGrowingWindow],
    ['poll errors window', t.pollErrorsWindow],
  ] as const) {
    if (!isPromqlDuration(value) || /^0+[a-z]+$/.test(value)) {
      problems.push(`${name} '${value}' is not a positive PromQL duration such as 30m`);
    }
  }

  for (const name of ALERT_NAMES) {
    if (!isPromqlDuration(config.for[name])) {
      problems.push(`for of ${name}: '${config.for[name]}' is not a PromQL duration such as 10m`);
    }
    if (!(SEVERITIES as readonly string[]).includes(config.severities[name])) {
      problems.push(
        `severity of ${name}: '${config.severities[name]}' is not one of ${SEVERITIES.join(', ')}`,
      );
    }
  }
  for (const key of [...Object.keys(config.for), ...Object.keys(config.severities)]) {
    if (!isAlertName(key)) problems.push(`unknown alert '${key}'; alerts: ${ALERT_NAMES.join(', ')}`);
  }
  if (config.keepFiringFor !== null && !isPromqlDuration(config.keepFiringFor)) {
    problems.push(`keep firing for '${config.keepFiringFor}' is not a PromQL duration such as 5m`);
  }

  if (config.runbookUrlPattern.split('%s').length !== 2) {
    problems.push(`runbook URL pattern must contain '%s' exactly once, got '${config.runbookUrlPattern}'`);
  }

  const rule = config.prometheusRule;
  if (!isDnsSubdomain(rule.name))
    problems.push(`PrometheusRule name '${rule.name}' is not a valid Kubernetes name`);
  if (rule.namespace !== null && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(rule.namespace)) {
    problems.push(`PrometheusRule namespace '${rule.namespace}' is not a valid Kubernetes namespace`);
  }
  for (const [key, value] of Object.entries(rule.labels)) {
    if (!/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?$/.test(key)) {
      problems.push(`PrometheusRule label key '${key}' is not a valid Kubernetes label key`);
    }
    if (!/^([a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?)?$/.test(value)) {
      problems.push(`PrometheusRule label '${key}': value '${value}' is not a valid Kubernetes label value`);
    }
  }

  const d = config.dashboards;
  if (!UID_PREFIX.test(d.uidPrefix)) {
    problems.push(`uid prefix '${d.uidPrefix}' must be 1–24 letters, digits, '-' or '_'`);
  }
  if (d.tags.length === 0 || d.tags.some((tag) => tag.trim() === '')) {
    problems.push('dashboard tags must be a non-empty list of non-empty tags (the dashboards link by tag)');
  }
  if (d.refresh !== '' && !isPromqlDuration(d.refresh)) {
    problems.push(`dashboard refresh '${d.refresh}' is not a duration such as 1m`);
  }
  if (!/^now(-\d+[smhdwMy])?$/.test(d.timeFrom)) {
    problems.push(`dashboard time range start '${d.timeFrom}' is not like now-6h`);
  }
  return problems;
}

/** Whether `name` is one of {@link ALERT_NAMES}. */
export function isAlertName(name: string): name is AlertName {
  return (ALERT_NAMES as readonly string[]).includes(name);
}

/** Whether `name` is a Kubernetes object name (RFC 1123 subdomain). */
function isDnsSubdomain(name: string): boolean {
  return name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/** The runbook URL of `alert` under `pattern`: `%s` replaced by the lower-cased alert name. */
export function runbookUrl(pattern: string, alert: AlertName): string {
  return pattern.replace('%s', alert.toLowerCase());
}
