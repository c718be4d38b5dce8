import { describe, expect, it } from 'vitest';
import { renderAll } from '../../src/pipeline/build.js';
import { brief, makeContent, SAMPLE_TEMPLATES } from '../support/fixtures.js';

/** Renders a content folder that must render without errors. */
async function rendered(dir: string) {
  const r = await renderAll({ contentDir: dir, templatesDir: SAMPLE_TEMPLATES });
  if (!('files' in r)) throw new Error(JSON.stringify(r.problems));
  return r;
}

const body = (line: string) => `Intro.\n\n## The numbers\n\n${line}\n`;

describe('template helpers in the brief body', () => {
  it('{{value}}, {{delta}} and {{period}} print the figures exactly as the table does', async () => {
    const dir = await makeContent({
      '2025-01-06.md': brief('First', '  market: { value: 51.8, period: Q1 2025, source: Omdia }\n  share_a: { value: 35.8, period: H1 2025 }'),
      '2025-01-13.md': brief(
        'Second',
        '  market: { value: 47.3, period: Q2 2025, source: Omdia }\n  share_a: { value: 35.8, period: H1 2025 }',
        body('The market reached {{value "market"}} in {{period "market"}} ({{delta "market"}}); the share was {{value "share_a"}}, {{delta "share_a"}}.'),
      ),
    });
    const r = await rendered(dir);
    const second = r.rendered.at(-1)!;
    const text = second.email.text.replace(/\s+/g, ' ');
    expect(text).toContain('The market reached CNY 47.3 bn in Q2 2025 (\u2212CNY 4.5 bn vs Q1 2025); the share was 35.8%, no new data since 6 Jan 2025 (H1 2025).');
    // Same strings as the metrics table of the same edition.
    const market = second.view.metrics.find((m) => m.key === 'market')!;
    expect(text).toContain(market.value);
    expect(market.deltaText).toBe('\u2212CNY 4.5 bn vs Q1 2025');
    // The site page carries the filled-in text too, not the template.
    expect(r.files.get('site/editions/2025-01-13/index.html')).toContain('The market reached CNY 47.3 bn in Q2 2025');
    expect(r.files.get('site/editions/2025-01-13/index.html')).not.toContain('{{value');
  });

  it('{{number}} is the value without its unit, so a sentence naming the unit does not repeat it; without a key, the edition number', async () => {
    const dir = await makeContent({
      '2025-01-06.md': brief('First', '  market: { value: 1234.50, period: Q1 2025, source: Omdia }\n  share_a: { value: 35.8, period: H1 2025 }', body('Edition {{number}}: {{number "market"}} billion yuan; {{number "share_a"}} per cent, {{value "share_a"}}.')),
    });
    const text = (await rendered(dir)).rendered[0]!.email.text.replace(/\s+/g, ' ');
    expect(text).toContain('Edition 1: 1,234.50 billion yuan; 35.8 per cent, 35.8%.');
  });

  it('a helper naming a metric the edition does not report is an error at its line in the brief', async () => {
    const dir = await makeContent({
      '2025-01-06.md': brief('First', '  market: { value: 51.8, source: Omdia }', body('Price: {{value "price_index"}}.')),
    });
    const r = await renderAll({ contentDir: dir, templatesDir: SAMPLE_TEMPLATES });
    const errors = r.problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => ({ code: p.code, line: p.line, file: p.file.endsWith('2025-01-06.md') }))).toEqual([{ code: 'BW_BODY_TEMPLATE', line: 10, file: true }]);
    expect(errors[0]!.message).toContain('metric "price_index" is not reported in this edition');
  });
});
