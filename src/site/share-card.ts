/**
 * Draws a share card (card-layout.ts) as a 1200x630 PNG: satori lays the
 * card out and turns its text into SVG paths, resvg rasterises the SVG. The
 * fonts are Inter from the @fontsource/inter package (SIL Open Font
 * License), read from the package's own files: nothing is looked up on the
 * system, so a card is the same on every machine that installed the same
 * packages.
 */
import { readFile } from 'node:fs/promises';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createRequire } from 'node:module';
import satori from 'satori';
import { Resvg } from '@resvg/resvg-js';
import { CARD_SIZE, type CardContent, type CardFigure } from './card-layout.js';
import { encodePng } from './png-image.js';

type FontWeight = 400 | 700;
interface Font {
  name: string;
  data: Buffer;
  weight: FontWeight;
  style: 'normal';
}

/** Latin and Latin Extended cover the newsletter's languages; a character outside them is left out of the card, not drawn from a system font. */
const FONT_FILES = ['latin', 'latin-ext'].flatMap((subset) => ([400, 700] as const).map((weight) => ({ subset, weight })));

let fonts: Promise<Font[]> | undefined;

function loadFonts(): Promise<Font[]> {
  const require = createRequire(import.meta.url);
  return (fonts ??= Promise.all(
    FONT_FILES.map(async ({ subset, weight }) => ({
      name: 'Inter',
      // satori reads TTF, OTF and WOFF, not WOFF2.
      data: await readFile(require.resolve(`@fontsource/inter/files/inter-${subset}-${weight}-normal.woff`)),
      weight,
      style: 'normal' as const,
    })),
  ));
}

/** The card's colours: the site's brand header, which reads the same in a light or a dark chat app. */
const INK = { ground: '#0b2545', text: '#ffffff', soft: '#c8d6e5', rule: '#3d5a80', accent: '#6cb6ff' };

/** satori's element shape (React-like), without React. */
interface Node {
  type: string;
  props: { style: Record<string, string | number>; children?: string | Node | Node[] };
}
const el = (type: string, style: Node['props']['style'], children?: Node['props']['children']): Node => ({ type, props: { style, ...(children === undefined ? {} : { children }) } });

/** Long titles are cut at a word, so three lines at the title's size always fit. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

function figureRow(f: CardFigure, size: number): Node {
  return el('div', { display: 'flex', flexDirection: 'column', borderTop: `2px solid ${INK.rule}`, paddingTop: 10 }, [
    el('div', { fontSize: size * 0.62, color: INK.soft }, clip(f.label, 80)),
    el('div', { display: 'flex', alignItems: 'baseline', flexWrap: 'wrap' }, [
      el('span', { fontSize: size, fontWeight: 700, marginRight: 18 }, f.value),
      el('span', { fontSize: size * 0.7, color: INK.soft }, clip(f.change, 90)),
    ]),
  ]);
}

function cardTree(card: CardContent): Node {
  const single = card.figures.length === 1;
  // The margin is on an inner box: satori sizes a padded box by its content, so a padded 1200 px root would be wider than the card.
  const frame = { width: CARD_SIZE.width, height: CARD_SIZE.height, display: 'flex', flexDirection: 'column', background: INK.ground, color: INK.text, fontFamily: 'Inter' };
  return el('div', frame, [
    el('div', { display: 'flex', flexDirection: 'column', flexGrow: 1, margin: '48px 64px' }, [
      el('div', { display: 'flex', justifyContent: 'space-between', fontSize: 26, color: INK.soft }, [
        el('span', { fontWeight: 700, color: INK.accent }, card.site),
        el('span', {}, card.kicker),
      ]),
      el('div', { fontSize: single ? 60 : 46, fontWeight: 700, lineHeight: 1.15, marginTop: 22 }, clip(card.title, single ? 70 : 110)),
      el('div', { display: 'flex', flexDirection: 'column', marginTop: 'auto', gap: 12 }, card.figures.map((f) => figureRow(f, single ? 64 : 30))),
    ]),
  ]);
}

/** The card as a 1200x630 PNG. */
export async function drawCard(card: CardContent): Promise<Uint8Array> {
  const svg = await satori(cardTree(card) as unknown as Parameters<typeof satori>[0], { ...CARD_SIZE, fonts: await loadFonts() });
  const image = new Resvg(svg, { fitTo: { mode: 'original' }, font: { loadSystemFonts: false } }).render();
  const png = encodePng(image.width, image.height, image.pixels, { premultiplied: true });
  // resvg's objects hold their pixels (3 MB) in native memory until node finalizes them, which it does between turns of the
  // event loop: without a turn per card, cards drawn in a loop of promises kept every card's pixels (1.7 GB for 240 cards).
  await nextTurn();
  return png;
}
