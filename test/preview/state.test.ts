import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContent } from '../../src/content/load.js';
import { computeEditions } from '../../src/compute/editions.js';
import { renderEdition } from '../../src/render/render-edition.js';
import { editionView } from '../../src/render/view-model.js';
import type { Edition } from '../../src/model.js';
import { PreviewState, type ContentSources, type PreviewStateOptions, type RenderFn, type TemplateSources } from '../../src/preview/state.js';
import { readContentSources, readTemplates } from '../../src/preview/sources.js';

const CONTENT = 'content';
const TEMPLATES = 'templates';

let content: ContentSources;
let templates: TemplateSources;

beforeAll(async () => {
  content = await readContentSources(CONTENT);
  templates = await readTemplates(TEMPLATES);
});

/** A state over `sources` whose renders are counted (real renders, only counted); nothing rendered yet. */
function countingState(sources: ContentSources = content, options: PreviewStateOptions = {}): { state: PreviewState; renders: string[] } {
  const renders: string[] = [];
  const render: RenderFn = async (edition, newsletter, set) => {
    renders.push(edition.date);
    return renderEdition(edition, newsletter, set);
  };
  return { state: new PreviewState(sources, templates, { ...options, render }), renders };
}

/** A counting state over the sample content after its first, full render. */
async function freshState(): Promise<{ state: PreviewState; renders: string[] }> {
  const { state, renders } = countingState();
  const first = await state.update();
  expect(first.ok, JSON.stringify(first.problems)).toBe(true);
  renders.length = 0;
  return { state, renders };
}

function briefOf(date: string): { file: string; text: string } {
  const file = [...content.briefs.keys()].find((f) => path.basename(f).startsWith(date));
  if (!file) throw new Error(`no brief for ${date}`);
  return { file, text: content.briefs.get(file)!.text! };
}

function edit(date: string, from: string | RegExp, to: string) {
  const { file, text } = briefOf(date);
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  return { kind: 'brief' as const, file, source: { file, text: next } };
}

const DATES = ['2025-09-01', '2025-09-15', '2025-10-13', '2025-12-01', '2026-01-19', '2026-01-26', '2026-02-02', '2026-02-09'];

