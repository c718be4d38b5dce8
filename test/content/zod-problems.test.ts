import { describe, expect, test } from 'vitest';
import { frontmatterSchema, metricDefSchema, newsletterSchema, observationSchema } from '../../src/content-contract.js';
import { parseMetricRegistry } from '../../src/content/metric-registry.js';
import { parseNewsletter } from '../../src/content/newsletter-config.js';
import { fieldsAt } from '../../src/content/zod-problems.js';
import { NEWSLETTER_YML } from '../support/fixtures.js';

describe('schema problems are reported against the schema that was checked', () => {
  test('an unknown field of newsletter settings in a file not called newsletter.yml is matched against the newsletter fields', () => {
    const text = NEWSLETTER_YML.replace('timezone: Europe/London', 'timezon: Europe/London').replace('  time: "08:00"', '  tiem: "08:00"');
    const { problems } = parseNewsletter('settings/site.yaml', text);
    const unknown = problems.filter((p) => p.code === 'BW_FIELD_UNKNOWN').sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    expect(unknown.map((p) => [p.file, p.line, p.message, p.hint])).toEqual([
      ['settings/site.yaml', 4, 'unknown field "timezon"', 'did you mean "timezone"?'],
      // A field of the nested schedule is matched against the schedule's fields.
      ['settings/site.yaml', 9, 'unknown field "schedule.tiem"', 'did you mean "time"?'],
    ]);
  });

  test('a registry in a file not called metrics.yml is matched against the metric definition fields', () => {
    const { problems } = parseMetricRegistry('registry.yaml', 'share_a:\n  label: A\n  kind: share\n  unit: "%"\n  decimals: 1\n  better: up\n  gruop: x\n');
    expect(problems).toEqual([expect.objectContaining({ code: 'BW_FIELD_UNKNOWN', file: 'registry.yaml', line: 7, hint: 'did you mean "group"?' })]);
  });

  test('fieldsAt follows the path through nested objects, optional and transformed fields', () => {
    expect(fieldsAt(newsletterSchema, ['schedule'])).toEqual(['weekday', 'time', 'timezone']);
    expect(fieldsAt(metricDefSchema, [])).toContain('fiscalYearEnd');
    expect(fieldsAt(observationSchema, [])).toEqual(['value', 'period', 'basis', 'label', 'source', 'note', 'unit']);
    expect(fieldsAt(frontmatterSchema, ['title'])).toEqual([]);
    expect(fieldsAt(newsletterSchema, ['nowhere'])).toEqual([]);
  });
});
