import { appendFile, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, type HTMLElement } from 'node-html-parser';
import { renderAll, type RenderedSite } from '../../src/pipeline/build.js';
import { copySample } from '../support/fixtures.js';

let site: RenderedSite;
const page = (rel: string): HTMLElement => {
  const html = site.files.get(`site/${rel}`);
  if (html === undefined) throw new Error(`no site/${rel}`);
  return parse(html);
};
const text = (el: HTMLElement | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  const r = await renderAll({ contentDir: 'content', templatesDir: 'templates' });
  if (!('files' in r)) throw new Error(r.problems.map((p) => p.message).join('\n'));
  site = r;
});

describe('edition pages show what the email shows', () => {
  it('every metric row has the same value, change, previous and source as the view model (and the email)', () => {
    let rows = 0;
    for (const r of site.rendered) {
      const doc = page(`editions/${r.view.date}/index.html`);
      expect(doc.querySelectorAll('.metrics-table tbody tr')).toHaveLength(r.view.metrics.length);
      for (const m of r.view.metrics) {
        const tr = doc.querySelector(`tr#metric_${m.key}`);
        expect(tr, `${r.view.date} ${m.key}`).not.toBeNull();
        const cells = tr!.querySelectorAll('td');
        expect(text(cells[0])).toBe(m.value);
        expect(text(cells[1]).startsWith(m.change)).toBe(true);
        // Colour is never the only signal: the sentiment is also in words, as in the email.
        expect(text(cells[1]!.querySelector('.sentiment')) || null).toBe(m.sentimentLabel);
        expect(text(cells[2])).toBe(m.previous ?? '—');
        expect(text(cells[3])).toBe(m.source ?? '—');
        expect(text(tr!.querySelector('th'))).toContain(m.label);
        // Same strings in the email: the two surfaces share the view model.
        // (the email keeps a figure's parts together with no-break spaces)
        const email = r.email.html.replace(/\u00a0/g, ' ');
        expect(email).toContain(m.value);
        expect(email).toContain(m.change);
        rows++;
      }
    }
    expect(rows).toBeGreaterThan(40);
  });

  it('has the title, summary, intro, every section in order, the movers and the history of the email', () => {
    for (const r of site.rendered) {
      const v = r.view;
      const doc = page(`editions/${v.date}/index.html`);
      expect(text(doc.querySelector('h1'))).toBe(v.title);
      if (v.summary) expect(text(doc.querySelector('.lede'))).toBe(v.summary);
      expect(doc.querySelector('.intro')?.innerHTML.trim()).toBe(v.introHtml);
      const sectionIds = doc.querySelectorAll('section.prose h2').map((h) => h.getAttribute('id'));
      expect(sectionIds).toEqual(v.sections.map((s) => s.id));
      expect(doc.querySelectorAll('.movers li').map(text)).toEqual(v.movers.map((m) => `${m.label}: ${m.change} to ${m.value}${m.sentimentLabel ? ` (${m.sentimentLabel})` : ''}`));
      expect(doc.querySelectorAll('.trends li')).toHaveLength(v.trends.length);
      expect(doc.querySelectorAll('.trends li .bars span').length).toBe(v.trends.reduce((n, t) => n + t.bars.length, 0));
      expect(text(doc.querySelector('.edition-header .meta'))).toContain(v.dateLong);
    }
  });

  it('the projections edition shows the email\'s Projections tables, base case in bold, linked to each metric\'s chart', () => {
    const r = site.rendered.find((x) => x.view.date === '2026-02-09')!;
    const doc = page('editions/2026-02-09/index.html');
    const section = doc.querySelector('section.projections')!;
    expect(doc.querySelector('.toc a[href="#our_projections"]')).not.toBeNull();
    expect(text(section.querySelector('h2'))).toBe('Our projections');
    const tables = section.querySelectorAll('table.projection-table');
    expect(tables).toHaveLength(r.view.projections.length);
    r.view.projections.forEach((p, i) => {
      const rows = tables[i]!.querySelectorAll('tbody tr');
      expect(rows.map((tr) => tr.querySelectorAll('th, td').map(text))).toEqual(p.rows.map((row) => [row.period, ...row.cells.map((c) => text(parse(c.text)))]));
      expect(rows.map((tr) => tr.querySelectorAll('td.base').map(text))).toEqual(p.rows.map((row) => row.cells.filter((c) => c.base).map((c) => text(parse(c.text)))));
      expect(text(section)).toContain(`Assumption: ${p.assumption}`);
      expect(text(section)).toContain(p.methodText);
    });
    expect(section.querySelectorAll('a').map((a) => a.getAttribute('href'))).toEqual(['../../metrics/china_ai_cloud_market/index.html', '../../metrics/ai_share_of_cloud_revenue/index.html']);
    expect(text(section)).toContain('At 8 pp a year, AI-related share of Alibaba Cloud revenue would reach 100% by Q2 2034');
    // Editions without projections have no such section.
    expect(page('editions/2026-01-26/index.html').querySelector('section.projections')).toBeNull();
  });

  it('links each edition to its neighbours', () => {
    for (const r of site.rendered) {
      const doc = page(`editions/${r.view.date}/index.html`);
      const prev = doc.querySelector('a[rel="prev"]');
      const next = doc.querySelector('a[rel="next"]');
      expect(prev?.getAttribute('href') ?? null).toBe(r.view.previousDate ? `../../editions/${r.view.previousDate}/index.html` : null);
      expect(next?.getAttribute('href') ?? null).toBe(r.view.nextDate ? `../../editions/${r.view.nextDate}/index.html` : null);
    }
  });
});

