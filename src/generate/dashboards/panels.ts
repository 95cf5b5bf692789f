/**
 * Panel constructors with lagwatch's defaults, one per visualisation: stat, time series, table, state
 * timeline and status history. Each returns the SDK builder of its panel module (imported aliased, as the
 * SDK has one `PanelBuilder` per module) so that callers can add overrides and transformations.
 */
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueTextMode,
  GraphThresholdsStyleMode,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TableSortByFieldStateBuilder,
  TooltipDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
  GraphThresholdsStyleConfigBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import { RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatPanel } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as StateTimelinePanel } from '@grafana/grafana-foundation-sdk/statetimeline';
import { PanelBuilder as StatusHistoryPanel } from '@grafana/grafana-foundation-sdk/statushistory';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import { basePanel, DATASOURCE, tableTransformations, type PanelSpec } from './common.js';

/** A row (expanded; its panels follow it on the dashboard). */
export function row(title: string): RowBuilder {
  return new RowBuilder(title).datasource(DATASOURCE);
}

/** A stat panel showing the last value of each series, coloured by thresholds. */
export function stat(spec: PanelSpec, options: { readonly background?: boolean } = {}): StatPanel {
  return basePanel(new StatPanel(), spec)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .colorMode(options.background === true ? BigValueColorMode.Background : BigValueColorMode.Value)
    .graphMode(BigValueGraphMode.None)
    .textMode(BigValueTextMode.Auto);
}

/** Options of {@link timeseries}. */
export interface TimeseriesOptions {
  /** Legend as a table on the right with last and max values (for panels with many series). */
  readonly tableLegend?: boolean;
  /** Stack series (e.g. counts by status). */
  readonly stacked?: boolean;
  /** Draw the thresholds as dashed lines (e.g. the lag alert thresholds). */
  readonly thresholdLines?: boolean;
  /** Axis label, e.g. `offsets/s`. */
  readonly axisLabel?: string;
  /** Minimum of the y axis; most quantities here are never negative. Default 0. */
  readonly min?: number | null;
}

/** A time-series panel: lines, legend, multi tooltip sorted descending. */
export function timeseries(spec: PanelSpec, options: TimeseriesOptions = {}): TimeseriesPanel {
  const legend =
    options.tableLegend === true
      ? new VizLegendOptionsBuilder()
          .displayMode(LegendDisplayMode.Table)
          .placement(LegendPlacement.Right)
          .showLegend(true)
          .calcs(['lastNotNull', 'max'])
          .sortBy('Last *')
          .sortDesc(true)
      : new VizLegendOptionsBuilder()
          .displayMode(LegendDisplayMode.List)
          .placement(LegendPlacement.Bottom)
          .showLegend(true);
  let panel = basePanel(new TimeseriesPanel(), spec)
    .legend(legend)
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
    .fillOpacity(options.stacked === true ? 30 : 10)
    .lineWidth(1)
    .showPoints(VisibilityMode.Never);
  const min = options.min === undefined ? 0 : options.min;
  if (min !== null) panel = panel.min(min);
  if (options.stacked === true) panel = panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  if (options.thresholdLines === true) {
    panel = panel.thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  if (options.axisLabel !== undefined) panel = panel.axisLabel(options.axisLabel);
  return panel;
}

/** Options of {@link table}. */
export interface TableOptions {
  /** Columns to hide; `Time` is always hidden. */
  readonly hide?: readonly string[];
  /** `[field, display name]` in display order; value fields are `Value` (one query) or `Value #A`, … */
  readonly columns: readonly (readonly [string, string])[];
  /** Label columns shown first, in order. */
  readonly leading: readonly string[];
  /** Column (display name) to sort by, descending. */
  readonly sortBy?: string;
}

/** A table of instant queries merged on their labels, with renamed and ordered columns. */
export function table(spec: PanelSpec, options: TableOptions): TablePanel {
  let panel = basePanel(new TablePanel(), spec)
    .showHeader(true)
    .filterable(true)
    .transformations(
      tableTransformations({
        hide: ['Time', ...(options.hide ?? [])],
        columns: options.columns,
        leading: options.leading,
      }),
    );
  if (options.sortBy !== undefined) {
    panel = panel.sortBy([new TableSortByFieldStateBuilder().displayName(options.sortBy).desc(true)]);
  }
  return panel;
}

/** A state timeline: one row per series, values shown through the spec's value mappings. */
export function stateTimeline(spec: PanelSpec): StateTimelinePanel {
  return basePanel(new StateTimelinePanel(), spec)
    .showValue(VisibilityMode.Auto)
    .mergeValues(true)
    .rowHeight(0.9)
    .fillOpacity(80)
    .lineWidth(0)
    .legend(new VizLegendOptionsBuilder().displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).showLegend(true))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Single).sort(SortOrder.None));
}

/** A status history: one row per series, one cell per interval, for many series (partitions). */
export function statusHistory(spec: PanelSpec): StatusHistoryPanel {
  return basePanel(new StatusHistoryPanel(), spec)
    .showValue(VisibilityMode.Never)
    .rowHeight(0.9)
    .fillOpacity(80)
    .lineWidth(0)
    .legend(new VizLegendOptionsBuilder().displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).showLegend(true))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Single).sort(SortOrder.None));
}
