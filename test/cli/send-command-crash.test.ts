/**
 * Crash safety of the real CLI (dist/cli.js, compiled by `npm test`'s tsc
 * step) against a loopback smtp-server: SIGKILL mid-send, SIGTERM mid-send.
 * A separate file from cli.test.ts so the two run in parallel.
 */
import { describe, expect, it } from 'vitest';
import { readLedger } from '../../src/deliver/ledger.js';
import { useCliSandbox, writeContent, writeEdition, writeSubscribers } from '../support/deliver.js';

const box = useCliSandbox();
const { paths, sendArgs, env, run, start } = box;

describe('briefwire send (CLI) when killed', () => {
  it('survives SIGKILL mid-send: every reader gets the edition once or is listed unknown; --resend-unknown finishes', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10');
    const addresses = await writeSubscribers(p.subscribers, 2000);
    const connections = 4;

    const first = start(sendArgs('2025-03-10', ['--connections', String(connections)]), env());
    box.sink.behaviour = { accepted: (n) => (n === 500 ? first.child.kill('SIGKILL') : undefined) };
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    box.sink.behaviour = {};
    const afterKill = new Map(box.sink.countsByRecipient());
    expect(afterKill.size).toBeGreaterThanOrEqual(500);
    expect(afterKill.size).toBeLessThan(2000);

    // Nothing lost: whatever the server accepted is in the ledger as sent, or as unknown.
    const ledger = await readLedger(p.state, '2025-03-10');
    if (!ledger.ok) throw new Error('ledger');
    const states = ledger.value.states;
    for (const address of afterKill.keys()) expect(['sent', 'unknown']).toContain(states.get(address));
    for (const [address, state] of states) if (state === 'sent') expect(afterKill.has(address)).toBe(true);
    const unknown = [...states].filter(([, s]) => s === 'unknown').map(([a]) => a);
    expect(unknown.length).toBeLessThanOrEqual(connections);

    // Rerun: resumes, skips the sent, lists the unknown, sends no one twice.
    const second = await run(sendArgs('2025-03-10', ['--connections', String(connections)]), env());
    expect(second.stderr).toMatch(/Took over a stale lock/);
    expect(second.code).toBe(unknown.length > 0 ? 1 : 0);
    for (const address of unknown) expect(second.stderr).toContain(address);
    expect(second.stdout).toMatch(new RegExp(`${unknown.length} unknown`));
    const counts = box.sink.countsByRecipient();
    for (const address of addresses) {
      const n = counts.get(address) ?? 0;
      if (unknown.includes(address)) expect(n).toBeLessThanOrEqual(1);
      else expect(n, address).toBe(1);
    }

    // The operator decides to resend the unknown ones.
    const third = await run(sendArgs('2025-03-10', ['--resend-unknown']), env());
    expect(third.code, third.stderr).toBe(0);
    const final = box.sink.countsByRecipient();
    for (const address of addresses) {
      expect(final.get(address) ?? 0).toBeGreaterThanOrEqual(1);
      if (!unknown.includes(address)) expect(final.get(address)).toBe(1);
    }
    // And a fourth run has nothing left to do.
    const fourth = await run(sendArgs('2025-03-10'), env());
    expect(fourth.code).toBe(0);
    expect(fourth.stdout).toMatch(/: 0 sent, 2000 skipped/);
  });

  it('on SIGTERM finishes the messages in flight, records them, prints the summary and exits 130', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10');
    await writeSubscribers(p.subscribers, 300);
    const sending = start(sendArgs('2025-03-10', ['--connections', '3']), env());
    box.sink.behaviour = { accepted: (n) => (n === 50 ? void sending.child.kill('SIGTERM') : undefined) };
    const stopped = await sending.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toMatch(/SIGTERM: stopping/);
    expect(stopped.stdout).toMatch(/Edition 2025-03-10: \d+ sent, .* 0 unknown, \d+ not reached/);
    const ledger = await readLedger(p.state, '2025-03-10');
    if (!ledger.ok) throw new Error('ledger');
    expect([...ledger.value.states.values()].filter((s) => s === 'unknown')).toEqual([]);
    expect([...ledger.value.states.values()].filter((s) => s === 'sent')).toHaveLength(box.sink.received.length);
    box.sink.behaviour = {};
    const rest = await run(sendArgs('2025-03-10'), env());
    expect(rest.code, rest.stderr).toBe(0);
    const counts = box.sink.countsByRecipient();
    expect(counts.size).toBe(300);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  });

});
