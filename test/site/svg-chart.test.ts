import { describe, expect, it } from 'vitest';
import { parse } from 'node-html-parser';
import { dateTicks, dayNumber, lineChart, niceTicks, sparkline, type ChartPoint } from '../../src/site/svg-chart.js';
import { P } from '../support/observations.js';

const point = (date: string, value: number): ChartPoint => ({ date, value, label: `${date}: ${value}%`, valueLabel: `${value}%` });
const options = {
  id: 'c',
  title: 'Share <of> "market"',
  description: 'From 35.8% to 38.1%',
  unitLabel: 'Unit: %',
  formatValueTick: (v: number, d: number) => v.toFixed(d),
  formatDateTick: (date: string, unit: 'year' | 'month') => (unit === 'year' ? date.slice(0, 4) : date.slice(0, 7)),
};

describe('niceTicks', () => {
  it.each([
    [35.8, 38.1, [35, 36, 37, 38, 39], 0],
    [0, 700, [0, 200, 400, 600, 800], 0],
    [0.12, 0.31, [0.1, 0.15, 0.2, 0.25, 0.3, 0.35], 2],
    [-3, 4, [-4, -2, 0, 2, 4], 0],
  ])('%d..%d -> %j with %i decimals', (min, max, ticks, decimals) => {
    const t = niceTicks(min, max);
    expect(t.ticks).toEqual(ticks);
    expect(t.decimals).toBe(decimals);
    expect(t.min).toBeLessThanOrEqual(min);
    expect(t.max).toBeGreaterThanOrEqual(max);
  });

  it('gives a flat series a range around its value', () => {
    const t = niceTicks(30, 30);
    expect(t.min).toBeLessThan(30);
    expect(t.max).toBeGreaterThan(30);
    expect(niceTicks(0, 0).ticks.length).toBeGreaterThan(1);
  });
});

describe('dateTicks', () => {
  it('labels months on short spans and years on long ones', () => {
    expect(dateTicks('2025-09-15', '2026-01-26')).toEqual(['2025-10-01', '2025-11-01', '2025-12-01', '2026-01-01'].map((date) => ({ date, unit: 'month' })));
    const decade = dateTicks('2016-01-04', '2025-12-15');
    expect(decade.every((t) => t.unit === 'year')).toBe(true);
    expect(decade.length).toBeLessThanOrEqual(7);
    expect(decade[0]!.date).toBe('2017-01-01');
  });

  it('fits the number of labels to the chart', () => {
    expect(dateTicks('2025-01-06', '2025-12-29', 4).length).toBeLessThanOrEqual(4);
    expect(dateTicks('2025-01-06', '2025-12-29', 7).length).toBeGreaterThan(4);
  });

  it('labels a series that sits inside one month by its first date', () => {
    expect(dateTicks('2025-09-08', '2025-09-22')).toEqual([{ date: '2025-09-08', unit: 'month' }]);
  });

  it('counts days without time-zone drift', () => {
    expect(dayNumber('2025-03-31') - dayNumber('2025-03-30')).toBe(1);
  });
});

