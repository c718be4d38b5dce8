import { expect, test } from 'vitest';
import { DateTime } from 'luxon';
import { DATE_STYLE_OPTIONS, DATE_STYLES, formatDate, type DateStyle } from '../../src/render/dates.js';

/** The dates as luxon wrote them in the newsletter's zone, which is what formatDate must keep writing. */
function luxonText(date: string, style: DateStyle, locale: string, zone: string): string {
  const dt = DateTime.fromISO(date, { zone }).setLocale(locale);
  if (style === 'iso') return date;
  if (style === 'year') return dt.toFormat('yyyy');
  return dt.toLocaleString(DATE_STYLE_OPTIONS[style]);
}

test('a calendar date reads the same in every style, language and zone as in the newsletter zone, zones at both ends of the clock included', () => {
  const dates = ['2025-01-01', '2025-03-30', '2025-10-26', '2024-02-29', '2025-12-31', '2016-02-08'];
  const locales = ['en', 'en-GB', 'en-US', 'de-DE', 'fr', 'zh-CN', 'ja', 'ar-EG'];
  const zones = ['UTC', 'Asia/Shanghai', 'Europe/London', 'America/Los_Angeles', 'Pacific/Kiritimati', 'Pacific/Pago_Pago'];
  let compared = 0;
  for (const date of dates) for (const locale of locales) for (const zone of zones) for (const style of DATE_STYLES) {
    expect(formatDate(date, style, locale, zone), `${date} ${style} ${locale} ${zone}`).toBe(luxonText(date, style, locale, zone));
    compared++;
  }
  expect(compared).toBe(dates.length * locales.length * zones.length * DATE_STYLES.length);
});
