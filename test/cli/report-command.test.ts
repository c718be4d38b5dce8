/**
 * `briefwire report` after real sends through the loopback sink, on each
 * backend: a refusal, a drop after the body (unknown), bounces, a complaint
 * and an unsubscribe recorded between two editions. The JSON is the same on
 * files and on PostgreSQL; the text says the window it counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStateStore } from '../../src/deliver/store/open-store.js';
import type { FeedbackKind } from '../../src/deliver/audience/feedback.js';
import { setUpSend, useCliSandbox, writeEdition } from '../support/deliver.js';
import { filesBackend, postgresBackend } from '../support/state-backends.js';

const box = useCliSandbox();
const { paths, sendArgs, run } = box;
const FIGURES = ['recipients', 'sent', 'failed', 'unknown', 'bounced_hard', 'bounced_soft', 'complained', 'unsubscribed'];

describe.each([filesBackend(), postgresBackend()])('briefwire report: $name', (backend) => {
  beforeAll(() => backend.setup(), 120_000);
  afterAll(() => backend.teardown());

  it('reports the newest edition by default, an older one by date, as text and as JSON', { timeout: 60_000 }, async () => {
    const p = paths();
    const { env: stateEnv } = await backend.fresh();
    const env = box.env(stateEnv as Record<string, string>);
    const readers = await setUpSend(p, '2025-03-10', 12);
    box.sink.behaviour = {
      rcpt: (address) => (address === readers[2] ? { code: 550, message: '5.1.1 no such user' } : undefined),
      data: (to) => (to[0] === readers[3] ? 'drop' : 'accept'),
    };
    const first = await run(sendArgs('2025-03-10', ['--connections', '1']), env);
    expect(first.stdout, first.stderr).toMatch(/Edition 2025-03-10: 10 sent/);

    const opened = await openStateStore(p.state, env);
    if (!opened.ok) throw new Error(opened.problems.map((x) => x.message).join('; '));
    const at = (date: string): string => `${date}T09:00:00.000Z`;
    const event = (kind: FeedbackKind, address: string, date: string) => ({ id: `<${kind}-${address}>`, kind, address, at: at(date), via: 'dsn' });
    await opened.value.applyFeedback([event('hard-bounce', readers[4]!, '2025-03-11'), event('complaint', readers[5]!, '2025-03-12'), event('soft-bounce', readers[7]!, '2025-03-12')], new Date(at('2025-03-12')));
    await opened.value.suppress(readers[6]!, 'one-click', new Date(at('2025-03-13')));
    await opened.value.close();

    box.sink.behaviour = {};
    await writeEdition(p.out, '2025-03-17');
    const second = await run(sendArgs('2025-03-17'), env);
    expect(second.code, second.stderr).toBe(0);

    const newest = await run(['report', '--state', p.state, '--json'], env);
    expect(newest.code, newest.stderr).toBe(0);
    const figures = JSON.parse(newest.stdout) as Record<string, number>;
    expect(Object.keys(figures)).toEqual(FIGURES);
    // The hard bounce, the complaint and the unsubscribe were suppressed before it went out.
    expect(figures).toEqual({ recipients: 9, sent: 9, failed: 0, unknown: 0, bounced_hard: 0, bounced_soft: 0, complained: 0, unsubscribed: 0 });

    const older = await run(['report', '2025-03-10', '--state', p.state, '--json'], env);
    expect(JSON.parse(older.stdout)).toEqual({ recipients: 12, sent: 10, failed: 1, unknown: 1, bounced_hard: 1, bounced_soft: 1, complained: 1, unsubscribed: 1 });

    const text = await run(['report', '2025-03-10', '--state', p.state], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Edition 2025-03-10 (bounces, complaints and unsubscribes of its recipients from 2025-03-10 to 2025-03-17):');
    expect(text.stdout).toMatch(/^ {2}Recipients: +12$/m);
    expect(text.stdout).toMatch(/^ {2}Failed: +1 {2}\(1 permanently; 0 for now, which a rerun retries\)$/m);
    expect(text.stdout).toMatch(/^ {2}Unknown: +1 /m);
    expect(text.stdout).toMatch(/^ {2}Unsubscribed: +1$/m);

    const never = await run(['report', '2025-03-11', '--state', p.state], env);
    expect(never.code).toBe(1);
    expect(never.stderr).toContain('error[BW_REPORT_NOT_SENT]');
  });
});
