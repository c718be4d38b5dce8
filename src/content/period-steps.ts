/**
 * Periods that follow one another: the steps of a projection. The step is
 * the base period's length; each following period is named in the grammar,
 * in fiscal years when the horizon is written in them ("Q1 FY2027") and in
 * calendar years otherwise ("Q2 2026").
 */
import { DateTime } from 'luxon';
import type { Period, PeriodLength } from '../model.js';
import { DEFAULT_FISCAL_YEAR_END } from './period.js';

/** Months in a period a projection can step by; other lengths (a day, a span) have no next period. */
export const STEP_MONTHS: Partial<Record<PeriodLength, number>> = { year: 12, half: 6, quarter: 3, month: 1 };

function utc(iso: string): DateTime {
  return DateTime.fromISO(iso, { zone: 'utc' });
}

/**
 * The n-th period after `base` (n >= 1), of the base's length. `fiscalYearEnd`
 * (MM-DD) names it in fiscal years; undefined names it in calendar years.
 */
export function periodAfter(base: Period, n: number, fiscalYearEnd: string | undefined): Period {
  const months = STEP_MONTHS[base.length]!;
  const start = utc(base.start).plus({ months: months * n });
  const end = start.plus({ months }).minus({ days: 1 });
  const period: Period = { label: '', start: start.toISODate()!, end: end.toISODate()!, length: base.length };
  return { ...period, label: grammarLabel(period, fiscalYearEnd) };
}

/** The period's name in the grammar, or its months ("2025-02 to 2025-04") when it does not fall on the year's halves or quarters. */
export function grammarLabel(p: Period, fiscalYearEnd: string | undefined): string {
  const start = utc(p.start);
  const end = utc(p.end);
  if (p.length === 'month') return start.toFormat('yyyy-MM');
  const yearEnd = fiscalYearEnd ?? DEFAULT_FISCAL_YEAR_END;
  let year = end.year;
  if (end > utc(`${year}-${yearEnd}`)) year += 1;
  const yearStart = utc(`${year}-${yearEnd}`).minus({ years: 1 }).plus({ days: 1 });
  const months = STEP_MONTHS[p.length];
  const offset = (start.year - yearStart.year) * 12 + start.month - yearStart.month;
  const name = `${fiscalYearEnd ? 'FY' : ''}${year}`;
  if (months && start.day === yearStart.day && offset % months === 0) {
    if (p.length === 'year' && offset === 0) return name;
    if (p.length === 'half') return `H${offset / 6 + 1} ${name}`;
    if (p.length === 'quarter') return `Q${offset / 3 + 1} ${name}`;
  }
  return `${start.toFormat('yyyy-MM')} to ${end.toFormat('yyyy-MM')}`;
}
