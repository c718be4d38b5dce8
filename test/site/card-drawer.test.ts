import { afterAll, describe, expect, test } from 'vitest';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { CardDrawer } from '../../src/site/card-drawer.js';
import { drawCard } from '../../src/site/share-card.js';
import type { CardContent } from '../../src/site/card-layout.js';

// The thread's entry as the build runs it: compiled (the suite's global setup compiles src/ to dist/).
const THREAD_FILE = path.resolve('dist/site/card-drawer-thread.js');

const card = (n: number): CardContent => ({
  site: 'AI Cloud Weekly',
  kicker: `Edition ${n} · Monday, ${n} March 2026`,
  title: `Week ${n}: Qwen price cuts and the Yitian 710 in Alibaba Cloud's quarter`,
  figures: [
    { label: 'Alibaba Cloud Intelligence Group quarterly revenue', value: `CNY ${30 + n}.1 bn`, change: `up CNY ${n}.0 bn (+${n}.5% YoY)` },
    { label: 'AI share of cloud revenue', value: `${20 + n}%`, change: 'up 2 pp vs Q3 2025' },
    { label: 'China AI cloud market share', value: '35.8%', change: 'new' },
  ],
});

/** Width, height and the decompressed length of a PNG's image data (a truncated or garbled file fails to inflate). */
function pngShape(png: Uint8Array): [number, number, number] {
  const b = Buffer.from(png);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  const idat: Buffer[] = [];
  for (let at = 8; at < b.length; ) {
    const length = b.readUInt32BE(at);
    if (b.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(b.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return [b.readUInt32BE(16), b.readUInt32BE(20), inflateSync(Buffer.concat(idat)).length];
}

describe('the share card drawer', () => {
  const drawer = new CardDrawer(THREAD_FILE);
  afterAll(() => drawer.close());

  test('cards drawn at once on its threads are byte for byte the cards drawn in-process, each its own', async () => {
    const cards = [1, 2, 3, 4, 5].map(card);
    const threaded = await Promise.all(cards.map((c) => drawer.draw(c)));
    const inProcess = [];
    for (const c of cards) inProcess.push(await drawCard(c));
    for (const [i, png] of threaded.entries()) {
      expect(Buffer.from(png).equals(Buffer.from(inProcess[i]!)), `card ${i + 1}`).toBe(true);
      // Filter byte + RGBA per pixel, per row.
      expect(pngShape(png)).toEqual([1200, 630, 630 * (1 + 1200 * 4)]);
    }
    expect(new Set(threaded.map((png) => Buffer.from(png).toString('base64'))).size).toBe(cards.length);
  });

  test('a drawer whose thread entry is missing draws in-process, the same bytes', async () => {
    const inline = new CardDrawer(path.resolve('dist/site/no-such-thread.js'));
    expect(Buffer.from(await inline.draw(card(7))).equals(Buffer.from(await drawCard(card(7))))).toBe(true);
    await inline.close();
  });

  test('a stopped drawer fails the cards still being drawn, and draws the next in-process', async () => {
    const stopped = new CardDrawer(THREAD_FILE);
    // Its failure is expected before the drawer is stopped, so it is never an unhandled rejection meanwhile.
    const failed = expect(stopped.draw(card(8))).rejects.toThrow(/share card thread/);
    await stopped.close();
    await failed;
    expect(pngShape(await stopped.draw(card(9)))[0]).toBe(1200);
  });
});
