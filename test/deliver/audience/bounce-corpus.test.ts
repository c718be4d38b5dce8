/**
 * The classifier against sisimai's public corpus of real bounces from 65
 * mail servers and providers, scored against sisimai's own expectations
 * (test/fixtures/bounces/sisimai/README.md says where they come from).
 */
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { percent, scoreCorpus } from '../../../bench/bounce-corpus-score.js';

describe('bounce classification on the sisimai corpus', () => {
  it('decides hard bounces, complaints and soft bounces as the reference does, finds the recipients, and never crashes', async () => {
    const s = await scoreCorpus();
    if (process.env['BOUNCE_MISSES']) await writeFile(process.env['BOUNCE_MISSES'], JSON.stringify(s, null, 1));
    expect(s.files).toBeGreaterThanOrEqual(580);
    expect(s.crashes).toEqual([]);
    expect(s.hard.total).toBeGreaterThan(150);
    expect(percent(s.hard)).toBeGreaterThanOrEqual(95);
    expect(s.complaints.total).toBeGreaterThanOrEqual(15);
    expect(percent(s.complaints)).toBeGreaterThanOrEqual(95);
    expect(s.soft.total).toBeGreaterThan(350);
    expect(percent(s.soft)).toBeGreaterThanOrEqual(95);
    expect(percent(s.recipients)).toBeGreaterThanOrEqual(98);
  }, 120_000);
});
