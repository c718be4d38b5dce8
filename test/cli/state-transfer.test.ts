/**
 * Moving state between backends on a real PostgreSQL: a files state holding
 * suppressions imported twice gives the same counts and changes nothing the
 * second time; an address suppressed on either side stays suppressed; an
 * export writes the files format the files backend reads back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilesStore } from '../../src/deliver/store/files-store.js';
import { appendJsonLines } from '../../src/deliver/jsonl.js';
import { ledgerFile } from '../../src/deliver/store/ledger.js';
import { readFilesSnapshot } from '../../src/deliver/store/files-snapshot.js';
import { activeSuppressions } from '../../src/deliver/store/state-snapshot.js';
import { runInProcess } from '../support/cli.js';
import { startCluster, type TestCluster } from '../support/postgres.js';

let cluster: TestCluster;
let dir: string;
beforeAll(async () => {
  cluster = await startCluster();
  dir = await mkdtemp(path.join(tmpdir(), 'bw-transfer-'));
}, 120_000);
afterAll(async () => {
  cluster?.stop();
  await rm(dir, { recursive: true, force: true });
});

const at = (minute: number): Date => new Date(Date.UTC(2026, 11, 1, 9, minute));

/** A files state as a long-running list leaves it: unsubscribes, a bounce, a lift, consents, a ledger. */
async function filesState(stateDir: string): Promise<void> {
  const files = new FilesStore(stateDir);
  await files.suppress('Ann@example.com', 'one-click', at(1));
  await files.suppress('cy@example.com', 'form', at(2));
  await files.liftSuppression('cy@example.com', 'confirmed', at(3));
  await files.recordConfirmation({ address: 'cy@example.com', requestedAt: at(2).toISOString() }, at(3));
  await files.recordConfirmation({ address: 'eve@example.com', name: 'Eve', requestedAt: at(0).toISOString() }, at(4));
  await files.applyFeedback([{ id: 'dsn-1', kind: 'hard-bounce', address: 'bob@example.com', at: at(5).toISOString(), via: 'dsn' }], at(5));
  await files.addSlotRecord('2026-12-14', 'skip', at(6));
  await appendJsonLines(ledgerFile(stateDir, '2026-12-07'), [
    { type: 'run', at: at(7).toISOString(), pid: 1, resendUnknown: false },
    { type: 'attempt', to: 'dee@example.com', at: at(7).toISOString(), try: 1 },
    { type: 'sent', to: 'dee@example.com', at: at(7).toISOString(), response: '250' },
    { type: 'attempt', to: 'fay@example.com', at: at(7).toISOString(), try: 1 },
  ]);
}

describe('briefwire state import and export', () => {
  it('imports a files state twice with the same counts; nothing suppressed on either side is lifted', async () => {
    const source = path.join(dir, 'files-state');
    await filesState(source);
    cluster.createDatabase('target');
    const env = { DATABASE_URL: cluster.url('target') };
    expect((await runInProcess(['state', 'migrate'], { env })).code).toBe(0);
    // The database already knows eve left, and that cy did (the files state later saw cy come back).
    cluster.psql('target', "INSERT INTO suppression_events (address, at, via, reason) VALUES ('eve@example.com', '2026-12-02T00:00:00Z', 'one-click', 'unsubscribed'), ('cy@example.com', '2026-12-02T00:00:00Z', 'form', 'unsubscribed')");
    cluster.psql('target', "INSERT INTO suppressions (address, reason, at, last_suppressed_at, active) VALUES ('eve@example.com', 'unsubscribed', '2026-12-02T00:00:00Z', '2026-12-02T00:00:00Z', true), ('cy@example.com', 'unsubscribed', '2026-12-02T00:00:00Z', '2026-12-02T00:00:00Z', true)");

    const first = await runInProcess(['state', 'import', '--from', source], { env });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('suppressions: 2 added, 0 already present, 2 kept suppressed');
    expect(first.stdout).toContain('subscriber records: 2 added, 0 already present');
    expect(first.stdout).toContain('bounces and complaints: 1 added, 0 already present');
    expect(first.stdout).toContain('ledger entries: 2 added, 0 already present');
    const suppressed = (): string => cluster.psql('target', 'SELECT address || \' \' || reason FROM suppressions WHERE active ORDER BY address').trim();
    expect(suppressed()).toBe(['ann@example.com unsubscribed', 'bob@example.com hard-bounce', 'cy@example.com unsubscribed', 'eve@example.com unsubscribed'].join('\n'));

    const second = await runInProcess(['state', 'import', '--from', source], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('suppressions: 0 added, 2 already present, 2 kept suppressed');
    expect(second.stdout).toContain('subscriber records: 0 added, 2 already present');
    expect(second.stdout).toContain('bounces and complaints: 0 added, 1 already present');
    expect(second.stdout).toContain('slot records: 0 added, 1 already present');
    expect(second.stdout).toContain('ledger entries: 0 added, 2 already present');
    expect(suppressed()).toBe(['ann@example.com unsubscribed', 'bob@example.com hard-bounce', 'cy@example.com unsubscribed', 'eve@example.com unsubscribed'].join('\n'));
    expect(cluster.psql('target', "SELECT state FROM deliveries WHERE address = 'fay@example.com'").trim()).toBe('attempt');

    // Exported back to files, the files backend sees the same suppressions, consents and ledger.
    const exported = path.join(dir, 'export');
    const out = await runInProcess(['state', 'export', '--to', exported], { env });
    expect(out.code, out.stderr).toBe(0);
    const back = await readFilesSnapshot(exported);
    expect([...activeSuppressions(back.snapshot.suppressions).keys()].sort()).toEqual(['ann@example.com', 'bob@example.com', 'cy@example.com', 'eve@example.com']);
    expect(back.snapshot.sends.get('2026-12-07')?.states).toEqual(new Map([['dee@example.com', 'sent'], ['fay@example.com', 'unknown']]));
    const store = new FilesStore(exported);
    expect([...(await store.subscribers()).confirmed.keys()].sort()).toEqual(['cy@example.com', 'eve@example.com']);

    // And that export imported into a fresh files state changes nothing on a second pass either.
    const files = path.join(dir, 'files-again');
    const a = await runInProcess(['state', 'import', '--from', exported, '--state', files]);
    const b = await runInProcess(['state', 'import', '--from', exported, '--state', files]);
    expect(a.stdout).toContain('suppressions: 4 added, 0 already present, 0 kept suppressed');
    expect(b.stdout).toContain('suppressions: 0 added, 4 already present, 0 kept suppressed');
  });
});
