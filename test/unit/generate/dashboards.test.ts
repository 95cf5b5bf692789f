import {
  DashboardBuilder,
  type Dashboard,
  type Panel,
  type RowPanel,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveGenerateConfig } from '../../../src/generate/config.js';
import { DASHBOARDS, dashboardJson, type DashboardKey } from '../../../src/generate/dashboards/common.js';
import { DASHBOARD_FILES } from '../../../src/generate/dashboards/index.js';
import { checkLabelValues, checkPromql, knownMetrics } from './promql-check.js';

const config = resolveGenerateConfig();
const built: { key: DashboardKey; fileName: string; dashboard: Dashboard }[] = DASHBOARD_FILES.map((d) => ({
  key: d.key,
  fileName: d.fileName,
  dashboard: d.build(config),
}));

/** Every panel of a dashboard, rows and the panels of collapsed rows included, in layout order. */
function allPanels(dashboard: Dashboard): (Panel | RowPanel)[] {
  return (dashboard.panels ?? []).flatMap((p) => (p.type === 'row' ? [p, ...(p as RowPanel).panels] : [p]));
}

/** The non-row panels. */
function contentPanels(dashboard: Dashboard): Panel[] {
  return allPanels(dashboard).filter((p): p is Panel => p.type !== 'row');
}

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
  format?: string;
  instant?: boolean;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

