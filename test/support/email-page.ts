/**
 * Measurements taken inside a real Chromium page showing an email: words
 * broken across lines, colour contrast (WCAG 2 formula) against the
 * background actually painted behind each element. The functions passed to
 * page.evaluate are self-contained and only report colours; the arithmetic
 * runs in Node, once.
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

export interface ColourSample {
  text: string;
  selector: string;
  color: string;
  background: string;
}

export interface ContrastSample extends ColourSample {
  ratio: number;
}

/** Text and background colour of every element matching `selector` that holds text of its own; the background is the nearest one painted. */
export function coloursOf(selector: string): ColourSample[] {
  const painted = (c: string) => !/^(transparent|rgba\([^)]*,\s*0\))$/.test(c);
  const backgroundOf = (el: Element | null): string => {
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (painted(s.backgroundColor)) return s.backgroundColor;
      const attr = e.getAttribute('bgcolor');
      if (attr) return attr;
    }
    return 'rgb(255, 255, 255)';
  };
  const out: ColourSample[] = [];
  for (const el of document.querySelectorAll(selector)) {
    const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && /[\p{L}\p{N}]/u.test(n.textContent ?? ''));
    if (!own) continue;
    const s = getComputedStyle(el);
    if (s.display === 'none') continue;
    out.push({ text: (el.textContent ?? '').trim().slice(0, 40), selector, color: s.color, background: backgroundOf(el) });
  }
  return out;
}

/** The computed background colour of the first element matching `selector` (null when none matches). */
export function backgroundColourOf(selector: string): string | null {
  const el = document.querySelector(selector);
  return el ? getComputedStyle(el).backgroundColor : null;
}

// The rest runs in Node, on the colours the page reported.

/** Relative luminance (WCAG 2) of a CSS rgb()/rgba() or #rrggbb colour. */
export function luminance(colour: string): number {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour.trim());
  const rgb = hex ? hex.slice(1).map((h) => parseInt(h, 16)) : (/rgba?\(([^)]+)\)/.exec(colour)?.[1] ?? '').split(/[ ,/]+/).filter(Boolean).map(Number);
  if (rgb.length < 3) throw new Error(`not a colour: ${colour}`);
  const channel = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(rgb[0]!) + 0.7152 * channel(rgb[1]!) + 0.0722 * channel(rgb[2]!);
}

/** Each sample with its WCAG contrast ratio, rounded to two decimals. */
export function withContrast(samples: ColourSample[]): ContrastSample[] {
  return samples.map((s) => {
    const [fg, bg] = [luminance(s.color), luminance(s.background)];
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    return { ...s, ratio: Math.round(ratio * 100) / 100 };
  });
}
