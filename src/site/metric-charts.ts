/**
 * A metric's history as SVG: joins metric-history to svg-chart and supplies
 * the formatting, so axis ticks go through the same format.ts as every value
 * in the email ("36.0%", "CNY 50 bn") and dates through the same locale.
 */
import type { Newsletter } from '../model.js';
import { formatNumber } from '../render/format.js';
import { formatDate } from '../render/dates.js';
import { pointLabel, type MetricHistory } from './metric-history.js';
import { lineChart, sparkline, type ChartPoint, type DateTickUnit } from './svg-chart.js';
import type { ChartBand } from './svg-band.js';
import { projectionBand } from './metric-projection.js';
import { projectionView } from '../render/projection-view.js';

function chartPoints(h: MetricHistory): ChartPoint[] {
  // Placed at the period's end: H1 2025 sits at June 2025 whenever it was reported.
  return h.points.map((p) => ({ date: p.at, value: p.value, label: pointLabel(p), valueLabel: p.row.value, forecast: p.basis === 'forecast', period: p.periodRange }));
}

function dateTick(newsletter: Newsletter): (date: string, unit: DateTickUnit) => string {
  return (date, unit) => formatDate(date, unit === 'year' ? 'year' : 'month-short', newsletter.language, newsletter.timezone);
}

/**
 * Ticks print the bare number and the unit is captioned once: "800 M
 * downloads" on every gridline would take a third of the chart. The tick
 * step decides the decimals: 36, 37, 38 need none even when the metric has one.
 */
function valueTick(newsletter: Newsletter): (value: number, decimals: number) => string {
  return (value, decimals) => formatNumber(value, decimals, newsletter.language);
}

/** Sentence for screen readers: the range of the series and where it ended. */
export function historySummary(h: MetricHistory): string {
  const first = h.points[0]!;
  const last = h.latest;
  const name = (p: MetricHistory['points'][number]) => `${p.row.value} (${p.period ?? p.dateShort})`;
  if (h.points.length === 1) return `One value so far: ${name(last)}, reported ${last.dateShort}.`;
  let low = first;
  let high = first;
  for (const p of h.points) {
    if (p.value < low.value) low = p;
    if (p.value > high.value) high = p;
  }
  const forecasts = h.points.filter((p) => p.basis === 'forecast').length;
  return (
    `${h.points.length} observations from ${name(first)} to ${name(last)}; lowest ${name(low)}, highest ${name(high)}` +
    (forecasts > 0 ? `; ${forecasts} of them forecast${forecasts === 1 ? '' : 's'}, drawn hollow.` : '.')
  );
}

/** The metric's latest projection as the chart's band, with the range at the horizon in words. */
function chartBand(h: MetricHistory, newsletter: Newsletter): ChartBand {
  const p = h.projection!.projection;
  const v = projectionView(p, newsletter.language);
  return { points: projectionBand(p), label: `Our projection to ${v.horizon}: ${v.lowText} to ${v.highText}, base case ${v.baseValueText}` };
}

export interface MetricCharts {
  wide: string;
  /**
   * Drawn for phones rather than scaled down: a 640-unit chart squeezed into
   * 340 px has 7 px labels. CSS shows one of the two; the hidden one is
   * display:none, so screen readers meet a single chart.
   */
  compact: string;
}

export function metricChartSvgs(h: MetricHistory, newsletter: Newsletter): MetricCharts {
  const first = h.points[0]!;
  const common = {
    title: `${h.def.label}, ${first.dateShort} to ${h.latest.dateShort}`,
    description: `${historySummary(h)} The table below lists every value.`,
    unitLabel: `Unit: ${h.def.unit}`,
    formatValueTick: valueTick(newsletter),
    formatDateTick: dateTick(newsletter),
    fromZero: h.def.kind === 'share',
    breakAtGaps: h.def.measure === 'flow',
  };
  const points = chartPoints(h);
  const band = h.projection ? chartBand(h, newsletter) : undefined;
  if (band) common.description += ` ${band.label}; the hatched band runs from the lowest to the highest scenario, the dashed line is the base case.`;
  return {
    wide: lineChart(points, { ...common, ...(band ? { band } : {}), id: `chart-${h.def.key}`, className: 'chart-wide' }),
    compact: lineChart(points, { ...common, ...(band ? { band } : {}), id: `chart-${h.def.key}-compact`, className: 'chart-compact', width: 360, height: 240, maxDateTicks: 4 }),
  };
}

export function metricSparklineSvg(h: MetricHistory): string {
  return sparkline(chartPoints(h), {
    id: `spark-${h.def.key}`,
    title: `${h.def.label}: trend`,
    description: historySummary(h),
    breakAtGaps: h.def.measure === 'flow',
  });
}