describe('home and archive pages', () => {
  it('list editions newest first with number, title, summary and biggest movers', () => {
    const doc = page('index.html');
    const items = doc.querySelectorAll('.edition-list .edition-item');
    const newestFirst = [...site.rendered].reverse();
    expect(items.map((i) => text(i.querySelector('h2')))).toEqual(newestFirst.map((r) => r.view.title));
    items.forEach((item, i) => {
      const v = newestFirst[i]!.view;
      expect(text(item.querySelector('.meta'))).toBe(`${v.dateLong} · Edition ${v.number}`);
      expect(item.querySelector('h2 a')?.getAttribute('href')).toBe(`editions/${v.date}/index.html`);
      expect(item.querySelectorAll('.mover-chips li').map(text)).toEqual(v.movers.map((m) => `${m.label} ${m.change} to ${m.value}${m.sentimentLabel ? ` (${m.sentimentLabel})` : ''}`));
    });
  });

  it('groups editions by year on archive pages and links every year', () => {
    const home = page('index.html');
    expect(home.querySelectorAll('.year-nav a').map((a) => a.getAttribute('href'))).toEqual(['archive/2026/index.html', 'archive/2025/index.html']);
    expect(page('archive/2025/index.html').querySelectorAll('.edition-item')).toHaveLength(4);
    expect(page('archive/2026/index.html').querySelectorAll('.edition-item')).toHaveLength(4);
    expect(page('archive/2026/index.html').querySelector('.year-nav a[aria-current="page"]')?.textContent).toBe('2026');
  });
});

