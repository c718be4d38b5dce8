import { appendFile, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { appendSuppression, SuppressionList, suppressionFile } from '../../../src/deliver/audience/suppression.js';
import { useTempDir } from '../../support/fixtures.js';
import { withShortWrites } from '../../support/short-writes.js';

let dir: string;
useTempDir('bw-deliver-', (d) => (dir = d));

describe('suppression list', () => {
  it('appends durably, survives a torn line from another writer and picks up appends on refresh', async () => {
    const loaded = await SuppressionList.load(dir);
    if (!loaded.ok) throw new Error('load');
    const list = loaded.value;
    expect(list.has('a@x.com')).toBe(false);
    await appendSuppression(dir, 'A@x.com', 'form');
    await appendFile(suppressionFile(dir), '{"address":"torn@x.co');
    await appendSuppression(dir, 'b@x.com', 'one-click');
    const problems = await list.refresh();
    expect(list.has('a@x.com')).toBe(true);
    expect(list.has('B@X.COM')).toBe(true);
    expect(problems.map((p) => [p.code, p.line])).toEqual([['BW_JSONL_LINE_SKIPPED', expect.any(Number)]]);
  });

  it('writes a whole line even when the disk takes it a few bytes at a time', async () => {
    await withShortWrites(dir, (n) => Math.min(n, 5), () => appendSuppression(dir, 'slow@x.com', 'form'));
    const text = await readFile(suppressionFile(dir), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ address: 'slow@x.com', via: 'form' });
  });
});

