/**
 * Everything `lagwatch generate` writes, as (relative path, content) pairs: a pure function of the
 * configuration, so that the committed files can be compared byte for byte with a fresh generation.
 */
import { alertRuleGroups } from './alerts.js';
import type { GenerateConfig } from './config.js';
import { dashboardJson } from './dashboards/common.js';
import { DASHBOARD_FILES } from './dashboards/index.js';
import { renderPrometheusRule, renderRuleFile } from './rule-files.js';

/** One generated file; `path` is relative to the output directory and uses `/`. */
export interface Artifact {
  readonly path: string;
  readonly content: string;
}

/** Directory of the generated dashboards, relative to the output directory. */
export const DASHBOARDS_DIR = 'dashboards';
/** Directory of the generated rule files, relative to the output directory. */
export const ALERTS_DIR = 'alerts';

/** Every generated file for `config`, in a fixed order. */
export function generateArtifacts(config: GenerateConfig): Artifact[] {
  const groups = alertRuleGroups(config);
  return [
    ...DASHBOARD_FILES.map((d) => ({
      path: `${DASHBOARDS_DIR}/${d.fileName}`,
      content: dashboardJson(d.build(config)),
    })),
    { path: `${ALERTS_DIR}/lagwatch.rules.yaml`, content: renderRuleFile(groups) },
    {
      path: `${ALERTS_DIR}/lagwatch.prometheusrule.yaml`,
      content: renderPrometheusRule(groups, config.prometheusRule),
    },
  ];
}
