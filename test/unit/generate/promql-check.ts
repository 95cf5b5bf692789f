/**
 * Offline checks of generated PromQL: syntax with @prometheus-io/lezer-promql (after replacing Grafana's
 * macros and variables, which are not PromQL), and that every metric a query selects exists — in the
 * catalog, among prom-client's default metrics, or among Prometheus's synthetic per-target series — with
 * matchers only on labels that metric has.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { allMetrics } from '../../../src/metrics/catalog.js';
import { PROMETHEUS_SYNTHETIC_METRICS } from '../../../src/generate/promql.js';

/** Labels a scrape adds to every series (target labels), usable in matchers of any metric. */
const TARGET_LABELS = new Set(['job', 'instance']);

/** Every metric name a query may select, with the label names it may be matched on (null = any). */
export async function knownMetrics(): Promise<Map<string, ReadonlySet<string> | null>> {
  const known = new Map<string, ReadonlySet<string> | null>();
  for (const m of allMetrics) known.set(m.name, new Set(m.labelNames));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const m of await registry.getMetricsAsJSON()) {
    known.set(m.name, null);
    if (String(m.type) === 'histogram')
      for (const suffix of ['_bucket', '_sum', '_count']) known.set(m.name + suffix, null);
  }
  for (const name of PROMETHEUS_SYNTHETIC_METRICS) known.set(name, null);
  return known;
}

/**
 * Replaces Grafana's macros and variables with PromQL-valid text: `$__rate_interval`, `$__interval`,
 * `$__range` (and their `${…}` forms) become `5m`; any other `$var` / `${var}` becomes `var_value`, which is
 * harmless inside a label-matcher string and shows up as an unknown metric anywhere else.
 */
export function substituteGrafana(expr: string): string {
  return expr
    .replace(/\$\{?__(rate_interval|interval|range)\}?/g, '5m')
    .replace(/\$\{(\w+)(?::\w+)?\}/g, '$1_value')
    .replace(/\$(\w+)/g, '$1_value');
}

/** What {@link checkPromql} found. */
export interface PromqlReport {
  /** Syntax errors as `offset: text near the error`. */
  readonly syntaxErrors: string[];
  /** Metric names selected by the query. */
  readonly metrics: string[];
  /** Problems with metrics and matchers (unknown metric, label not on the metric, selector without name). */
  readonly problems: string[];
}

/**
 * Parses `expr` (Grafana macros substituted) and checks its selectors against `known`. `extraLabels` are
 * label names allowed on every metric besides its own and the target labels (e.g. the configured
 * selector's labels).
 */
export function checkPromql(
  expr: string,
  known: ReadonlyMap<string, ReadonlySet<string> | null>,
  extraLabels: ReadonlySet<string> = new Set(),
): PromqlReport {
  const text = substituteGrafana(expr);
  const tree = parser.parse(text);
  const syntaxErrors: string[] = [];
  const metrics: string[] = [];
  const problems: string[] = [];
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) {
        syntaxErrors.push(`${ref.from}: …${text.slice(Math.max(0, ref.from - 30), ref.from + 30)}…`);
        return;
      }
      if (ref.name !== 'VectorSelector') return;
      const node = ref.node;
      const identifier = node.getChild('Identifier');
      if (identifier === null) {
        problems.push(`selector without a metric name: ${text.slice(ref.from, ref.to)}`);
        return;
      }
      const name = text.slice(identifier.from, identifier.to);
      metrics.push(name);
      if (!known.has(name)) {
        problems.push(`unknown metric ${name}`);
        return;
      }
      const allowed = known.get(name);
      const matchers = node.getChild('LabelMatchers');
      if (allowed === null || allowed === undefined || matchers === null) return;
      for (const matcher of matchers.getChildren('UnquotedLabelMatcher')) {
        const labelNode = matcher.getChild('LabelName');
        const label = labelNode === null ? '' : text.slice(labelNode.from, labelNode.to);
        if (!allowed.has(label) && !TARGET_LABELS.has(label) && !extraLabels.has(label)) {
          problems.push(`${name} has no label ${label}`);
        }
      }
    },
  });
  return { syntaxErrors, metrics, problems };
}

/** `label_values(<selector>, <label>)`, the Grafana variable query form the dashboards use. */
const LABEL_VALUES = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/s;

/** Checks a Grafana `label_values(selector, label)` query: the selector as PromQL, the label on its metric. */
export function checkLabelValues(
  query: string,
  known: ReadonlyMap<string, ReadonlySet<string> | null>,
  extraLabels: ReadonlySet<string> = new Set(),
): PromqlReport {
  const match = LABEL_VALUES.exec(query);
  if (match === null)
    return { syntaxErrors: [`not label_values(selector, label): ${query}`], metrics: [], problems: [] };
  const [, selector = '', label = ''] = match;
  const report = checkPromql(selector, known, extraLabels);
  const problems = [...report.problems];
  if (report.metrics.length !== 1) problems.push(`label_values selector must name one metric: ${selector}`);
  for (const name of report.metrics) {
    const allowed = known.get(name);
    if (allowed !== null && allowed !== undefined && !allowed.has(label) && !TARGET_LABELS.has(label)) {
      problems.push(`label_values: ${name} has no label ${label}`);
    }
  }
  return { ...report, problems };
}
