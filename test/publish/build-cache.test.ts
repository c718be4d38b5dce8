import { describe, expect, test } from 'vitest';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build, type BuildReport } from '../../src/pipeline/build.js';
import { copySample } from '../support/fixtures.js';

type Sample = Awaited<ReturnType<typeof copySample>>;

/** Every file under dir, path -> bytes (base64): what "byte for byte" compares. */
async function bytesUnder(dir: string): Promise<Record<string, string>> {
  const tree: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const e of entries.filter((x) => x.isFile())) {
    const file = path.join(e.parentPath, e.name);
    tree[path.relative(dir, file)] = (await readFile(file)).toString('base64');
  }
  return tree;
}

const cacheDir = (s: Sample) => path.join(s.root, '.briefwire', 'cache');

/** The share cards and the search index, or neither (the counting test keeps to editions and pages; its own test follows them). */
type Extras = { cards?: boolean; search?: boolean };
const PLAIN: Extras = { cards: false, search: false };
/** Three builds with every card drawn and the index made: minutes on a loaded 2-core machine. */
const WITH_EXTRAS_TIMEOUT = 240_000;

async function buildWith(s: Sample, cache: boolean, out = s.out, extras: Extras = {}): Promise<BuildReport> {
  const r = await build({ contentDir: s.content, templatesDir: s.templates, outDir: out, cache, ...extras });
  expect(r.problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(r.ok).toBe(true);
  return r;
}

/** Builds with the (warm) cache into s.out and without any cache elsewhere; the two out/ trees must be identical. */
async function expectSameAsUncached(s: Sample, extras: Extras = {}): Promise<BuildReport> {
  const cached = await buildWith(s, true, s.out, extras);
  await buildWith(s, false, path.join(s.root, 'uncached', 'out'), extras);
  const [a, b] = [await bytesUnder(s.out), await bytesUnder(path.join(s.root, 'uncached', 'out'))];
  expect(Object.keys(a).length).toBeGreaterThan(50);
  expect(Object.keys(a)).toEqual(Object.keys(b));
  for (const rel of Object.keys(a)) expect(a[rel], rel).toBe(b[rel]);
  return cached;
}

async function editBrief(s: Sample, index: number, edit: (text: string) => string): Promise<string> {
  const names = (await readdir(path.join(s.content, 'editions'))).sort();
  const file = path.join(s.content, 'editions', names[index]!);
  const before = await readFile(file, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  await writeFile(file, after);
  return file;
}

async function cacheEntries(s: Sample): Promise<string[]> {
  const entries = await readdir(cacheDir(s), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('the build cache', () => {
  test('cold, warm, after a prose edit and after a number edit, the cached build writes the bytes an uncached build writes, and reuses all but what the edit reaches', async () => {
    const s = await copySample();
    const plain = PLAIN;
    const cold = await expectSameAsUncached(s, plain);
    expect(cold.cache!.hits).toBe(0);
    // Each brief's parse, its email and its whole edition, the audit, and each site page and feed.
    const editions = cold.editions;
    const sitePages = cold.cache!.misses - (3 * editions + 1);
    expect(sitePages).toBeGreaterThan(5);

    // Every edition and page is kept whole: no email is looked up, let alone filled, no page rendered.
    const warm = await expectSameAsUncached(s, plain);
    expect(warm.cache).toEqual({ hits: 2 * editions + 1 + sitePages, misses: 0 });

    // A sentence in the fourth brief: its parse, its edition and its email are redone, and the two feeds, which carry whole
    // editions; no page that lists editions, and not the audit, which reads no prose.
    await editBrief(s, 3, (t) => t.replace('## Results', 'A sentence added to the introduction.\n\n## Results'));
    const prose = await expectSameAsUncached(s, plain);
    expect(prose.cache).toEqual({ hits: 2 * editions - 1 + sitePages - 2, misses: 5 });

    // A number in the same brief: its parse, the audit, the editions (and their emails) whose figures, deltas or history
    // show it, and the pages that show them. An edition redone looks up its email too: that counts them.
    await editBrief(s, 3, (t) => t.replace('alibaba_cloud_growth: { value: 40,', 'alibaba_cloud_growth: { value: 41,'));
    const number = await expectSameAsUncached(s, plain);
    const redone = number.cache!.hits + number.cache!.misses - (2 * editions + 1 + sitePages);
    // Not the three editions before it, whose numbers cannot depend on a later brief; at least it and the next.
    expect(redone).toBeGreaterThanOrEqual(2);
    expect(redone).toBeLessThanOrEqual(editions - 3);
    const pagesRedone = number.cache!.misses - 2 - 2 * redone;
    expect(pagesRedone).toBeGreaterThanOrEqual(1);
    expect(pagesRedone).toBeLessThan(sitePages);
    expect(await readFile(path.join(s.out, 'editions', path.basename((await readdir(path.join(s.content, 'editions'))).sort()[3]!).slice(0, 10), 'email.txt'), 'utf8')).toContain('41');
  });

  test('unchanged files are hard-linked from the previous out/ and a file edited in out/ since is written afresh', async () => {
    const s = await copySample();
    await buildWith(s, true, s.out, PLAIN);
    const edition = (await readdir(path.join(s.out, 'editions'))).sort()[2]!;
    const text = path.join(s.out, 'editions', edition, 'email.txt');
    const html = path.join(s.out, 'editions', edition, 'email.html');
    const [textBefore, htmlBefore] = [await stat(text), await stat(html)];
    // Edited in place by hand: the next build must not carry the edit over.
    await writeFile(html, (await readFile(html, 'utf8')).replace('<body', '<body data-edited'));
    await expectSameAsUncached(s, PLAIN);
    expect((await stat(text)).ino).toBe(textBefore.ino);
    expect((await stat(html)).ino).not.toBe(htmlBefore.ino);
    expect(await readFile(html, 'utf8')).not.toContain('data-edited');
  });

  test('damaged entries are ignored: truncated, edited or replaced, each is a miss and the output is unchanged', async () => {
    const s = await copySample();
    await buildWith(s, true);
    const damage = (bytes: string, i: number) =>
      [bytes.slice(0, bytes.length >> 1), bytes.replace(/\d/, (d) => String((Number(d) + 1) % 10)).replace(/"/, "'"), '{}', `${bytes} `][i % 4]!;
    const entries = await cacheEntries(s);
    // A pack's entries are its lines: each is damaged on its own.
    const lines = (text: string) => text.split('\n').filter((l) => l !== '');
    const packed = await Promise.all(entries.filter((f) => f.endsWith('.pack')).map(async (f) => lines(await readFile(f, 'utf8')).length));
    expect(packed.reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
    await Promise.all(
      entries.map(async (file, i) => {
        const bytes = await readFile(file, 'utf8');
        await writeFile(file, file.endsWith('.pack') ? lines(bytes).map((l, j) => `${damage(l, j)}\n`).join('') : damage(bytes, i));
      }),
    );
    const r = await expectSameAsUncached(s);
    expect(r.cache!.hits).toBe(0);
  }, WITH_EXTRAS_TIMEOUT);

  test('editions and pages whose files are gone from out/ are rendered again, with the same bytes, though their entries are hits', async () => {
    const s = await copySample();
    await buildWith(s, true);
    await rm(s.out, { recursive: true });
    const r = await expectSameAsUncached(s);
    expect(r.cache!.misses).toBe(0);
  }, WITH_EXTRAS_TIMEOUT);

  test('entries are kept in one file per kind, replaced only by a build that succeeds', async () => {
    const s = await copySample();
    await buildWith(s, true);
    const packs = (await cacheEntries(s)).filter((f) => f.endsWith('.pack')).map((f) => path.basename(f)).sort();
    expect(packs).toEqual(['audit.pack', 'brief.pack', 'card.pack', 'edition.pack', 'email.pack', 'page.pack', 'search.pack']);
    // A cache an earlier version left, a file per entry, goes once a build succeeds.
    const legacy = path.join(cacheDir(s), 'build', 'blob', `${'0'.repeat(64)}.json`);
    await mkdir(path.dirname(legacy), { recursive: true });
    await writeFile(legacy, 'an entry in the old layout');
    await buildWith(s, true);
    expect((await cacheEntries(s)).some((f) => f.includes(`${path.sep}blob${path.sep}`))).toBe(false);
    const before = await bytesUnder(cacheDir(s));
    await editBrief(s, 2, (t) => t.replace(/^(\s+)alibaba_ai_cloud_share:/m, '$1alibaba_ai_cloud_shares:'));
    expect((await build({ contentDir: s.content, templatesDir: s.templates, outDir: s.out })).ok).toBe(false);
    expect(await bytesUnder(cacheDir(s))).toEqual(before);
  }, WITH_EXTRAS_TIMEOUT);

  test('a rebuild redraws only the cards whose figures changed, and makes the search index again only when a page changed', async () => {
    const s = await copySample();
    await buildWith(s, true);
    const made = async () => {
      const files = (await readdir(path.join(s.out, 'site'), { recursive: true })).filter((f) => f.endsWith('card.png') || f.startsWith(`pagefind${path.sep}`));
      const ids = new Map<string, string>();
      for (const f of files) {
        const st = await stat(path.join(s.out, 'site', f));
        if (st.isFile()) ids.set(f, `${st.ino}:${st.mtimeMs}`);
      }
      return ids;
    };
    const redone = (before: Map<string, string>, after: Map<string, string>) => [...after].filter(([f, id]) => before.get(f) !== id).map(([f]) => f).sort();
    const cold = await made();
    // One card beside every edition page and every metric page, and no other.
    const pages = (await readdir(path.join(s.out, 'site'), { recursive: true })).filter((f) => /^(editions|metrics)[\\/][^\\/]+[\\/]index\.html$/.test(f));
    const coldCards = [...cold.keys()].filter((f) => f.endsWith('card.png'));
    expect(pages.length).toBeGreaterThan(8);
    expect(coldCards.sort()).toEqual(pages.map((f) => path.join(path.dirname(f), 'card.png')).sort());

    // A stylesheet edit changes no page's text and no card.
    const css = path.join(s.templates, 'site', 'assets', 'site.css.hbs');
    await writeFile(css, `${await readFile(css, 'utf8')}\n.unused-rule { color: inherit; }\n`);
    await buildWith(s, true);
    const styled = await made();
    expect(redone(cold, styled)).toEqual([]);

    // A figure in the fourth brief: its card and the next report's (whose change it is) are drawn again, the index made again.
    await editBrief(s, 3, (t) => t.replace('alibaba_cloud_growth: { value: 40,', 'alibaba_cloud_growth: { value: 41,'));
    await buildWith(s, true);
    const changed = redone(styled, await made());
    const cards = changed.filter((f) => f.endsWith('card.png'));
    const date = (await readdir(path.join(s.content, 'editions'))).sort()[3]!.slice(0, 10);
    expect(cards).toContain(path.join('editions', date, 'card.png'));
    expect(cards.length).toBeLessThan(7 + 16 - 10);
    expect(changed).toContain(path.join('pagefind', 'pagefind-entry.json'));
  }, WITH_EXTRAS_TIMEOUT);

  test('a cache that cannot be written changes nothing: the build succeeds with the same output', async () => {
    const s = await copySample();
    // A file where the cache directory would go: every mkdir and write under it fails.
    await writeFile(path.join(s.root, '.briefwire'), 'not a directory');
    const r = await expectSameAsUncached(s, PLAIN);
    expect(r.cache!.hits).toBe(0);
  });

  test('with a warm cache, a failed build still names file and line and leaves the previous out/ as it was', async () => {
    const s = await copySample();
    await buildWith(s, true);
    const before = await bytesUnder(s.out);
    const file = await editBrief(s, 2, (t) => t.replace(/^(\s+)alibaba_ai_cloud_share:/m, '$1alibaba_ai_cloud_shares:'));
    const r = await build({ contentDir: s.content, templatesDir: s.templates, outDir: s.out });
    expect(r.ok).toBe(false);
    expect(r.problems).toContainEqual(expect.objectContaining({ file, code: 'BW_METRIC_UNKNOWN', line: expect.any(Number) }));
    expect(await bytesUnder(s.out)).toEqual(before);
  }, WITH_EXTRAS_TIMEOUT);

  test('with a warm cache, a misspelt variable in a template is still a strict-mode error with file and line, the same as without the cache', async () => {
    const s = await copySample();
    await buildWith(s, true);
    const before = await bytesUnder(s.out);
    const layout = path.join(s.templates, 'email.mjml.hbs');
    const text = await readFile(layout, 'utf8');
    await writeFile(layout, text.replace('</mj-body>', '<mj-section><mj-column><mj-text>{{archiveUrll}}</mj-text></mj-column></mj-section>\n</mj-body>'));
    const line = text.slice(0, text.indexOf('</mj-body>')).split('\n').length;
    const cached = await build({ contentDir: s.content, templatesDir: s.templates, outDir: s.out });
    const uncached = await build({ contentDir: s.content, templatesDir: s.templates, outDir: path.join(s.root, 'uncached', 'out'), cache: false });
    expect(cached.ok).toBe(false);
    expect(cached.problems).toContainEqual(expect.objectContaining({ file: layout, line, code: 'BW_TEMPLATE', message: expect.stringContaining('archiveUrll') }));
    expect(cached.problems).toEqual(uncached.problems);
    expect(await bytesUnder(s.out)).toEqual(before);
  }, WITH_EXTRAS_TIMEOUT);
});