describe('metric pages', () => {
  const newest = () => site.rendered.at(-1)!;

  it('chart one point per observation, placed at its period end, with tooltips naming period and edition, and an accessible name', () => {
    const history = newest().edition.history['alibaba_ai_cloud_share']!;
    // H1 2025 was repeated by four editions and 2025 by two: two observations, two points.
    expect(history.map((p) => p.period?.label)).toEqual(['H1 2025', '2025']);
    const doc = page('metrics/alibaba_ai_cloud_share/index.html');
    const svg = doc.querySelector('svg.chart')!;
    expect(svg.getAttribute('role')).toBe('img');
    const labelledBy = svg.getAttribute('aria-labelledby')!.split(' ');
    expect(labelledBy).toHaveLength(2);
    for (const id of labelledBy) expect(svg.querySelector(`#${id}`), id).not.toBeNull();
    expect(svg.querySelector('title')?.textContent).toContain('Alibaba Cloud share of China AI cloud market');
    const tips = svg.querySelectorAll('circle title').map((t) => t.textContent);
    expect(tips).toEqual(['H1 2025: 35.8% (reported 15 Sept 2025)', '2025: 38.1% (reported 26 Jan 2026)']);
    // A share's axis starts at zero, so a 2.3 pp move does not look like a cliff.
    const labels = svg.querySelectorAll('text').map((t) => t.textContent);
    expect(labels).toEqual(expect.arrayContaining(['Unit: %', '0', '38.1%']));
    expect(labels.join(' ')).not.toContain('does not start at zero');
  });

  it('the headline is the newest observation as reported, not a later "no new data"', () => {
    const doc = page('metrics/alibaba_ai_cloud_share/index.html');
    expect(text(doc.querySelector('.metric-latest'))).toBe('38.1% ▲ +2.3 pp vs H1 2025 (good news)');
  });

  it('draw forecasts hollow on a dashed line, and say when an axis does not start at zero', () => {
    const svg = page('metrics/china_ai_cloud_market/index.html').querySelector('svg.chart')!;
    const circles = svg.querySelectorAll('circle');
    expect(circles.map((c) => c.querySelector('title')?.textContent)).toEqual([
      '2024: CNY 20.83 bn (reported 1 Sept 2025)',
      '2025 forecast: CNY 51.8 bn (reported 15 Sept 2025)',
      '2025: CNY 56.7 bn (reported 26 Jan 2026)',
    ]);
    expect(circles.map((c) => c.classNames.includes('forecast'))).toEqual([false, true, false]);
    expect(circles[1]!.getAttribute('fill')).toBe('#fff');
    expect(svg.querySelector('path.forecast-line')?.getAttribute('stroke-dasharray')).toBeTruthy();
    const growth = page('metrics/china_ai_cloud_growth/index.html').querySelector('svg.chart')!;
    expect(growth.querySelectorAll('text').map((t) => t.textContent).join(' ')).toContain('axis does not start at zero');
  });

  it("draw the latest projection as a band from the base observation, with the assumption and method under the chart", () => {
    const doc = page('metrics/china_ai_cloud_market/index.html');
    for (const svg of doc.querySelectorAll('svg.chart')) {
      const area = svg.querySelector('path.projection-band')!;
      const base = svg.querySelector('path.projection-base')!;
      // Six years from 2025 to 2030: along the highs and back along the lows, both ends on the 2025 actual's dot.
      const edge = [...area.getAttribute('d')!.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => `${m[1]} ${m[2]}`);
      expect(edge).toHaveLength(12);
      const dot = svg.querySelectorAll('circle').find((c) => c.querySelector('title')?.textContent.startsWith('2025: '))!;
      const at = `${dot.getAttribute('cx')} ${dot.getAttribute('cy')}`;
      expect([edge[0], edge.at(-1), base.getAttribute('d')!.match(/^M([\d.]+ [\d.]+)/)![1]]).toEqual([at, at, at]);
      expect(area.querySelector('title')?.textContent).toBe('Our projection to 2030: CNY 91.3 bn to CNY 304.9 bn, base case CNY 185.9 bn');
      expect(base.getAttribute('stroke-dasharray')).toBeTruthy();
      // Projected years get no dots of their own.
      expect(svg.querySelectorAll('circle')).toHaveLength(3);
    }
    const note = doc.querySelector('.projection-note')!;
    // Under the chart, before the table of observations.
    expect(doc.querySelector('figure.chart-figure')!.nextElementSibling).toBe(note);
    expect(text(note)).toContain("Assumption: The market grows at Omdia's forecast 26.8% a year from its 2025 size.");
    expect(text(note)).toMatch(/2030: CNY 91\.3 bn to CNY 304\.9 bn, base case CNY 185\.9 bn/);
    // A metric nobody projected has neither band nor note.
    const share = page('metrics/alibaba_ai_cloud_share/index.html');
    expect(share.querySelector('path.projection-band')).toBeNull();
    expect(share.querySelector('.projection-note')).toBeNull();
  });

  it('list each observation once in a table, newest first, linking to the edition that first reported it', () => {
    for (const [key, history] of Object.entries(newest().edition.history)) {
      const doc = page(`metrics/${key}/index.html`);
      const rows = doc.querySelectorAll('.history-table tbody tr');
      expect(rows, key).toHaveLength(history.length);
      [...history].reverse().forEach((point, i) => {
        const setBy = point.revised.at(-1)?.date ?? point.date;
        const edition = site.rendered.find((r) => r.view.date === setBy)!;
        const row = edition.view.metrics.find((m) => m.key === key)!;
        const tr = rows[i]!;
        expect(tr.querySelector('th a')?.getAttribute('href')).toBe(`../../editions/${point.date}/index.html#metric_${key}`);
        expect(text(tr.querySelector('td.value')).startsWith(row.value)).toBe(true);
        expect(text(tr.querySelectorAll('td')[2])).toBe([row.change, row.sentimentLabel].filter(Boolean).join(' '));
        expect(text(tr.querySelectorAll('td')[0])).toBe(row.period ?? '—');
        expect(tr.classNames.includes('moved')).toBe(row.status === 'changed');
      });
    }
  });

  it('a revised observation says so in the table', () => {
    const rows = page('metrics/china_ai_cloud_growth/index.html').querySelectorAll('.history-table tbody tr');
    const forecast = rows.find((tr) => text(tr.querySelectorAll('td')[0]) === '2025 forecast')!;
    expect(text(forecast.querySelector('td.value'))).toBe('149.0% revised in edition 5 (19 Jan 2026)');
    expect(text(forecast.querySelectorAll('td')[2])).toBe('revised up from 148.7%');
  });

  it('offer the history as CSV and JSON downloads: one row per observation with its latest value', () => {
    const doc = page('metrics/china_ai_cloud_growth/index.html');
    const links = doc.querySelectorAll('a[download]').map((a) => a.getAttribute('href'));
    expect(links).toEqual(['../../metrics/china_ai_cloud_growth/data.csv', '../../metrics/china_ai_cloud_growth/data.json']);
    expect(site.files.get('site/metrics/china_ai_cloud_growth/data.csv')).toBe(
      [
        'period,start,end,length,basis,scenario,value,unit,source,first_reported,revised',
        '2025 forecast,2025-01-01,2025-12-31,year,forecast,,149,%,"Omdia, as cited in press reports of 14 January 2026",2025-09-15,2026-01-19',
        '2025,2025-01-01,2025-12-31,year,actual,,172.2,%,Omdia,2026-01-26,',
        '',
      ].join('\n'),
    );
    const json = JSON.parse(site.files.get('site/metrics/china_ai_cloud_market/data.json')!) as { metric: { key: string; measure: string }; observations: Record<string, unknown>[] };
    expect(json.metric).toMatchObject({ key: 'china_ai_cloud_market', measure: 'flow', unit: 'CNY bn' });
    expect(json.observations.slice(0, 3)).toEqual([
      { period: '2024', start: '2024-01-01', end: '2024-12-31', length: 'year', basis: 'actual', scenario: null, value: '20.83', unit: 'CNY bn', source: 'Omdia', first_reported: '2025-09-01', revised: [] },
      { period: '2025 forecast', start: '2025-01-01', end: '2025-12-31', length: 'year', basis: 'forecast', scenario: null, value: '51.8', unit: 'CNY bn', source: 'Omdia', first_reported: '2025-09-15', revised: [] },
      { period: '2025', start: '2025-01-01', end: '2025-12-31', length: 'year', basis: 'actual', scenario: null, value: '56.7', unit: 'CNY bn', source: 'Omdia', first_reported: '2026-01-26', revised: [] },
    ]);
    // Then the latest projection (made 9 Feb 2026): three scenarios for each year to 2030, to 10 decimal places.
    const projected = json.observations.slice(3);
    expect(projected).toHaveLength(15);
    expect(projected.every((r) => r['basis'] === 'projection' && r['source'] === 'our projection' && r['first_reported'] === '2026-02-09')).toBe(true);
    expect(projected.slice(0, 3).map((r) => [r['period'], r['scenario'], r['value']])).toEqual([
      ['2026', 'low', '62.3700000000'],
      ['2026', 'base', '71.8956000000'],
      ['2026', 'high', '79.3800000000'],
    ]);
    expect(projected.at(-2)).toMatchObject({ period: '2030', start: '2030-01-01', end: '2030-12-31', length: 'year', scenario: 'base', value: '185.8571728455' });
    expect(site.files.get('site/metrics/china_ai_cloud_market/data.csv')).toContain('\n2030,2030-01-01,2030-12-31,year,projection,high,304.9462080000,CNY bn,our projection,2026-02-09,\n');
    // Values as written, never with thousands separators.
    expect(site.files.get('site/metrics/alibaba_ai_capex_commitment/data.csv')).toContain(',380,CNY bn,');
  });

  it('the metrics index shows each metric with its latest value and a sparkline', () => {
    const doc = page('metrics/index.html');
    const cards = doc.querySelectorAll('.metric-card');
    expect(cards).toHaveLength(Object.keys(newest().edition.history).length);
    const share = cards.find((c) => c.querySelector('h3 a')?.getAttribute('href') === '../metrics/alibaba_ai_cloud_share/index.html')!;
    expect(text(share.querySelector('.value'))).toBe('38.1%');
    expect(share.querySelector('svg.sparkline')?.getAttribute('role')).toBe('img');
    // Registry groups become headings, in registry order.
    expect(doc.querySelectorAll('.metric-group h2').map(text)[0]).toBe('Market share');
  });
});

