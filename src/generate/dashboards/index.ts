/**
 * Every generated dashboard, with the file it is written to under `dashboards/`.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { GenerateConfig } from '../config.js';
import type { DashboardKey } from './common.js';
import { consumerGroupDashboard } from './consumer-group.js';
import { exporterDashboard } from './exporter.js';
import { overviewDashboard } from './overview.js';
import { topicDashboard } from './topic.js';

/** One dashboard and its file name (fixed, whatever the uid prefix). */
export interface DashboardFile {
  readonly key: DashboardKey;
  readonly fileName: string;
  readonly build: (config: GenerateConfig) => Dashboard;
}

/** The dashboards in the order the Overview links them. */
export const DASHBOARD_FILES: readonly DashboardFile[] = [
  { key: 'overview', fileName: 'lagwatch-overview.json', build: overviewDashboard },
  { key: 'consumerGroup', fileName: 'lagwatch-consumer-group.json', build: consumerGroupDashboard },
  { key: 'topic', fileName: 'lagwatch-topic.json', build: topicDashboard },
  { key: 'exporter', fileName: 'lagwatch-exporter.json', build: exporterDashboard },
];
