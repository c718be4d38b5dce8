import { describe, expect, it } from 'vitest';
import { absoluteLinker, relativeLinker, rootPrefix } from '../../src/site/paths.js';
import { absoluteUrl, archiveYearPagePath, editionPagePath, editionUrl, metricPagePath } from '../../src/render/out-layout.js';

describe('relative links', () => {
  it.each([
    ['index.html', ''],
    ['404.html', ''],
    ['metrics/index.html', '../'],
    ['editions/2025-09-01/index.html', '../../'],
    ['metrics/qwen_downloads/index.html', '../../'],
  ])('from %s the root is "%s"', (from, prefix) => {
    expect(rootPrefix(from)).toBe(prefix);
  });

  it('name files explicitly, from any depth', () => {
    const fromEdition = relativeLinker(editionPagePath('2025-09-01'));
    expect(fromEdition(editionPagePath('2025-09-15'))).toBe('../../editions/2025-09-15/index.html');
    expect(fromEdition(metricPagePath('qwen_downloads'))).toBe('../../metrics/qwen_downloads/index.html');
    expect(fromEdition(archiveYearPagePath('2025'))).toBe('../../archive/2025/index.html');
    expect(relativeLinker('index.html')(editionPagePath('2025-09-01'))).toBe('editions/2025-09-01/index.html');
  });

  it('a fragment on the same page is just the fragment', () => {
    const link = relativeLinker(editionPagePath('2025-09-01'));
    expect(link(editionPagePath('2025-09-01'), 'metric_x')).toBe('#metric_x');
    expect(link(editionPagePath('2025-09-15'), 'metric_x')).toBe('../../editions/2025-09-15/index.html#metric_x');
  });
});

describe('absolute URLs', () => {
  it("drop index.html, so an edition's URL is the email's View in browser link", () => {
    const base = 'https://example.com/newsletter';
    expect(absoluteUrl(base, editionPagePath('2025-09-01'))).toBe('https://example.com/newsletter/editions/2025-09-01/');
    expect(editionUrl(base, '2025-09-01')).toBe('https://example.com/newsletter/editions/2025-09-01/');
    expect(absoluteUrl(base, 'index.html')).toBe('https://example.com/newsletter/');
    expect(absoluteUrl(base, 'feed.xml')).toBe('https://example.com/newsletter/feed.xml');
    expect(absoluteUrl(base, '404.html')).toBe('https://example.com/newsletter/404.html');
    expect(absoluteLinker(base)(metricPagePath('k'), 'top')).toBe('https://example.com/newsletter/metrics/k/#top');
  });
});
