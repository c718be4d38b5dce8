import { describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { Resvg } from '@resvg/resvg-js';
import { encodePng } from '../../src/site/png-image.js';

/** An independent reader (pngjs checks every chunk's CRC and the zlib stream) gives back what was written. */
const decode = (png: Uint8Array) => PNG.sync.read(Buffer.from(png), { checkCRC: true });

describe('encodePng', () => {
  it('writes RGBA pixels a PNG reader gives back exactly, any size', () => {
    for (const [width, height] of [[1, 1], [3, 2], [17, 5]] as const) {
      const rgba = Uint8Array.from({ length: width * height * 4 }, (_, i) => (i * 37 + width) % 256);
      const image = decode(encodePng(width, height, rgba));
      expect([image.width, image.height]).toEqual([width, height]);
      expect([...image.data]).toEqual([...rgba]);
    }
  });

  it('turns resvg\'s premultiplied pixels into the straight alpha resvg\'s own encoder writes', () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="10">
      <rect width="40" height="10" fill="#0b2545" fill-opacity="0.35"/>
      <circle cx="20" cy="5" r="4.3" fill="#6cb6ff" fill-opacity="0.8"/>
    </svg>`;
    const image = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
    const ours = decode(encodePng(image.width, image.height, image.pixels, { premultiplied: true }));
    const theirs = decode(image.asPng());
    // Premultiplied in, straight out: a 35% navy reads (11, 37, 69, 89), not (4, 13, 24, 89).
    expect([...ours.data.subarray(0, 4)]).toEqual([11, 37, 69, 89]);
    expect([...ours.data]).toEqual([...theirs.data]);
  });

  it('refuses pixels that are not width x height x 4 bytes', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow('15 bytes is not 2x2 RGBA');
  });
});