describe('lineChart', () => {
  const points = [point('2025-09-15', 35.8), point('2025-10-13', 35.8), point('2026-01-26', 38.1)];
  const svg = parse(lineChart(points, options)).querySelector('svg')!;

  it('is an image named by its own title and description', () => {
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-labelledby')).toBe('c-title c-desc');
    expect(svg.querySelector('#c-title')?.textContent).toBe('Share <of> "market"');
    expect(svg.querySelector('#c-desc')?.textContent).toBe('From 35.8% to 38.1%');
  });

  it('has a dot with a tooltip per point, the unit, axis labels and the last value', () => {
    expect(svg.querySelectorAll('circle title').map((t) => t.textContent)).toEqual(points.map((p) => p.label));
    const texts = svg.querySelectorAll('text').map((t) => t.textContent);
    // The axis does not reach zero, and the chart says so (with a break mark on the axis).
    expect(texts).toEqual(expect.arrayContaining(['Unit: % · axis does not start at zero', '35', '39', '2025-10', '2026-01', '38.1%']));
    expect(svg.querySelector('path.axis-break')).not.toBeNull();
  });

  it('starts the axis at zero when asked (shares), with no break mark', () => {
    const zero = parse(lineChart(points, { ...options, fromZero: true })).querySelector('svg')!;
    const texts = zero.querySelectorAll('text').map((t) => t.textContent);
    expect(texts).toEqual(expect.arrayContaining(['Unit: %', '0', '40']));
    expect(zero.querySelector('path.axis-break')).toBeNull();
  });

  it('draws forecasts hollow, joined by a dashed line; actuals filled on a solid line', () => {
    const mixed = [point('2024-12-31', 20.83), { ...point('2025-12-31', 51.8), forecast: true }, point('2025-12-31', 56.7)];
    const chart = parse(lineChart(mixed, options)).querySelector('svg')!;
    const circles = chart.querySelectorAll('circle');
    expect(circles.map((c) => c.classNames.includes('forecast'))).toEqual([false, true, false]);
    expect(circles[1]!.getAttribute('fill')).toBe('#fff');
    expect(circles[0]!.getAttribute('fill')).not.toBe('#fff');
    expect(chart.querySelector('path.forecast-line')?.getAttribute('stroke-dasharray')).toBe('5 4');
    // The solid line joins the two actuals only.
    const solid = chart.querySelectorAll('path').filter((p) => !p.classNames.includes('forecast-line') && !p.classNames.includes('axis-break'));
    expect(solid).toHaveLength(1);
    expect(solid[0]!.getAttribute('d')!.match(/[ML]/g)).toHaveLength(2);
  });

  it('a flow breaks its line at a missing period instead of drawing through it', () => {
    const quarter = (text: string, value: number): ChartPoint => ({ ...point(P(text).end, value), period: P(text) });
    // Q1, Q2, then Q4 after a missing Q3, then Q1 of the next year.
    const flows = [quarter('Q1 2025', 30), quarter('Q2 2025', 31), quarter('Q4 2025', 35), quarter('Q1 2026', 36)];
    const solid = (svg: string) => parse(svg).querySelectorAll('path').filter((p) => !p.classNames.includes('axis-break'))[0]!.getAttribute('d')!;
    // Two runs: Q1-Q2 and Q4-Q1; the pen lifts before Q4.
    expect(solid(lineChart(flows, { ...options, breakAtGaps: true })).match(/[ML]/g)).toEqual(['M', 'L', 'M', 'L']);
    expect(solid(lineChart(flows, options)).match(/[ML]/g)).toEqual(['M', 'L', 'L', 'L']);
    expect(solid(sparkline(flows, { id: 's', title: 'T', description: 'D', breakAtGaps: true })).match(/[ML]/g)).toEqual(['M', 'L', 'M', 'L']);
    // A year after a quarter is not the next period either; a forecast and its actual for one period stay joined.
    const mixed = [quarter('Q4 2024', 9), { ...point('2025-12-31', 40), period: P('2025') }, { ...point('2026-12-31', 50), period: P('2026E'), forecast: true }, { ...point('2026-12-31', 52), period: P('2026') }];
    const chart = parse(lineChart(mixed, { ...options, breakAtGaps: true }));
    expect(chart.querySelector('path.forecast-line')!.getAttribute('d')!.match(/[ML]/g)).toEqual(['M', 'M', 'L', 'L']);
  });

  it('anchors date labels near the edges inwards, so the last one is not clipped', () => {
    const wide = parse(lineChart([point('2025-01-15', 1), point('2025-12-31', 2)], { ...options, width: 360 })).querySelector('svg')!;
    const dateLabels = wide.querySelectorAll('text').filter((t) => /^\d{4}-\d{2}$/.test(t.textContent));
    const width = 360;
    for (const t of dateLabels) {
      const x = Number(t.getAttribute('x'));
      const anchor = t.getAttribute('text-anchor');
      const half = (t.textContent.length * 7.2) / 2;
      const right = anchor === 'end' ? x : anchor === 'start' ? x + 2 * half : x + half;
      expect(right, t.textContent).toBeLessThanOrEqual(width);
    }
  });

  it('places points by date and value inside the view box', () => {
    const [viewW, viewH] = svg.getAttribute('viewBox')!.split(' ').slice(2).map(Number) as [number, number];
    const dots = svg.querySelectorAll('circle').map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))] as const);
    for (const [x, y] of dots) {
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(viewW);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(viewH);
    }
    // 28 days then 105 days: the gaps are proportional to time, not equal.
    const gap1 = dots[1]![0] - dots[0]![0];
    const gap2 = dots[2]![0] - dots[1]![0];
    expect(gap2 / gap1).toBeCloseTo(105 / 28, 1);
    // Same value, same height; a higher value is drawn higher (smaller y).
    expect(dots[0]![1]).toBe(dots[1]![1]);
    expect(dots[2]![1]).toBeLessThan(dots[1]![1]);
  });

  it('escapes text and copes with one point or none', () => {
    expect(lineChart(points, options)).toContain('Share &lt;of&gt; &quot;market&quot;');
    const one = parse(lineChart([point('2025-09-15', 12)], options));
    expect(one.querySelectorAll('circle')).toHaveLength(1);
    expect(one.querySelectorAll('path').filter((p) => !p.classNames.includes('axis-break'))).toHaveLength(0);
    expect(parse(lineChart([], options)).querySelector('svg')?.getAttribute('role')).toBe('img');
  });
});

describe('sparkline', () => {
  it('is a small labelled image ending in a dot on the last value', () => {
    const svg = parse(sparkline([point('2025-01-06', 1), point('2025-02-03', 3)], { id: 's', title: 'T', description: 'D' })).querySelector('svg')!;
    expect(svg.getAttribute('aria-labelledby')).toBe('s-title s-desc');
    expect(svg.querySelectorAll('circle')).toHaveLength(1);
    expect(svg.querySelector('path')?.getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+L[\d.]+ [\d.]+$/);
  });
});

