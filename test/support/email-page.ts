/**
 * Measurements taken inside a real Chromium page showing an email: words
 * broken across lines, colour contrast (WCAG 2 formula) against the
 * background actually painted behind each element. Each function is passed
 * to page.evaluate, so it is self-contained.
 */

/** Removes every <style> element: what the Gmail app shows for a non-Google account. */
export function stripStyles(html: string): string {
  return html.replace(/<style\b[^>]*>[\s\S]*?<\/style>/gi, '');
}

/** Words (split at spaces, hyphens, dashes and slashes, where a break is allowed) whose glyphs sit on more than one line. */
export function brokenWords(): string[] {
  const broken: string[] = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('style, script, title')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const text = node.textContent ?? '';
    for (const m of text.matchAll(/[^\s\-\u2010-\u2014/]+/g)) {
      if (m[0].length < 2) continue;
      const range = document.createRange();
      range.setStart(node, m.index!);
      range.setEnd(node, m.index! + m[0].length);
      const tops = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0).map((r) => Math.round(r.top));
      if (new Set(tops).size > 1 && Math.max(...tops) - Math.min(...tops) > 3) broken.push(m[0]);
    }
  }
  return broken;
}

export interface ContrastSample {
  text: string;
  selector: string;
  color: string;
  background: string;
  ratio: number;
}

/** Contrast of every element matching `selector` that holds text of its own, against the nearest painted background. */
export function contrastOf(selector: string): ContrastSample[] {
  const parse = (c: string): [number, number, number, number] => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const p = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0]!, p[1]!, p[2]!, p[3] ?? 1];
  };
  const lum = ([r, g, b]: number[]) => {
    const ch = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * ch(r!) + 0.7152 * ch(g!) + 0.0722 * ch(b!);
  };
  const backgroundOf = (el: Element | null): string => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (parse(s.backgroundColor)[3] > 0) return s.backgroundColor;
      const attr = e.getAttribute('bgcolor');
      if (attr) return attr;
    }
    return 'rgb(255, 255, 255)';
  };
  const out: ContrastSample[] = [];
  for (const el of document.querySelectorAll(selector)) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && /[\p{L}\p{N}]/u.test(n.textContent ?? ''));
    if (!own) continue;
    const s = getComputedStyle(el);
    if (s.display === 'none') continue;
    const fg = lum(parse(s.color));
    const bgColor = backgroundOf(el);
    const bg = lum(parse(bgColor));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    out.push({ text: (el.textContent ?? '').trim().slice(0, 40), selector, color: s.color, background: bgColor, ratio: Math.round(ratio * 100) / 100 });
  }
  return out;
}

/** Relative luminance (WCAG) of an element's painted background. */
export function backgroundLuminance(selector: string): number {
  const el = document.querySelector(selector);
  if (!el) return -1;
  const m = /rgba?\(([^)]+)\)/.exec(getComputedStyle(el).backgroundColor);
  if (!m) return -1;
  const [r, g, b] = m[1]!.split(/[ ,/]+/).filter(Boolean).map(Number);
  const ch = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * ch(r!) + 0.7152 * ch(g!) + 0.0722 * ch(b!);
}
