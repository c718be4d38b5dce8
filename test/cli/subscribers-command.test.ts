/** `briefwire subscribers`: counts per source and reason, and the exported effective list. */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { useCliSandbox } from '../support/deliver.js';

describe('briefwire subscribers', () => {
  const box = useCliSandbox();

  async function setUp(): Promise<void> {
    const p = box.paths();
    await writeFile(p.subscribers, 'email,name\nann@example.com,Ann\nbob@example.com,"Bob, Jr."\ncarl@example.com,Carl\nnot-an-address,Nobody\n');
    await mkdir(p.state, { recursive: true });
    const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r) + '\n').join('');
    await writeFile(
      path.join(p.state, 'subscribers.jsonl'),
      jsonl([
        { event: 'requested', address: 'zoe@example.org', at: '2025-03-01T10:00:00.000Z' },
        { event: 'confirmed', address: 'zoe@example.org', name: 'Zoë', at: '2025-03-01T10:05:00.000Z', consent: 'double-opt-in', requestedAt: '2025-03-01T10:00:00.000Z' },
        { event: 'confirmed', address: 'ann@example.com', at: '2025-03-02T10:05:00.000Z', consent: 'double-opt-in', requestedAt: '2025-03-02T10:00:00.000Z' },
        { event: 'confirmed', address: 'gone@example.org', at: '2025-03-02T11:05:00.000Z', consent: 'double-opt-in', requestedAt: '2025-03-02T11:00:00.000Z' },
        { event: 'requested', address: 'wait@example.org', at: '2025-03-03T10:00:00.000Z' },
      ]),
    );
    await writeFile(
      path.join(p.state, 'suppressed.jsonl'),
      jsonl([
        { address: 'bob@example.com', at: '2025-03-04T10:00:00.000Z', via: 'one-click' },
        { address: 'gone@example.org', at: '2025-03-05T10:00:00.000Z', via: 'dsn', reason: 'hard-bounce', source: '<r1@mx>' },
        { address: 'angry@example.net', at: '2025-03-05T11:00:00.000Z', via: 'arf', reason: 'complaint' },
      ]),
    );
  }

  it('counts each source and reason once and exports exactly what send would mail', async () => {
    await setUp();
    const p = box.paths();
    const file = path.join(box.dir, 'effective.csv');
    const res = await box.run(['subscribers', '--subscribers', p.subscribers, '--state', p.state, '--export', file]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`From ${p.subscribers}: 3`);
    expect(res.stdout).toContain('Confirmed through the form: 3 (1 also in the CSV)');
    expect(res.stdout).toContain('Waiting to confirm: 1');
    expect(res.stdout).toContain('Suppressed: 3 (1 unsubscribed, 1 hard-bounce, 1 complaint), of whom 2 are on the list above');
    expect(res.stdout).toContain('Effective list (what send mails): 3');
    expect(res.stderr).toContain('not-an-address');
    const rows = parse(await readFile(file, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { email: 'ann@example.com', name: 'Ann', source: 'csv' },
      { email: 'carl@example.com', name: 'Carl', source: 'csv' },
      { email: 'zoe@example.org', name: 'Zoë', source: 'confirmed' },
    ]);
  });

  it('--csv writes only CSV to standard output (the report goes to stderr)', async () => {
    await setUp();
    const p = box.paths();
    const res = await box.run(['subscribers', '--subscribers', p.subscribers, '--state', p.state, '--csv']);
    expect(res.code).toBe(0);
    const rows = parse(res.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['email'])).toEqual(['ann@example.com', 'carl@example.com', 'zoe@example.org']);
    expect(res.stderr).toContain('Effective list (what send mails): 3');
  });

  it('a named CSV that does not exist is an error; a missing default CSV means confirmed readers only', async () => {
    await setUp();
    const p = box.paths();
    const missing = await box.run(['subscribers', '--subscribers', path.join(box.dir, 'nope.csv'), '--state', p.state]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.csv: error\[BW_SUBSCRIBERS_NOT_FOUND\]/);
    await rm(p.subscribers);
    const formOnly = await box.run(['subscribers', '--state', p.state]);
    expect(formOnly.code).toBe(0);
    expect(formOnly.stdout).toContain('From no CSV: 0');
    expect(formOnly.stdout).toContain('Effective list (what send mails): 2');
  });
});