describe('lineChart with a projection band', () => {
  // Omdia's market: 2024 and 2025 actuals, the 2025 forecast, then our growth scenarios at 10, 26.8 and 40% a year.
  const market = [point('2024-12-31', 20.83), { ...point('2025-12-31', 51.8), forecast: true }, point('2025-12-31', 56.7)];
  const band = {
    label: 'Our projection to 2027: 68.6 to 111.1',
    points: [
      { date: '2025-12-31', low: 56.7, high: 56.7, base: 56.7 },
      { date: '2026-12-31', low: 62.37, high: 79.38, base: 71.8956 },
      { date: '2027-12-31', low: 68.607, high: 111.132, base: 91.1636208 },
    ],
  };
  const svg = parse(lineChart(market, { ...options, id: 'm', band })).querySelector('svg')!;
  const vertices = (d: string) => [...d.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  const dots = svg.querySelectorAll('circle').map((c) => [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))] as const);
  // The chart's own scales, recovered from the two actual dots: x by day, y by value.
  const [d2024, d2025] = [dots[0]!, dots[2]!];
  const x = (date: string) => d2024[0] + ((dayNumber(date) - dayNumber('2024-12-31')) / (dayNumber('2025-12-31') - dayNumber('2024-12-31'))) * (d2025[0] - d2024[0]);
  const y = (value: number) => d2024[1] + ((value - 20.83) / (56.7 - 20.83)) * (d2025[1] - d2024[1]);
  const near = (got: readonly [number, number], want: readonly [number, number]) => {
    expect(got[0]).toBeCloseTo(want[0], 0);
    expect(got[1]).toBeCloseTo(want[1], 0);
  };

  it('outlines the range from the lowest to the highest scenario, starting at the base observation', () => {
    const area = svg.querySelector('path.projection-band')!;
    const edge = vertices(area.getAttribute('d')!);
    // Along the highs to the horizon, back along the lows to the base observation.
    expect(edge).toHaveLength(6);
    near(edge[0]!, d2025);
    near(edge.at(-1)!, d2025);
    band.points.forEach((p, i) => near(edge[i]!, [x(p.date), y(p.high)]));
    [...band.points].reverse().forEach((p, i) => near(edge[3 + i]!, [x(p.date), y(p.low)]));
    expect(area.getAttribute('d')!.endsWith('Z')).toBe(true);
    expect(area.querySelector('title')?.textContent).toBe(band.label);
  });

  it('draws the base scenario as a dashed line from the base observation through each base value', () => {
    const base = svg.querySelector('path.projection-base')!;
    const line = vertices(base.getAttribute('d')!);
    expect(line).toHaveLength(3);
    near(line[0]!, d2025);
    near(line[1]!, [x('2026-12-31'), y(71.8956)]);
    near(line[2]!, [x('2027-12-31'), y(91.1636208)]);
    expect(base.getAttribute('stroke-dasharray')).toBe('6 4');
    expect(base.getAttribute('fill')).toBe('none');
  });

  it('is unlike actuals and sourced forecasts: hatched and outlined in its own colour, with no dots, and says whose it is', () => {
    const area = svg.querySelector('path.projection-band')!;
    const actual = svg.querySelector('path.actual-line')!;
    const forecast = svg.querySelector('path.forecast-line')!;
    // Hatched: filled with a pattern of lines, not a flat colour.
    expect(area.getAttribute('fill')).toBe('url(#m-hatch)');
    expect(svg.querySelector('pattern#m-hatch line')).not.toBeNull();
    const colour = area.getAttribute('stroke');
    expect(colour).not.toBe(actual.getAttribute('stroke'));
    expect(colour).not.toBe(forecast.getAttribute('stroke'));
    expect(svg.querySelector('path.projection-base')!.getAttribute('stroke')).toBe(colour);
    // The forecast's dashes are another pattern; the actual line is solid.
    expect(forecast.getAttribute('stroke-dasharray')).not.toBe('6 4');
    expect(actual.getAttribute('stroke-dasharray')).toBeUndefined();
    // Projected points get no dots: the three circles are the observations.
    expect(svg.querySelectorAll('circle')).toHaveLength(3);
    expect(svg.querySelector('text.projection-label')?.textContent).toBe('our projection');
  });

  it('stretches both axes to the horizon and the highest scenario', () => {
    const width = Number(svg.getAttribute('viewBox')!.split(' ')[2]);
    const horizon = x('2027-12-31');
    expect(horizon).toBeGreaterThan(d2025[0] + 100);
    expect(horizon).toBeLessThan(width);
    expect(y(111.132)).toBeGreaterThan(0);
    // Without the band the x axis ends at 2025, so its dot sits further right.
    const plain = parse(lineChart(market, options)).querySelector('svg')!;
    const plainDots = plain.querySelectorAll('circle').map((c) => Number(c.getAttribute('cx')));
    expect(Math.max(...plainDots)).toBeGreaterThan(d2025[0]);
    expect(plain.querySelector('path.projection-band')).toBeNull();
  });
});