describe('subscribe form', () => {
  const render = async (subscribe: string | null) => {
    const sample = await copySample();
    const file = path.join(sample.content, 'newsletter.yml');
    if (subscribe !== null) await appendFile(file, `\nsubscribe: ${subscribe}\n`);
    const r = await renderAll({ contentDir: sample.content, templatesDir: sample.templates });
    await rm(sample.root, { recursive: true, force: true });
    if (!('files' in r)) throw new Error(r.problems.map((p) => `${p.file}: ${p.message}`).join('\n'));
    return (rel: string) => parse(r.files.get(`site/${rel}`)!);
  };

  it('is absent unless newsletter.yml asks for it', () => {
    expect(page('index.html').querySelector('.subscribe form')).toBeNull();
  });

  it('posts to /subscribe on the archive origin by default, from the home page and every edition page, without JavaScript', async () => {
    const pageOf = await render('{}');
    const base = /^baseUrl:\s*(\S+)/m.exec(await readFile('content/newsletter.yml', 'utf8'))![1]!.replace(/\/+$/, '');
    const home = pageOf('index.html').querySelector('.subscribe form')!;
    expect(home.getAttribute('method')).toBe('post');
    expect(home.getAttribute('action')).toBe(`${base}/subscribe`);
    expect(home.querySelector('input[name=email]')!.getAttribute('type')).toBe('email');
    expect(home.querySelector('input[name=name]')).not.toBeNull();
    // The honeypot the endpoint checks, hidden from people.
    expect(home.querySelector('.hp input[name=website]')!.getAttribute('tabindex')).toBe('-1');
    expect(home.querySelectorAll('script')).toHaveLength(0);
    for (const r of site.rendered) {
      expect(pageOf(`editions/${r.view.date}/index.html`).querySelector('.subscribe form')?.getAttribute('action')).toBe(home.getAttribute('action'));
    }
  });

  it('uses a configured URL as given', async () => {
    const pageOf = await render('{ url: "https://subscribe.example.com/subscribe" }');
    expect(pageOf('index.html').querySelector('.subscribe form')!.getAttribute('action')).toBe('https://subscribe.example.com/subscribe');
  });

  it('a bad URL is a content error naming the field', async () => {
    await expect(render('{ url: "javascript:alert(1)" }')).rejects.toThrow(/newsletter\.yml: .*must be an http\(s\) URL or a path/);
  });
});

