/**
 * The projection band of a metric chart: the range from the lowest to the
 * highest scenario as a hatched area with an outline, and the base scenario
 * as a dashed line, from the base observation to the horizon. Hatching and
 * an outline, never a fill of the series colour, keep it apart from actuals
 * (solid line, filled dots) and sourced forecasts (dashed line, hollow dots),
 * as IBCS notation asks of planned and projected figures.
 */
import { escapeXml } from '../util/escape.js';

export interface ChartBand {
  /** From the base observation to the horizon, oldest first; dates are ISO. */
  points: { date: string; low: number; high: number; base: number }[];
  /** Tooltip and legend text: "Our projection to 2030: CNY 91.3 bn to CNY 304.9 bn". */
  label: string;
}

export const BAND_COLOR = '#8250df';

function px(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** Dates and values the band adds to the chart's domain, so the axes reach the horizon and the band's extremes. */
export function bandExtent(band: ChartBand | undefined): { dates: string[]; values: number[] } {
  if (!band) return { dates: [], values: [] };
  return { dates: band.points.map((p) => p.date), values: band.points.flatMap((p) => [p.low, p.high]) };
}

/** The band's marks, in the chart's coordinates; `id` makes the hatch pattern's id unique within the page. */
export function bandMarks(band: ChartBand, id: string, x: (date: string) => number, y: (value: number) => number): string[] {
  if (band.points.length < 2) return [];
  const upper = band.points.map((p) => `${px(x(p.date))} ${px(y(p.high))}`);
  const lower = [...band.points].reverse().map((p) => `${px(x(p.date))} ${px(y(p.low))}`);
  const base = band.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(x(p.date))} ${px(y(p.base))}`).join('');
  const hatch = `${id}-hatch`;
  const last = band.points.at(-1)!;
  return [
    `<defs><pattern id="${hatch}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)"><line class="projection-hatch" x1="0" y1="0" x2="0" y2="6" stroke="${BAND_COLOR}" stroke-width="1.5" stroke-opacity="0.55"/></pattern></defs>`,
    `<g class="projection">`,
    `<path class="projection-band" d="M${upper.join('L')}L${lower.join('L')}Z" fill="url(#${hatch})" stroke="${BAND_COLOR}" stroke-width="1" stroke-opacity="0.8"><title>${escapeXml(band.label)}</title></path>`,
    `<path class="projection-base" d="${base}" fill="none" stroke="${BAND_COLOR}" stroke-width="2" stroke-dasharray="6 4"/>`,
    `<text class="projection-label" x="${px(x(last.date))}" y="${px(y(last.high) - 8)}" text-anchor="end" font-size="12" fill="${BAND_COLOR}">our projection</text>`,
    '</g>',
  ];
}
