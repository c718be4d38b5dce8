import { mkdtemp, rm, cp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.js';
import { parseBrief } from '../../src/content/brief.js';
import { latestValues, nextEditionDate, scaffoldBrief } from '../../src/content/scaffold.js';
import type { Brief, BriefMetric, Content, MetricDef, Newsletter } from '../../src/model.js';
import { obs, P } from '../support/observations.js';

const newsletter: Newsletter = {
  name: 'Test Weekly',
  from: 'test@example.com',
  baseUrl: 'https://example.com',
  timezone: 'Asia/Shanghai',
  language: 'en-GB',
  schedule: { weekday: 1, time: '08:00', timezone: 'Asia/Shanghai' },
};

const registry: MetricDef[] = [
  { key: 'share', label: 'Share', kind: 'share', unit: '%', decimals: 1, better: 'up', source: 'Omdia', measure: 'ratio' },
  { key: 'revenue', label: 'Revenue', kind: 'money', unit: 'CNY bn', decimals: 1, better: 'up', measure: 'flow' },
  { key: 'never', label: 'Never reported', kind: 'count', unit: 'M', decimals: 0, better: 'neutral', measure: 'flow' },
  { key: 'price', label: 'Price index', kind: 'number', unit: 'pts', decimals: 2, better: 'down', measure: 'stock' },
];

function brief(date: string, metrics: BriefMetric[]): Brief {
  return { file: `content/editions/${date}.md`, date, title: date, metrics, body: '', bodyLine: 1, placeholders: [] };
}

function content(briefs: Brief[], nl: Newsletter = newsletter): Content {
  return { dir: 'content', newsletter: nl, metrics: registry, briefs };
}

const { schedule: _schedule, ...unscheduled } = newsletter;

const briefs = [
  brief('2026-01-12', [obs('revenue', '20.83', { period: 'FY2024', source: 'Omdia' }), obs('price', '-1.50', { period: '2026', source: 'Stats office: CPI' })]),
  brief('2026-01-19', [
    { ...obs('share', '38.10', { period: 'H1 2025', note: 'Unchanged' }), period: { ...P('H1 2025'), label: 'first half, as cited' } },
    obs('revenue', '51.8', { period: 'FY2025E', source: 'Omdia' }),
    obs('price', '-1.4', { period: '2026', basis: 'forecast' }),
  ]),
  // A Wednesday: slots are found from the latest date, whatever its weekday.
  brief('2026-01-28', [obs('share', '38.2', { period: 'FY2025', source: 'Omdia # restated' })]),
];

function metricsBlock(text: string): string[] {
  const front = text.split('\n---\n')[0]!;
  return front.slice(front.indexOf('\n# metrics:\n') + '\n# metrics:\n'.length).split('\n');
}

describe('nextEditionDate', () => {
  const now = new Date('2026-11-23T17:04:00Z'); // Monday in UTC, already Tuesday in Shanghai

  it.each([
    ['the next slot from today when the latest brief is long past', ['2026-01-26'], '2026-11-30'],
    ['the next slot from today when the latest brief was last week', ['2026-11-16'], '2026-11-30'],
    ['the slot after the latest brief when one is already written for the next slot', ['2026-11-30'], '2026-12-07'],
    ['the slot after the latest brief, even one written off the slot day', ['2026-12-02'], '2026-12-07'],
    ['the latest brief, not the last in the list', ['2026-12-14', '2026-11-30'], '2026-12-21'],
    ['across a year end', ['2026-12-28'], '2027-01-04'],
  ])('with a Monday schedule: %s', (_name, dates, expected) => {
    expect(nextEditionDate(content(dates.map((d) => brief(d, []))), now)).toBe(expected);
  });

  it('uses the ISO weekday of the schedule (7 = Sunday)', () => {
    const sunday = { ...newsletter, schedule: { weekday: 7, time: '18:00', timezone: 'Europe/London' } };
    expect(nextEditionDate(content([brief('2026-01-26', [])], sunday), now)).toBe('2026-11-29');
    expect(nextEditionDate(content([brief('2026-11-29', [])], sunday), now)).toBe('2026-12-06');
  });

  it('without a schedule: today, or seven days after the latest brief if that is later', () => {
    expect(nextEditionDate(content([brief('2026-01-28', [])], unscheduled), now)).toBe('2026-11-24');
    expect(nextEditionDate(content([brief('2026-11-20', [])], unscheduled), now)).toBe('2026-11-27');
  });

  it('with no editions: the next slot from now, in the schedule time zone; a slot that has passed today is not next', () => {
    // 17:04 UTC Monday is 01:04 Tuesday in Shanghai: the next Monday there is the 30th.
    expect(nextEditionDate(content([]), now)).toBe('2026-11-30');
    const utc = { ...newsletter, timezone: 'UTC', schedule: { weekday: 1, time: '08:00', timezone: 'UTC' } };
    expect(nextEditionDate(content([], utc), now)).toBe('2026-11-30');
    expect(nextEditionDate(content([], utc), new Date('2026-11-23T07:59:00Z'))).toBe('2026-11-23');
  });

  it('with no editions and no schedule: today in the newsletter time zone', () => {
    expect(nextEditionDate(content([], unscheduled), now)).toBe('2026-11-24');
    expect(nextEditionDate(content([], { ...unscheduled, timezone: 'America/New_York' }), now)).toBe('2026-11-23');
  });
});

describe('scaffoldBrief', () => {
  const text = scaffoldBrief(content(briefs), '2026-02-02');

  it('lists each metric\'s latest observation as a commented line to copy, in registry order', () => {
    expect(metricsBlock(text)).toEqual([
      '#   share: { value: 38.2, period: FY2025, source: "Omdia # restated" }  # latest, from 2026-01-28',
      '#   revenue: { value: 51.8, period: FY2025E, source: Omdia }  # latest, from 2026-01-19',
      '#   never: { value: , period: , source: }  # never reported',
      '#   price: { value: -1.4, period: "2026", basis: forecast }  # latest, from 2026-01-19',
    ]);
  });

  it('has a placeholder title, preheader and summary and a body with sections', () => {
    expect(text.startsWith('---\ntitle: "TODO: headline"\n')).toBe(true);
    expect(text).toMatch(/^preheader: "TODO: .+"$/m);
    expect(text).toMatch(/^summary: "TODO: .+"$/m);
    const body = text.split('\n---\n')[1]!;
    expect(body.match(/^## .+$/gm)?.length).toBeGreaterThanOrEqual(2);
  });

  it('reports nothing: the brief as written has no metrics, so nothing is re-reported', () => {
    const parsed = parseBrief('content/editions/2026-02-02.md', '2026-02-02.md', text, registry);
    expect(parsed.problems).toEqual([]);
    expect(parsed.brief?.metrics).toEqual([]);
    expect(parsed.brief?.draft).toBe(true);
  });

  it('an uncommented line parses back to the observation, value text, period, basis and label as written', () => {
    const at = scaffoldBrief(content(briefs.slice(0, 2)), '2026-01-26');
    const uncommented = at.replace(/^# metrics:$/m, 'metrics:').replace(/^#(   \w+: \{ value: [^,]+,.*)$/gm, (_m, line: string) => line.slice(1));
    const parsed = parseBrief('content/editions/2026-01-26.md', '2026-01-26.md', uncommented, registry);
    expect(parsed.problems).toEqual([]);
    expect(parsed.brief?.metrics.map(({ line: _line, column: _column, ...m }) => m)).toEqual([
      // The label is carried over, quoted where a plain scalar would change the text; the note is not.
      { key: 'share', value: '38.10', period: { ...P('H1 2025'), label: 'first half, as cited' }, periodText: 'H1 2025', basis: 'actual' },
      { key: 'revenue', value: '51.8', period: P('FY2025E'), periodText: 'FY2025E', basis: 'forecast', source: 'Omdia' },
      { key: 'price', value: '-1.4', period: P('2026'), periodText: '2026', basis: 'forecast' },
    ]);
  });

  it('a back-dated brief lists the observations before its date only', () => {
    expect(metricsBlock(scaffoldBrief(content(briefs), '2026-01-19'))).toEqual([
      '#   share: { value: , period: , source: }  # never reported',
      '#   revenue: { value: 20.83, period: FY2024, source: Omdia }  # latest, from 2026-01-12',
      '#   never: { value: , period: , source: }  # never reported',
      '#   price: { value: -1.50, period: "2026", source: "Stats office: CPI" }  # latest, from 2026-01-12',
    ]);
    expect([...latestValues(content(briefs), '2026-01-19').keys()]).toEqual(['revenue', 'price']);
  });

  it('with nothing reported yet, still parses and lists the registry commented out', () => {
    const first = scaffoldBrief(content([]), '2026-02-02');
    for (const def of registry) expect(first).toContain(`#   ${def.key}: { value: , period: , source: }  # never reported`);
    const parsed = parseBrief('content/editions/2026-02-02.md', '2026-02-02.md', first, registry);
    expect(parsed.problems).toEqual([]);
    expect(parsed.brief?.metrics).toEqual([]);
  });
});

describe('scaffolding the sample content', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'briefwire-scaffold-'));
    await cp('content', dir, { recursive: true });
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a draft brief that loadContent accepts, reporting nothing, listing every metric\'s latest observation', async () => {
    const before = await loadContent(dir);
    if (!before.ok) throw new Error(JSON.stringify(before.problems));
    const date = nextEditionDate(before.value, new Date('2026-02-10T00:00:00Z'));
    expect(date).toBe('2026-02-16');
    const text = scaffoldBrief(before.value, date);
    await writeFile(path.join(dir, 'editions', `${date}.md`), text);

    // A scaffold is a draft: left out of builds until the analyst removes `draft: true`.
    const built = await loadContent(dir);
    expect(built.ok && built.value.briefs.at(-1)!.date).toBe('2026-02-09');
    const after = await loadContent(dir, { includeDrafts: true });
    if (!after.ok) throw new Error(JSON.stringify(after.problems));
    expect(after.warnings).toEqual([]);
    const scaffolded = after.value.briefs.at(-1)!;
    expect(scaffolded).toMatchObject({ date: '2026-02-16', draft: true, metrics: [] });
    // A derived metric is computed, so the scaffold offers no line to write it on.
    expect(text).not.toContain('volcano_huawei_tencent_share');
    expect(text).toContain('#   volcano_engine_share: { value: 14.8, period: H1 2025, source: Omdia }  # latest, from 2025-09-15\n');
    // Spot checks against the sample briefs themselves.
    expect(text).toContain('#   alibaba_ai_cloud_share: { value: 38.1, period: "2025", source: Omdia }  # latest, from 2026-02-02\n');
    expect(text).toContain('#   qwen_downloads: { value: 700, period: 2026-01-14, label: 14 January 2026, source: Press reports of 14 January 2026 }  # latest, from 2026-01-19\n');
    expect(text).toContain('#   alibaba_cloud_revenue: { value: 33.4, period: Q1 FY2026, label: quarter to June 2025, source: Alibaba Group results }  # latest, from 2025-09-01\n');
  });
});
