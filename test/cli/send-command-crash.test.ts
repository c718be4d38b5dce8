/**
 * Crash safety of the real CLI (dist/cli.js, compiled by `npm test`'s tsc
 * step) against a loopback smtp-server: SIGKILL while the server holds the
 * messages in flight unanswered (so the kill lands mid-message every time),
 * SIGTERM mid-send, and a second SIGTERM that quits without waiting.
 * A separate file from cli.test.ts so the two run in parallel.
 */
import { describe, expect, it } from 'vitest';
import { readLedger } from '../../src/deliver/store/ledger.js';
import { setUpSend, useCliSandbox } from '../support/deliver.js';

const box = useCliSandbox();
const { paths, sendArgs, env, run, start } = box;

describe('briefwire send (CLI) when killed', () => {
  it('after SIGKILL with messages in flight, exactly those readers are unknown; a rerun holds them back, --resend-unknown sends them', async () => {
    const p = paths();
    const addresses = await setUpSend(p, '2025-03-10', 120);
    const connections = 3;
    const before = 30;

    // The server answers the first 30 messages, then holds every one after without an answer:
    // each connection ends up waiting on one message, and the sender is killed right then.
    let arrived = 0;
    box.sink.behaviour = { data: () => (++arrived <= before ? 'accept' : 'hold') };
    const first = start(sendArgs('2025-03-10', ['--connections', String(connections)]), env());
    await box.sink.whenHeld(connections);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const inFlight = box.sink.held().flat().sort();
    expect(inFlight).toHaveLength(connections);
    // The server had queued them; only its answers were lost with the process.
    box.sink.releaseHeld('accept');
    box.sink.behaviour = {};
    // The workers took the list in order, so the first 33 readers are the ones reached (which 30 were answered depends on timing).
    const sentFirst = box.sink.received.flatMap((m) => m.to).filter((a) => !inFlight.includes(a)).sort();
    expect(sentFirst).toHaveLength(before);
    expect([...sentFirst, ...inFlight].sort()).toEqual(addresses.slice(0, before + connections));

    // The ledger knows every answered message as sent and exactly the ones in flight as unknown; no one else was touched.
    const ledger = await readLedger(p.state, '2025-03-10');
    if (!ledger.ok) throw new Error('ledger');
    const byState = (want: string) => [...ledger.value.states].filter(([, s]) => s === want).map(([a]) => a).sort();
    expect(byState('sent')).toEqual(sentFirst);
    expect(byState('unknown')).toEqual(inFlight);
    expect(ledger.value.states.size).toBe(before + connections);
    expect(ledger.value.lastDone).toBeUndefined();

    // Rerun: takes over the dead process's lock, sends everyone else once, holds the unknown back and lists them (exit 1).
    const second = await run(sendArgs('2025-03-10', ['--connections', String(connections)]), env());
    expect(second.code, second.stderr).toBe(1);
    expect(second.stderr).toMatch(/Took over a stale lock from pid \d+/);
    expect(second.stderr).toContain(`Unknown outcome (${connections})`);
    for (const address of inFlight) expect(second.stderr).toContain(`  ${address}\n`);
    expect(second.stdout).toContain(`Edition 2025-03-10: ${120 - before - connections} sent, ${before} skipped (sent before), 0 suppressed, 0 failed, 0 to retry, ${connections} unknown — 120 recipients`);
    expect([...box.sink.countsByRecipient().values()].every((n) => n === 1)).toBe(true);
    expect(box.sink.countsByRecipient().size).toBe(120);

    // The operator decides to resend the unknown ones: they alone get a second copy (the duplicate they chose).
    const third = await run(sendArgs('2025-03-10', ['--resend-unknown']), env());
    expect(third.code, third.stderr).toBe(0);
    expect(third.stdout).toContain(`Edition 2025-03-10: ${connections} sent, ${120 - connections} skipped (sent before)`);
    const final = box.sink.countsByRecipient();
    for (const address of addresses) expect(final.get(address), address).toBe(inFlight.includes(address) ? 2 : 1);

    // And a fourth run has nothing left to do.
    const fourth = await run(sendArgs('2025-03-10'), env());
    expect(fourth.code).toBe(0);
    expect(fourth.stdout).toMatch(/: 0 sent, 120 skipped/);
  });

  it('on SIGTERM finishes the messages in flight, records them, prints the summary and exits 130', async () => {
    const p = paths();
    await setUpSend(p, '2025-03-10', 300);
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

  it('a second SIGTERM quits at once with 130: the messages still unanswered stay unknown for the next run', async () => {
    const p = paths();
    await setUpSend(p, '2025-03-10', 60);
    const connections = 3;
    // No answer ever comes: after the first SIGTERM the sender would wait for the messages in flight forever.
    box.sink.behaviour = { data: () => 'hold' };
    const sending = start(sendArgs('2025-03-10', ['--connections', String(connections)]), env());
    await box.sink.whenHeld(connections);
    const stopping = new Promise<void>((resolve) => sending.child.stderr!.on('data', (d: string) => (String(d).includes('SIGTERM: stopping') ? resolve() : undefined)));
    sending.child.kill('SIGTERM');
    await stopping;
    sending.child.kill('SIGTERM');
    const stopped = await sending.done;
    expect(stopped.code).toBe(130);
    const inFlight = box.sink.held().flat().sort();
    expect(inFlight).toHaveLength(connections);
    box.sink.releaseHeld('drop');
    const ledger = await readLedger(p.state, '2025-03-10');
    if (!ledger.ok) throw new Error('ledger');
    const unknown = [...ledger.value.states.entries()].filter(([, s]) => s === 'unknown').map(([a]) => a).sort();
    expect(unknown).toEqual(inFlight);
  });
});