describe('PreviewState', () => {
  it('renders every edition at start, equal to a from-scratch load + computeEditions', async () => {
    const { state, renders } = countingState();
    const report = await state.update();
    expect(report.ok).toBe(true);
    expect(report.stale).toBe(false);
    // Newest first, so the edition being written comes back first.
    expect(report.rendered).toEqual([...DATES].reverse());
    expect(renders).toHaveLength(DATES.length);

    // The incremental state must not drift from the compute stage itself.
    const loaded = await loadContent(CONTENT);
    if (!loaded.ok) throw new Error('sample content does not load');
    expect(JSON.parse(JSON.stringify(state.editions))).toEqual(JSON.parse(JSON.stringify(computeEditions(loaded.value))));
    expect(state.rendered('2025-09-15')?.email.html).toContain('<html');
  });

  it('renders nothing when a brief is saved unchanged', async () => {
    const { state, renders } = await freshState();
    const { file, text } = briefOf('2025-10-13');
    const report = await state.update([{ kind: 'brief', file, source: { file, text } }]);
    expect(report.rendered).toEqual([]);
    expect(renders).toEqual([]);
  });

  it('re-renders only the edited edition when only its title changes', async () => {
    const { state, renders } = await freshState();
    const { file } = briefOf('2025-10-13');
    const before = state.renderStamp('2025-10-13');
    const report = await state.update([edit('2025-10-13', /^title: .*$/m, 'title: "A brand new title"')]);
    expect(renders).toEqual(['2025-10-13']);
    expect(report.rendered).toEqual(['2025-10-13']);
    expect(state.rendered('2025-10-13')?.view.title).toBe('A brand new title');
    expect(state.rendered('2025-10-13')?.email.html).toContain('A brand new title');
    expect(state.renderStamp('2025-10-13')).not.toBe(before);
    expect(state.editions.find((e) => e.file === file)?.title).toBe('A brand new title');
  });

  it('re-renders a later edition whose "not reported" row shows the changed value, and no other', async () => {
    const { state, renders } = await freshState();
    // Volcano Engine's share is reported only on 2025-09-15; the next edition lists it as not reported, with the previous value.
    await state.update([edit('2025-09-15', 'volcano_engine_share: { value: 14.8', 'volcano_engine_share: { value: 15.2')]);
    expect(renders.sort()).toEqual(['2025-09-15', '2025-10-13']);
    const row = state.rendered('2025-10-13')!.view.metrics.find((m) => m.key === 'volcano_engine_share')!;
    expect(row.status).toBe('not-reported');
    expect(row.previous).toContain('15.2');
  });

  it('re-renders the later editions whose deltas change when a metric value changes', async () => {
    const { state, renders } = await freshState();
    // The CAGR forecast is reported on 2025-09-15 and again on 2026-01-26: the later comparison changes
    // (from no new data to a revision), the edition in between shows it as "not reported";
    // 2025-12-01 and 2026-01-19 do not show it at all.
    const before = state.rendered('2026-01-26')!.view.metrics.find((m) => m.key === 'china_ai_cloud_cagr')!;
    await state.update([edit('2025-09-15', 'china_ai_cloud_cagr: { value: 26.8', 'china_ai_cloud_cagr: { value: 25.0')]);
    expect(renders.sort()).toEqual(['2025-09-15', '2025-10-13', '2026-01-26', '2026-02-09']);
    const after = state.rendered('2026-01-26')!.view.metrics.find((m) => m.key === 'china_ai_cloud_cagr')!;
    expect(before.change).not.toBe(after.change);
    expect(after.change).toBe('revised up from 25.0%');
  });

  it('renders exactly the editions whose view changed when history reaches further than what is shown', async () => {
    // Twelve weekly briefs reporting one metric: editing the first changes the history of all twelve,
    // but the emails only show the next delta and the last few trend points.
    const dir = 'mem';
    const briefs = new Map<string, { file: string; text: string }>();
    for (let i = 0; i < 12; i++) {
      const date = new Date(Date.UTC(2025, 0, 6 + 7 * i)).toISOString().slice(0, 10);
      const file = path.join(dir, 'editions', `${date}.md`);
      briefs.set(file, { file, text: `---\ntitle: Week ${i + 1}\nmetrics:\n  alibaba_cloud_revenue: ${30 + i}\n---\n\nBody ${i + 1}.\n` });
    }
    const mem: ContentSources = { ...content, dir, briefs };
    const { state, renders } = countingState(mem);
    expect((await state.update()).ok).toBe(true);
    const oldEditions = [...state.editions];
    renders.length = 0;

    const first = [...briefs.values()][0]!;
    const report = await state.update([{ kind: 'brief', file: first.file, source: { file: first.file, text: first.text.replace('revenue: 30', 'revenue: 12') } }]);

    const newsletter = state.newsletterConfig!;
    const viewChanged = (e: Edition, i: number) => JSON.stringify(editionView(e, newsletter)) !== JSON.stringify(editionView(oldEditions[i]!, newsletter));
    const expected = state.editions.filter(viewChanged).map((e) => e.date);
    expect(renders.sort()).toEqual(expected.sort());
    expect(renders.length).toBeGreaterThan(1);
    expect(renders.length).toBeLessThan(12);
    expect(report.rendered.sort()).toEqual(expected.sort());
    // The rest got the new edition data (history) without a render; the last edition carries the whole history.
    for (const e of state.editions) expect(state.rendered(e.date)!.edition.history, e.date).toEqual(e.history);
    expect(state.rendered(state.editions.at(-1)!.date)!.edition.history['alibaba_cloud_revenue']![0]!.valueText).toBe('12');
  });

  it('re-renders every edition whose trend shows an edited value, with a draft among the briefs', async () => {
    // Five weekly briefs reporting one metric; the second is a draft. Editing the third changes the
    // trend bars of every later edition, also those whose own rows and deltas stay the same.
    const dir = 'mem';
    const briefs = new Map<string, { file: string; text: string }>();
    for (let i = 0; i < 5; i++) {
      const date = new Date(Date.UTC(2025, 0, 6 + 7 * i)).toISOString().slice(0, 10);
      const file = path.join(dir, 'editions', `${date}.md`);
      const draft = i === 1 ? 'draft: true\n' : '';
      briefs.set(file, { file, text: `---\ntitle: Week ${i + 1}\n${draft}metrics:\n  alibaba_cloud_revenue: ${30 + i}\n---\n\nBody ${i + 1}.\n` });
    }
    const renders: string[] = [];
    const state = new PreviewState({ ...content, dir, briefs }, templates, {
      render: async (e, n, t) => {
        renders.push(e.date);
        return renderEdition(e, n, t);
      },
    });
    expect((await state.update()).ok).toBe(true);
    renders.length = 0;

    const third = [...briefs.values()][2]!;
    const report = await state.update([{ kind: 'brief', file: third.file, source: { file: third.file, text: third.text.replace('revenue: 32', 'revenue: 99') } }]);
    expect(report.ok).toBe(true);
    const later = state.editions.slice(2).map((e) => e.date);
    expect(renders.sort()).toEqual(later);
    for (const date of later) {
      const trend = state.rendered(date)!.view.trends.find((t) => t.key === 'alibaba_cloud_revenue')!;
      expect(trend.summary, date).toContain('99');
      expect(state.rendered(date)!.email.html, date).toContain('99');
    }
  });

  it('keeps the last good state while a brief is broken, and renders nothing when it is restored', async () => {
    const { state, renders } = await freshState();
    const { file, text } = briefOf('2025-12-01');
    const broken = await state.update([{ kind: 'brief', file, source: { file, text: text.replace(/^title: (.*)$/m, 'title: [unclosed $1') } }]);
    expect(broken.ok).toBe(false);
    expect(broken.stale).toBe(true);
    const errors = broken.problems.filter((p) => p.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((p) => p.file === file)).toBe(true);
    expect(errors[0]!.code).toBe('BW_YAML_INVALID');
    expect(errors[0]!.line).toBeGreaterThan(1);
    expect(renders).toEqual([]);
    // Last good render still there.
    expect(state.rendered('2025-12-01')?.view.title).toBe(briefTitle(text));
    expect(state.editions).toHaveLength(DATES.length);

    const fixed = await state.update([{ kind: 'brief', file, source: { file, text } }]);
    expect(fixed.ok).toBe(true);
    expect(fixed.stale).toBe(false);
    expect(fixed.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(renders).toEqual([]);
  });

  it('applies a good change made to one brief while another is broken, once the broken one is fixed', async () => {
    const { state, renders } = await freshState();
    const a = briefOf('2025-12-01');
    await state.update([{ kind: 'brief', file: a.file, source: { file: a.file, text: a.text.replace('---\n', '---\nnot yaml: [\n') } }]);
    await state.update([edit('2026-01-19', /^title: .*$/m, 'title: Edited while broken')]);
    expect(renders).toEqual([]);
    const fixed = await state.update([{ kind: 'brief', file: a.file, source: { file: a.file, text: a.text } }]);
    expect(fixed.ok).toBe(true);
    expect(renders).toEqual(['2026-01-19']);
  });

  it('keeps the last good render of an edition whose render fails, and retries it until it renders', async () => {
    const { state, renders } = await freshState();
    // Parses fine, but the subject asks for a metric this edition does not report: a render-stage error.
    const bad = await state.update([edit('2026-01-19', /^title: .*$/m, '$&\nsubject: "Up {{delta \\"volcano_engine_share\\"}}"')]);
    expect(bad.ok).toBe(false);
    expect(bad.stale).toBe(false);
    expect(bad.problems.find((p) => p.severity === 'error')).toMatchObject({ code: 'BW_SUBJECT_TEMPLATE', message: expect.stringContaining('volcano_engine_share') });
    expect(state.renderFailed('2026-01-19')).toBe(true);
    expect(state.rendered('2026-01-19')?.email.html).toContain('Qwen');
    expect(state.problemsFor('2026-01-19').some((p) => p.severity === 'error')).toBe(true);

    // An unrelated change elsewhere retries the failed edition (still failing) and renders the changed one.
    renders.length = 0;
    await state.update([edit('2025-09-01', /^title: .*$/m, 'title: Unrelated')]);
    expect(renders.sort()).toEqual(['2025-09-01', '2026-01-19']);

    renders.length = 0;
    const { file, text } = briefOf('2026-01-19');
    const fixed = await state.update([{ kind: 'brief', file, source: { file, text } }]);
    expect(fixed.ok).toBe(true);
    expect(renders).toEqual(['2026-01-19']);
    expect(state.renderFailed('2026-01-19')).toBe(false);
  });

  it('re-renders every edition when a template changes, and reports a template error with its line', async () => {
    const { state, renders } = await freshState();
    const changed = templates.sources.map((s) => (s.rel === 'partials/email-footer.mjml.hbs' ? { ...s, text: s.text.replace('Archive</a>', 'Past issues</a>') } : s));
    const report = await state.update([{ kind: 'templates', templates: { ...templates, sources: changed } }]);
    expect(report.rendered).toHaveLength(DATES.length);
    expect(state.rendered('2025-09-01')?.email.html).toContain('Past issues');

    renders.length = 0;
    const broken = changed.map((s) => (s.rel === 'email.mjml.hbs' ? { ...s, text: s.text.replace('{{title}}</h1>', '{{#if title}}</h1>') } : s));
    const bad = await state.update([{ kind: 'templates', templates: { ...templates, sources: broken } }]);
    expect(bad.ok).toBe(false);
    const problem = bad.problems.find((p) => p.severity === 'error')!;
    expect(problem.file).toBe(path.join(TEMPLATES, 'email.mjml.hbs'));
    expect(problem.line).toBeGreaterThan(0);
    expect(renders).toEqual([]);
    expect(state.rendered('2025-09-01')?.email.html).toContain('Past issues');

    // Fixing the template (back to the original) re-renders everything: the last good render used the edited footer.
    const ok = await state.update([{ kind: 'templates', templates }]);
    expect(ok.ok).toBe(true);
    expect(renders).toHaveLength(DATES.length);
    expect(state.rendered('2025-09-01')?.email.html).not.toContain('Past issues');
  });

  it('renders the editions open in a page first, and says so before rendering the rest', async () => {
    let open = ['2025-09-15'];
    let toldAfter = -1;
    const { state, renders } = countingState(content, { focus: () => open, onFocusRendered: () => (toldAfter = renders.length) });
    await state.update();
    expect(renders[0]).toBe('2025-09-15');
    expect(toldAfter).toBe(1);
    // Then newest first, as without a page open.
    expect(renders.slice(1)).toEqual([...DATES].reverse().filter((d) => d !== '2025-09-15'));

    renders.length = 0;
    open = ['2025-10-13', '2026-01-26'];
    const changed = templates.sources.map((s) => (s.rel === 'partials/email-footer.mjml.hbs' ? { ...s, text: s.text.replace('Archive</a>', 'Past issues</a>') } : s));
    await state.update([{ kind: 'templates', templates: { ...templates, sources: changed } }]);
    expect(new Set(renders.slice(0, 2))).toEqual(new Set(open));
    expect(toldAfter).toBe(2);
    expect(renders).toHaveLength(DATES.length);
  });

  it('re-renders everything when newsletter.yml changes', async () => {
    const { state, renders } = await freshState();
    const src = content.newsletter;
    const report = await state.update([{ kind: 'newsletter', source: { file: src.file, text: src.text!.replace('name: AI Cloud Weekly', 'name: AI Cloud Daily') } }]);
    expect(report.ok).toBe(true);
    expect(renders).toHaveLength(DATES.length);
    expect(state.rendered('2026-01-26')?.email.html).toContain('AI Cloud Daily');
  });

  it('handles a brief being deleted and added: neighbours re-render for their links and deltas', async () => {
    const { state, renders } = await freshState();
    const { file, text } = briefOf('2025-12-01');
    const removed = await state.update([{ kind: 'brief', file, source: null }]);
    expect(removed.removed).toEqual(['2025-12-01']);
    expect(state.rendered('2025-12-01')).toBeUndefined();
    expect(state.editions.map((e) => e.date)).toEqual(DATES.filter((d) => d !== '2025-12-01'));
    // The neighbours' previous/next links and numbers change, so they re-render.
    expect(renders).toContain('2025-10-13');
    expect(renders).toContain('2026-01-19');
    expect(renders).not.toContain('2025-09-01');

    renders.length = 0;
    const added = await state.update([{ kind: 'brief', file, source: { file, text } }]);
    expect(added.ok).toBe(true);
    expect(renders).toContain('2025-12-01');
    expect(state.rendered('2025-12-01')?.edition.number).toBe(4);
  });

  it('reports two briefs with one date as an error, like the loader', async () => {
    const { state } = await freshState();
    const { text } = briefOf('2025-12-01');
    const dup = path.join(CONTENT, 'editions', '2025-12-01-second-take.md');
    const report = await state.update([{ kind: 'brief', file: dup, source: { file: dup, text } }]);
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.file === dup && p.code === 'BW_BRIEF_DATE_DUPLICATE' && p.message.includes('2025-12-01'))).toBe(true);
  });

  it('re-parses every brief against a changed metric registry', async () => {
    const { state } = await freshState();
    const src = content.metrics;
    const report = await state.update([{ kind: 'metrics', source: { file: src.file, text: src.text!.replace(/^volcano_engine_share:/m, 'volcano_share:') } }]);
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.code === 'BW_METRIC_UNKNOWN' && p.message.includes('"volcano_engine_share"'))).toBe(true);
  });
});

function briefTitle(text: string): string {
  const m = /^title: "?(.*?)"?$/m.exec(text);
  return m![1]!;
}
