import { appendFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mkdirDurable } from '../../../src/deliver/jsonl.js';
import { isComplete, ledgerFile, LedgerWriter, readLedger } from '../../../src/deliver/store/ledger.js';
import { useTempDir } from '../../support/fixtures.js';
import { withShortWrites } from '../../support/short-writes.js';

let dir: string;
useTempDir('bw-deliver-', (d) => (dir = d));

describe('ledger', () => {
  it('derives each recipient state from its last record; sent is final', async () => {
    const w = await LedgerWriter.open(dir, '2025-03-10');
    expect(w.ok).toBe(true);
    if (!w.ok) return;
    const at = new Date().toISOString();
    await Promise.all([
      w.value.append({ type: 'attempt', to: 'a@x.com', at, try: 1 }),
      w.value.append({ type: 'sent', to: 'a@x.com', at }),
      w.value.append({ type: 'attempt', to: 'b@x.com', at, try: 1 }),
      w.value.append({ type: 'failed', to: 'b@x.com', at, permanent: true, code: 550, error: 'no such user' }),
      w.value.append({ type: 'attempt', to: 'c@x.com', at, try: 1 }),
      w.value.append({ type: 'failed', to: 'c@x.com', at, permanent: false, code: 421, error: 'later' }),
      w.value.append({ type: 'attempt', to: 'd@x.com', at, try: 1 }),
      w.value.append({ type: 'attempt', to: 'e@x.com', at, try: 1 }),
      w.value.append({ type: 'unconfirmed', to: 'e@x.com', at, error: 'dropped' }),
      w.value.append({ type: 'attempt', to: 'a@x.com', at, try: 1 }),
    ]);
    await w.value.close();
    const r = await readLedger(dir, '2025-03-10');
    expect(r.ok && Object.fromEntries(r.value.states)).toEqual({
      'a@x.com': 'sent',
      'b@x.com': 'failed-permanent',
      'c@x.com': 'failed-temporary',
      'd@x.com': 'unknown',
      'e@x.com': 'unknown',
    });
    expect(r.ok && isComplete(r.value)).toBe(false);
  });

  it('tolerates a torn last line: read ignores it, the writer cuts it before appending', async () => {
    const file = ledgerFile(dir, '2025-03-10');
    const w = await LedgerWriter.open(dir, '2025-03-10');
    if (!w.ok) throw new Error('open');
    await w.value.append({ type: 'attempt', to: 'a@x.com', at: 't', try: 1 });
    await w.value.close();
    await appendFile(file, '{"type":"sent","to":"a@x.c');
    const read = await readLedger(dir, '2025-03-10');
    expect(read.ok && read.value.states.get('a@x.com')).toBe('unknown');
    const w2 = await LedgerWriter.open(dir, '2025-03-10');
    if (!w2.ok) throw new Error('open');
    expect(w2.warnings.map((p) => p.code)).toEqual(['BW_LEDGER_TORN_TAIL']);
    await w2.value.append({ type: 'sent', to: 'a@x.com', at: 't' });
    await w2.value.close();
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['attempt', 'sent']);
  });

  it('writes the rest of a record after a short write, so a resolved append is whole on disk', async () => {
    const w = await LedgerWriter.open(dir, '2025-03-10');
    if (!w.ok) throw new Error('open');
    const records = Array.from({ length: 20 }, (_, i) => ({ type: 'attempt' as const, to: `r${i}@x.com`, at: 't', try: 1 }));
    await withShortWrites(dir, (n) => Math.ceil(n / 3), () => Promise.all(records.map((r) => w.value.append(r))));
    await w.value.close();
    const lines = (await readFile(ledgerFile(dir, '2025-03-10'), 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(records);
  });

  it('fails the append (and every later one) when a write takes nothing, with a message naming no file', async () => {
    const w = await LedgerWriter.open(dir, '2025-03-10');
    if (!w.ok) throw new Error('open');
    const first = withShortWrites(dir, () => 0, () => w.value.append({ type: 'attempt', to: 'a@x.com', at: 't', try: 1 }));
    await expect(first).rejects.toThrow(/^could not write the send ledger: wrote 0 of \d+ bytes/);
    await expect(w.value.append({ type: 'attempt', to: 'b@x.com', at: 't', try: 1 })).rejects.toThrow(/could not write/);
    await w.value.close();
  });

  it('syncs the parent of every directory it creates for the ledger, and nothing when they exist', async () => {
    const synced: string[] = [];
    const sync = async (d: string): Promise<void> => void synced.push(path.relative(dir, d) || '.');
    await mkdirDurable(path.join(dir, 'state', 'sends'), sync);
    expect(synced).toEqual(['state', '.']);
    synced.length = 0;
    await mkdirDurable(path.join(dir, 'state', 'sends'), sync);
    expect(synced).toEqual([]);
    await mkdirDurable(path.join(dir, 'state', 'sends', 'x'), sync);
    expect(synced).toEqual(['state/sends']);
  });

  it('a done record without retries left marks the edition complete', async () => {
    const w = await LedgerWriter.open(dir, '2025-03-10');
    if (!w.ok) throw new Error('open');
    await w.value.append({ type: 'done', at: 't', sent: 1, failed: 0, retryLater: 1, unknown: 0 });
    const midway = await readLedger(dir, '2025-03-10');
    expect(midway.ok && isComplete(midway.value)).toBe(false);
    await w.value.append({ type: 'done', at: 't', sent: 1, failed: 0, retryLater: 0, unknown: 0 });
    await w.value.close();
    const r = await readLedger(dir, '2025-03-10');
    expect(r.ok && isComplete(r.value)).toBe(true);
  });
});