describe.each(built)('dashboard $fileName', ({ key, dashboard }) => {
  let known: Awaited<ReturnType<typeof knownMetrics>>;
  beforeAll(async () => {
    known = await knownMetrics();
  });
  const json = dashboardJson(dashboard);
  const panels = contentPanels(dashboard);
  const variables = dashboard.templating.list ?? [];

  it('has a stable uid, a title, the SDK schema version, tags and links to the other dashboards', () => {
    expect(dashboard.uid).toBe(`lagwatch-${DASHBOARDS[key].uid}`);
    expect(dashboard.title).toBe(`lagwatch / ${DASHBOARDS[key].title}`);
    expect(dashboard.schemaVersion).toBe(new DashboardBuilder('x').build().schemaVersion);
    expect(dashboard.tags).toEqual(['lagwatch', 'kafka']);
    expect(dashboard.links).toEqual([
      expect.objectContaining({
        type: 'dashboards',
        tags: ['lagwatch', 'kafka'],
        includeVars: true,
        keepTime: true,
      }),
    ]);
    expect(dashboard.links?.[0]).not.toHaveProperty('placement');
  });

  it('uses the datasource variable everywhere and no __inputs', () => {
    expect(json).not.toContain('__inputs');
    expect(json).not.toContain('DS_PROMETHEUS');
    expect(variables[0]).toMatchObject({ type: 'datasource', name: 'datasource', query: 'prometheus' });
    for (const variable of variables.filter((v) => v.type === 'query'))
      expect(variable.datasource).toEqual(DATASOURCE);
    for (const panel of panels) {
      expect(panel.datasource, panel.title).toEqual(DATASOURCE);
      for (const target of (panel.targets ?? []) as Target[])
        expect(target.datasource, panel.title).toEqual(DATASOURCE);
    }
  });

  it('numbers panels 1, 2, … in layout order, rows included', () => {
    expect(allPanels(dashboard).map((p) => p.id)).toEqual(allPanels(dashboard).map((_, i) => i + 1));
  });

  it('gives each panel refIds A, B, … and unique titles', () => {
    for (const panel of panels) {
      const refIds = ((panel.targets ?? []) as Target[]).map((t) => t.refId);
      expect(refIds.length, panel.title).toBeGreaterThan(0);
      expect(refIds, panel.title).toEqual(refIds.map((_, i) => String.fromCharCode(65 + i)));
    }
    const titles = allPanels(dashboard)
      .filter((p) => p.type !== 'row')
      .map((p) => p.title);
    expect(new Set(titles).size).toBe(titles.length);
  });

  it('gives every panel a description, a unit and thresholds', () => {
    for (const panel of panels) {
      expect(panel.description, panel.title).toBeTruthy();
      expect(panel.fieldConfig?.defaults.unit, panel.title).toBeTruthy();
      expect(panel.fieldConfig?.defaults.thresholds?.steps.length, panel.title).toBeGreaterThan(0);
      expect(panel.fieldConfig?.defaults.thresholds?.steps[0]?.value, panel.title).toBeNull();
    }
  });

  it('lays panels out inside the 24-column grid', () => {
    for (const panel of allPanels(dashboard)) {
      const pos = panel.gridPos;
      expect(pos, panel.title).toBeDefined();
      expect((pos?.x ?? 0) + (pos?.w ?? 0), panel.title).toBeLessThanOrEqual(24);
    }
  });

  it('has queries that parse as PromQL and select only known metrics on labels they have', () => {
    for (const panel of panels) {
      for (const target of (panel.targets ?? []) as Target[]) {
        const report = checkPromql(target.expr ?? '', known);
        const where = `${panel.title ?? ''} ${target.refId ?? ''}: ${target.expr ?? ''}`;
        expect(report.syntaxErrors, where).toEqual([]);
        expect(report.problems, where).toEqual([]);
        expect(report.metrics.length, where).toBeGreaterThan(0);
      }
    }
  });

  it('uses $__rate_interval in every rate()', () => {
    for (const panel of panels) {
      for (const target of (panel.targets ?? []) as Target[]) {
        for (const [, window] of (target.expr ?? '').matchAll(/\brate\([^[]*\[([^\]]+)\]/g)) {
          expect(window, panel.title).toBe('$__rate_interval');
        }
      }
    }
  });

  it('has query variables over label_values of known metrics and labels', () => {
    for (const variable of variables.filter((v) => v.type === 'query')) {
      const report = checkLabelValues(String(variable.query), known);
      expect(report.syntaxErrors, variable.name).toEqual([]);
      expect(report.problems, variable.name).toEqual([]);
      expect(variable.definition).toBe(variable.query);
      if (variable.includeAll === true) expect(variable.allValue).toBe('.*');
    }
  });

  it('only references variables it defines', () => {
    const defined = new Set(variables.map((v) => v.name));
    const builtIn = /^__(rate_interval|interval|range|value|data|url_time_range)/;
    for (const [, name] of json.matchAll(/\$\{?(\w+)/g)) {
      if (name === undefined || builtIn.test(name)) continue;
      expect(defined, `$${name}`).toContain(name);
    }
  });

  it('overrides only columns that tables have', () => {
    for (const panel of panels.filter((p) => p.type === 'table')) {
      const organize = (panel.transformations ?? []).find((t) => t.id === 'organize');
      const options = organize?.options as {
        renameByName: Record<string, string>;
        indexByName: Record<string, number>;
      };
      const columns = new Set([...Object.keys(options.indexByName), ...Object.values(options.renameByName)]);
      for (const override of panel.fieldConfig?.overrides ?? []) {
        if (override.matcher.id === 'byName')
          expect(columns, panel.title).toContain(override.matcher.options);
      }
    }
  });
});

describe('dashboards together', () => {
  it('have distinct uids, titles and file names', () => {
    for (const field of ['uid', 'title'] as const) {
      const values = built.map((b) => b.dashboard[field]);
      expect(new Set(values).size).toBe(values.length);
    }
    expect(new Set(built.map((b) => b.fileName)).size).toBe(built.length);
  });

  it('link table cells only to dashboards that exist', () => {
    const uids = new Set(built.map((b) => b.dashboard.uid));
    for (const { dashboard } of built) {
      for (const [, uid] of dashboardJson(dashboard).matchAll(/"url": "\/d\/([\w-]+)\?/g))
        expect(uids).toContain(uid);
    }
  });

  it('follow the uid prefix, tags and selector of the configuration', () => {
    const custom = resolveGenerateConfig({
      selector: 'job="kafka-lag"',
      clusterLabel: 'cluster_name',
      dashboards: { uidPrefix: 'kl', tags: ['kafka-lag'], titlePrefix: '', refresh: '' },
    });
    for (const file of DASHBOARD_FILES) {
      const dashboard = file.build(custom);
      const text = dashboardJson(dashboard);
      expect(dashboard.uid).toBe(`kl-${DASHBOARDS[file.key].uid}`);
      expect(dashboard.title).toBe(DASHBOARDS[file.key].title);
      expect(dashboard.tags).toEqual(['kafka-lag']);
      expect(dashboard.refresh).toBeUndefined();
      expect(text).not.toContain('job=\\"lagwatch\\"');
      expect(text).not.toContain('/d/lagwatch-');
      expect(text).toContain('cluster_name=~\\"$kafka_cluster\\"');
    }
  });
});
