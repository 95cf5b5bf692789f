/**
 * Reading the generated Grafana dashboards (dashboards/*.json) the way Grafana runs them against
 * Prometheus: template variables, panel targets (range or instant), and Grafana's variable interpolation
 * (`$var`, `${var}`, `${var:format}`, `[[var]]`, and the built-ins `$__rate_interval`, `$__range`, …).
 * Pure functions; the e2e test feeds them a live Prometheus.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A query variable of a dashboard (`templating.list[]` with `type: query`). */
export interface QueryVariable {
  readonly name: string;
  /** The variable's query, e.g. `label_values(kafka_cluster_info{job="lagwatch"}, kafka_cluster)`. */
  readonly query: string;
  readonly multi: boolean;
  readonly includeAll: boolean;
  /** The value `All` stands for; Grafana's default (every value joined) when absent. */
  readonly allValue: string | undefined;
}

/** One Prometheus target of one panel. */
export interface PanelTarget {
  readonly panelId: number;
  readonly panelTitle: string;
  readonly panelType: string;
  readonly refId: string;
  readonly expr: string;
  /** An instant query (Grafana `instant: true`, e.g. tables and stats); else a range query. */
  readonly instant: boolean;
}

/** One dashboard file. */
export interface LoadedDashboard {
  readonly file: string;
  readonly uid: string;
  readonly title: string;
  /** The query variables, in dashboard order (later ones may refer to earlier ones). */
  readonly variables: readonly QueryVariable[];
  /** Names of every variable (query, datasource, constant, …). */
  readonly variableNames: readonly string[];
  readonly targets: readonly PanelTarget[];
}

/** The parts of the dashboard JSON read here. */
interface DashboardJson {
  uid?: string;
  title?: string;
  templating?: { list?: VariableJson[] };
  panels?: PanelJson[];
}

interface VariableJson {
  name: string;
  type: string;
  query?: string | { query?: string };
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string | null;
}

interface PanelJson {
  id?: number;
  type: string;
  title?: string;
  panels?: PanelJson[];
  datasource?: { type?: string; uid?: string } | null;
  targets?: { refId?: string; expr?: string; instant?: boolean; range?: boolean; format?: string }[];
}

/** Every panel, rows' nested panels included, in layout order. */
function flattenPanels(panels: readonly PanelJson[]): PanelJson[] {
  return panels.flatMap((p) => (p.type === 'row' ? [p, ...flattenPanels(p.panels ?? [])] : [p]));
}

/** Parses one dashboard's JSON. @throws Error for a target without an expression. */
export function parseDashboard(file: string, text: string): LoadedDashboard {
  const json = JSON.parse(text) as DashboardJson;
  const list = json.templating?.list ?? [];
  const variables: QueryVariable[] = list
    .filter((v) => v.type === 'query')
    .map((v) => ({
      name: v.name,
      query: typeof v.query === 'string' ? v.query : (v.query?.query ?? ''),
      multi: v.multi === true,
      includeAll: v.includeAll === true,
      allValue: v.allValue ?? undefined,
    }));
  const targets: PanelTarget[] = [];
  for (const panel of flattenPanels(json.panels ?? [])) {
    for (const t of panel.targets ?? []) {
      const where = `${file}: panel ${panel.id} "${panel.title}" target ${t.refId}`;
      if (typeof t.expr !== 'string' || t.expr.trim() === '') throw new Error(`${where} has no expr`);
      targets.push({
        panelId: panel.id ?? 0,
        panelTitle: panel.title ?? '',
        panelType: panel.type,
        refId: t.refId ?? '',
        expr: t.expr,
        instant: t.instant === true && t.range !== true,
      });
    }
  }
  return {
    file,
    uid: json.uid ?? '',
    title: json.title ?? '',
    variables,
    variableNames: list.map((v) => v.name),
    targets,
  };
}

/** Every `*.json` dashboard in `dir`, sorted by file name. */
export async function loadDashboards(dir: string): Promise<LoadedDashboard[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  return Promise.all(names.map(async (n) => parseDashboard(n, await readFile(join(dir, n), 'utf8'))));
}

/** `label_values(<selector>, <label>)` split into its parts; undefined for any other variable query. */
export function parseLabelValues(query: string): { selector: string; label: string } | undefined {
  const m = /^\s*label_values\(\s*(.+?)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s.exec(query);
  return m ? { selector: m[1]!, label: m[2]! } : undefined;
}

/** Grafana's built-in variables a Prometheus query may use, for a given time range and step. */
export function builtins(
  rangeSeconds: number,
  intervalSeconds: number,
  rateIntervalSeconds: number,
): Record<string, string> {
  const range = Math.max(1, Math.round(rangeSeconds));
  return {
    __range: `${range}s`,
    __range_s: String(range),
    __range_ms: String(range * 1000),
    __interval: `${intervalSeconds}s`,
    __interval_ms: String(intervalSeconds * 1000),
    __rate_interval: `${rateIntervalSeconds}s`,
    __rate_interval_ms: String(rateIntervalSeconds * 1000),
  };
}

const VARIABLE_REFERENCE =
  /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]|\$([A-Za-z0-9_]+)/g;

/**
 * Interpolates every variable reference in `text` with `values` (the caller's choice of concrete values,
 * regexes such as `.*`, and the {@link builtins}).
 * @throws Error naming the variable when `text` refers to one that `values` lacks, so that a new variable
 *   in a dashboard makes the test fail until it says what to put there.
 */
export function interpolate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE_REFERENCE, (whole, braced?: string, bracketed?: string, plain?: string) => {
    const name = braced ?? bracketed ?? plain ?? '';
    const value = values[name];
    if (value === undefined) throw new Error(`no value for variable ${name} (in ${JSON.stringify(text)})`);
    return value;
  });
}

/** The variable names `text` refers to. */
export function referencedVariables(text: string): string[] {
  return [...text.matchAll(VARIABLE_REFERENCE)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}