describe('the sample archive: no comparison across a gap', () => {
  it('an edition page shows an arrow only for a like-for-like change, which names its comparison; anything else says what it is', () => {
    let moves = 0;
    for (const e of site.editions) {
      const doc = page(`editions/${e.date}/index.html`);
      for (const m of e.metrics) {
        const tr = doc.querySelector(`tr#metric_${m.key}`)!;
        const where = `${e.date} ${m.key}`;
        expect(tr.classNames, where).toBe(`status-${m.status}`);
        const change = text(tr.querySelectorAll('td')[1]);
        const like = m.status === 'changed' || m.status === 'unchanged';
        expect(/[▲▼▬]/.test(change), `${where}: ${change}`).toBe(like);
        if (m.status === 'not-comparable') expect(change, where).toMatch(/^no comparable period \(last reported /);
        if (!like) continue;
        moves++;
        const words = { 'year-on-year': /\bYoY\b/, 'previous-period': / vs /, since: / since / }[m.delta!.comparison!];
        expect(change, where).toMatch(words);
        // A flow moves only against the same length of time, a year before or just before.
        if (m.measure === 'flow') {
          expect(['year-on-year', 'previous-period'], where).toContain(m.delta!.comparison);
          expect(m.previous!.period!.length, where).toBe(m.period!.length);
        }
      }
    }
    expect(moves).toBeGreaterThanOrEqual(2);
  });

  it("a flow's chart joins only periods that follow one another", () => {
    const flows = site.content.metrics.filter((d) => d.measure === 'flow');
    let joined = 0;
    for (const d of flows) {
      const file = site.files.get(`site/metrics/${d.key}/data.json`);
      if (file === undefined) continue; // never reported: no page
      const data = JSON.parse(file) as { observations: { start: string; end: string; length: string; basis: string }[] };
      const actual = data.observations.filter((o) => o.basis === 'actual').sort((a, b) => a.start.localeCompare(b.start));
      const follows = actual.slice(1).filter((o, i) => o.length === actual[i]!.length && Date.parse(o.start) - Date.parse(actual[i]!.end) === 86_400_000).length;
      for (const line of page(`metrics/${d.key}/index.html`).querySelectorAll('path.actual-line')) {
        expect(line.getAttribute('d')!.match(/L/g)?.length ?? 0, d.key).toBe(follows);
        joined += follows;
      }
    }
    expect(joined).toBeGreaterThan(0);
  });
});
