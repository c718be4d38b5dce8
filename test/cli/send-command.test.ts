/**
 * The real CLI (dist/cli.js, compiled by `npm test`'s tsc step) against a
 * loopback smtp-server: cron-style --due runs, dry runs, test sends, the
 * schedule, and that SMTP credentials never reach the terminal.
 * (Crash tests are in cli-crash.test.ts.)
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { hostname, uptime } from 'node:os';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { parse, SECRET, setUpSend, startSink, useCliSandbox, writeContent, writeEdition, writeSubscribers } from '../support/deliver.js';

const box = useCliSandbox();
const { paths, sendArgs, env, run } = box;

const MONDAYS_LONDON = { weekday: 1, time: '08:00', timezone: 'Europe/London' };

/** Sandbox paths for a newsletter sent Mondays 08:00 London, with `edition` built. */
async function mondaysInLondon(edition: string): Promise<ReturnType<typeof paths>> {
  const p = paths();
  await writeContent(p.content, MONDAYS_LONDON);
  await writeEdition(p.out, edition);
  return p;
}

describe('briefwire send (CLI)', () => {
  it('--due from cron: nothing before the slot, one send after it, then a no-op; a missing edition is an error', async () => {
    // Mondays 08:00 London; 2025-03-31 is the first Monday after the clocks go forward (08:00 BST = 07:00 UTC).
    const p = await mondaysInLondon('2025-03-31');
    await writeSubscribers(p.subscribers, 5);
    const due = sendArgs('latest', ['--due']);

    const early = await run(due, env({ BRIEFWIRE_NOW: '2025-03-31T06:59:00Z' }));
    expect(early.code, early.stderr).toBe(0);
    expect(early.stdout.trim().split('\n')).toHaveLength(1);
    expect(early.stdout).toMatch(/Nothing due: edition 2025-03-31 waits for its slot Mon 2025-03-31 08:00/);
    expect(box.sink.received).toHaveLength(0);

    // Far past the slot with nothing started: cron does not start an old edition.
    const late = await run(due, env({ BRIEFWIRE_NOW: '2025-04-01T13:00:00Z' }));
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/error\[BW_DUE_TOO_LATE\]: .*passed 30 h ago, more than --late-limit 24 h/);
    expect(box.sink.received).toHaveLength(0);

    const onTime = await run(due, env({ BRIEFWIRE_NOW: '2025-03-31T07:00:30Z' }));
    expect(onTime.code, onTime.stderr).toBe(0);
    expect(box.sink.received).toHaveLength(5);

    const again = await run(due, env({ BRIEFWIRE_NOW: '2025-03-31T07:05:00Z' }));
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split('\n')).toHaveLength(1);
    expect(again.stdout).toMatch(/^Already sent: edition 2025-03-31/);
    expect(box.sink.received).toHaveLength(5);

    const nextWeek = await run(due, env({ BRIEFWIRE_NOW: '2025-04-07T07:10:00Z' }));
    expect(nextWeek.code).toBe(1);
    expect(nextWeek.stderr).toContain(`${path.join(p.out, 'editions', '2025-04-07')}: error[BW_DUE_EDITION_MISSING]: no built edition for the slot Mon 2025-04-07 08:00`);
    expect(nextWeek.stderr).toContain('newest built edition is 2025-03-31');
    expect(box.sink.received).toHaveLength(5);
  });

  it('--due and schedule say an edition sent by hand before its slot was sent by hand, on which day, before, at and after the slot', async () => {
    // A Monday one to two weeks ahead of the real clock, which the hand send's ledger records.
    const today = DateTime.now().setZone('Europe/London');
    const edition = today.plus({ days: 7 + ((8 - today.weekday) % 7) }).toISODate()!;
    const p = await mondaysInLondon(edition);
    await writeSubscribers(p.subscribers, 2);
    const byHand = await run(sendArgs('latest'), env());
    expect(byHand.code, byHand.stderr).toBe(0);
    expect(box.sink.received).toHaveLength(2);
    const sentOn = DateTime.now().setZone('Europe/London').toISODate()!;

    const due = sendArgs('latest', ['--due']);
    const dayBefore = await run(due, env({ BRIEFWIRE_NOW: `${DateTime.fromISO(edition).minus({ days: 1 }).toISODate()!}T12:00:00Z` }));
    expect(dayBefore.code, dayBefore.stderr).toBe(0);
    expect(dayBefore.stdout).toContain(`Nothing due: edition ${edition} was sent by hand on ${sentOn}, before its slot`);
    expect(dayBefore.stdout).not.toContain('waits for its slot');
    const atSlot = await run(due, env({ BRIEFWIRE_NOW: `${edition}T08:05:00Z` }));
    expect(atSlot.code, atSlot.stderr).toBe(0);
    expect(atSlot.stdout.trim()).toMatch(new RegExp(`^Already sent: edition ${edition} was sent by hand on ${sentOn}, before its slot .*; nothing to do\\.$`));
    expect(box.sink.received).toHaveLength(2);
    // The schedule says the same of that slot once it has passed.
    const schedule = await run(['schedule', '--count', '1', '--content', p.content, '--out', p.out, '--state', p.state], env({ BRIEFWIRE_NOW: `${edition}T12:00:00Z` }));
    expect(schedule.code, schedule.stderr).toBe(0);
    expect(schedule.stdout).toMatch(new RegExp(`^  Mon ${edition} 08:00 .*  edition ${edition} sent by hand on ${sentOn}, before its slot$`, 'm'));
  });

  it('--due: a lock from another host is an error every tick; one from before a reboot is taken over though its pid lives', async () => {
    const p = await mondaysInLondon('2025-03-31');
    await writeSubscribers(p.subscribers, 3);
    const due = sendArgs('latest', ['--due']);
    const lock = path.join(p.state, 'sends', '2025-03-31.lock');
    await mkdir(path.dirname(lock), { recursive: true });

    await writeFile(lock, JSON.stringify({ pid: 4242, host: 'other-box', bootTime: 0, startedAt: '2025-03-31T07:00:00.000Z' }));
    const foreign = await run(due, env({ BRIEFWIRE_NOW: '2025-03-31T07:05:00Z' }));
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toContain(`${lock}: error[BW_SEND_LOCK_FOREIGN]: a send of 2025-03-31 was started on host other-box (pid 4242)`);
    expect(box.sink.received).toHaveLength(0);

    // The test process plays the unrelated process that got the old sender's pid after the reboot.
    const beforeReboot = { pid: process.pid, host: hostname(), bootTime: Date.now() - uptime() * 1000 - 86_400_000, startedAt: '2025-03-31T07:00:00.000Z' };
    await writeFile(lock, JSON.stringify(beforeReboot));
    const after = await run(due, env({ BRIEFWIRE_NOW: '2025-03-31T07:10:00Z' }));
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toContain(`Took over a stale lock from pid ${process.pid} (started 2025-03-31T07:00:00.000Z): it is from before this host last booted.`);
    expect(box.sink.received).toHaveLength(3);
  });

  it('refuses bad arguments to send, schedule and serve with exit 2, before reading or sending anything', async () => {
    const p = paths();
    await writeContent(p.content, MONDAYS_LONDON);
    await writeEdition(p.out, '2025-03-10');
    await writeSubscribers(p.subscribers, 2);
    const cases: [string[], RegExp][] = [
      [sendArgs('notadate'), /^briefwire: the edition must be "latest" or a calendar date YYYY-MM-DD, got "notadate"$/m],
      [sendArgs('2025-02-30'), /^briefwire: the edition must be "latest" or a calendar date YYYY-MM-DD, got "2025-02-30"$/m],
      [sendArgs('latest', ['--connections', '0']), /^briefwire: --connections must be a whole number from 1 to 100, got "0"$/m],
      [sendArgs('latest', ['--late-limit', 'soon']), /^briefwire: --late-limit must be a whole number from 1 to 8784, got "soon"$/m],
      [['schedule', '--count', '0', '--content', p.content], /^briefwire: --count must be a whole number from 1 to 520, got "0"$/m],
      [['serve', '--port', '70000', '--out', p.out], /^briefwire: --port must be a whole number from 0 to 65535, got "70000"$/m],
    ];
    for (const [args, message] of cases) {
      const r = await run(args, env());
      expect(r.code, `${args.join(' ')}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(box.sink.received).toHaveLength(0);
    expect(existsSync(p.state)).toBe(false);
  });

  it('a half-written brief elsewhere in content/ does not stop a send: only newsletter.yml is read', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeFile(path.join(p.content, 'editions', '2025-03-17-next-week.md'), '---\ntitle: [unfinished\n---\n');
    await writeEdition(p.out, '2025-03-10', 'This week');
    await writeSubscribers(p.subscribers, 3);
    const r = await run(sendArgs('2025-03-10'), env());
    expect(r.code, r.stderr).toBe(0);
    expect(box.sink.received).toHaveLength(3);
  });

  it('List-Id of an accented name: a list that sent with the old id keeps it (and is told to pin it); a new list gets the folded one', async () => {
    const p = paths();
    await writeContent(p.content);
    const yml = path.join(p.content, 'newsletter.yml');
    await writeFile(yml, (await readFile(yml, 'utf8')).replace(/^name: .*$/m, 'name: Zürich Markets'));
    await writeEdition(p.out, '2025-03-10');
    await writeSubscribers(p.subscribers, 1);
    const listId = async (n: number): Promise<string | undefined> => (await parse(box.sink.received[n]!.raw)).headerLines.find((h) => h.key === 'list-id')?.line;

    // A ledger as versions before the folded slug wrote it: no List-Id recorded, so it carried the old one.
    await mkdir(path.join(p.state, 'sends'), { recursive: true });
    await writeFile(
      path.join(p.state, 'sends', '2025-03-03.jsonl'),
      [
        { type: 'run', at: '2025-03-03T08:00:00.000Z', pid: 1, resendUnknown: false },
        { type: 'attempt', to: 'reader00000@readers.example', at: '2025-03-03T08:00:01.000Z', try: 1 },
        { type: 'sent', to: 'reader00000@readers.example', at: '2025-03-03T08:00:02.000Z' },
        { type: 'done', at: '2025-03-03T08:00:03.000Z', sent: 1, failed: 0, retryLater: 0, unknown: 0 },
      ].map((r) => JSON.stringify(r) + '\n').join(''),
    );
    const kept = await run(sendArgs('2025-03-10'), env());
    expect(kept.code, kept.stderr).toBe(0);
    expect(await listId(0)).toContain('<zu-rich-markets.aicloudweekly.example>');
    expect(kept.stderr).toMatch(/warning\[BW_LIST_ID_KEPT\]: List-Id stays <zu-rich-markets\.aicloudweekly\.example>/);
    expect(kept.stderr).toContain('"listId: zu-rich-markets.aicloudweekly.example"');
    // This send recorded the id it used, so the next one keeps it too.
    const ledger = (await readFile(path.join(p.state, 'sends', '2025-03-10.jsonl'), 'utf8')).split('\n')[0]!;
    expect(JSON.parse(ledger)).toMatchObject({ type: 'run', listId: 'zu-rich-markets.aicloudweekly.example' });

    // The same newsletter from a fresh state directory is a new list: folded id, no warning.
    const fresh = await run(sendArgs('2025-03-10', ['--state', path.join(box.dir, 'fresh-state')]), env());
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(await listId(1)).toContain('<zurich-markets.aicloudweekly.example>');
    expect(fresh.stderr).not.toContain('BW_LIST_ID_KEPT');

    // Pinned in newsletter.yml, the id is used as written and nothing is said.
    await writeFile(yml, (await readFile(yml, 'utf8')) + 'listId: zurich.aicloudweekly.example\n');
    const pinned = await run(sendArgs('2025-03-10', ['--state', path.join(box.dir, 'pinned-state')]), env());
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(await listId(2)).toContain('<zurich.aicloudweekly.example>');
    expect(pinned.stderr).not.toContain('List-Id');
  });

  it('--dry-run shows count, first recipients, subject and size, and sends and records nothing', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10', 'Dry subject');
    await writeSubscribers(p.subscribers, 12);
    // A real send could run (SMTP_URL and the secret are set), so the dry run passes its preflight.
    const r = await run(sendArgs('latest', ['--dry-run']), env());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Subject   Dry subject');
    expect(r.stdout).toMatch(/Recipients 12 in .*: 12 to send/);
    expect(r.stdout).toContain('"Reader 0" <reader00000@readers.example>');
    expect(r.stdout).toMatch(/Size\s+\d+\.\d KiB per message/);
    expect(box.sink.received).toHaveLength(0);
    expect(existsSync(p.state)).toBe(false);
  });

  it('--to sends one [TEST] copy with its own Message-ID and leaves the ledger alone', async () => {
    const p = paths();
    await writeContent(p.content);
    await writeEdition(p.out, '2025-03-10', 'Real subject');
    const r = await run(sendArgs('2025-03-10', ['--to', 'editor@example.com']), env());
    expect(r.code, r.stderr).toBe(0);
    expect(box.sink.received).toHaveLength(1);
    const mail = await parse(box.sink.received[0]!.raw);
    expect(mail.subject).toBe('[TEST] Real subject');
    expect(mail.messageId).toMatch(/^<2025-03-10\.test\.[0-9a-f]{16}@aicloudweekly\.example>$/);
    expect(existsSync(path.join(p.state, 'sends', '2025-03-10.jsonl'))).toBe(false);
  });

  it('never prints the SMTP password: refused connection, failed login, missing settings', async () => {
    const p = paths();
    const addresses = await setUpSend(p, '2025-03-10', 3);
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const refused = await run(sendArgs('2025-03-10'), env({ SMTP_URL: `smtp://mailer:Sup3r-S3cret-Pa55@127.0.0.1:${closedPort}` }));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`cannot connect to smtp://127.0.0.1:${closedPort}`);
    expect(refused.stdout + refused.stderr).not.toContain('Sup3r-S3cret-Pa55');

    await box.sink.close();
    box.sink = await startSink({ auth: { user: 'mailer', pass: 'the-right-one' } });
    const badLogin = await run(sendArgs('2025-03-10'), env({ SMTP_URL: `smtp://mailer:Wr0ng-Pa55w0rd@127.0.0.1:${box.sink.port}` }));
    expect(badLogin.code).toBe(1);
    expect(badLogin.stderr).toMatch(/535|Invalid/);
    expect(badLogin.stdout + badLogin.stderr).not.toContain('Wr0ng-Pa55w0rd');
    expect(badLogin.stdout + badLogin.stderr).not.toContain(Buffer.from('\0mailer\0Wr0ng-Pa55w0rd').toString('base64'));
    // The right password works and is not printed either.
    const good = await run(sendArgs('2025-03-10'), env({ SMTP_URL: `smtp://mailer:the-right-one@127.0.0.1:${box.sink.port}` }));
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout + good.stderr).not.toContain('the-right-one');
    expect(box.sink.received).toHaveLength(3);

    const noUrl = await run(sendArgs('2025-03-10'), { UNSUBSCRIBE_SECRET: SECRET });
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toMatch(/^SMTP_URL: error\[BW_SMTP_URL_MISSING\]: is not set\n  hint: /m);
    const noSecret = await run(sendArgs('2025-03-10'), { SMTP_URL: `smtp://u:Sup3r-S3cret-Pa55@127.0.0.1:${box.sink.port}` });
    expect(noSecret.code).toBe(1);
    expect(noSecret.stderr).toMatch(/^UNSUBSCRIBE_SECRET: error\[BW_UNSUBSCRIBE_SECRET\]: is not set/m);
    expect(noSecret.stderr).not.toContain('Sup3r-S3cret-Pa55');
    // Only the good run recorded anything: the refused and unauthenticated ones stopped before the ledger,
    // and no secret reached the ledger (or any other file in the state directory).
    const ledgerText = await readFile(path.join(p.state, 'sends', '2025-03-10.jsonl'), 'utf8');
    const records = ledgerText.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; to?: string });
    const count = (type: string): number => records.filter((r) => r.type === type).length;
    expect([records[0]?.type, count('attempt'), count('sent'), count('failed'), records.length]).toEqual(['run', 3, 3, 0, 8]);
    expect(records.filter((r) => r.type === 'sent').map((r) => r.to).sort()).toEqual(addresses);
    expect(records.at(-1)).toMatchObject({ type: 'done', sent: 3, failed: 0, retryLater: 0, unknown: 0 });
    for (const file of await readdir(p.state, { recursive: true, withFileTypes: true })) {
      if (!file.isFile()) continue;
      const text = await readFile(path.join(file.parentPath, file.name), 'utf8');
      for (const secret of ['Sup3r-S3cret-Pa55', 'Wr0ng-Pa55w0rd', 'the-right-one', SECRET]) expect(text, file.name).not.toContain(secret);
    }
  });

  it('an internal error shows its stack without the SMTP password or the unsubscribe secret', async () => {
    const p = paths();
    await writeContent(p.content, MONDAYS_LONDON);
    // A bug stand-in: the first line `schedule` prints throws an error that quotes both secrets.
    const preload = path.join(box.dir, 'break-stdout.mjs');
    await writeFile(
      preload,
      'process.stdout.write = () => { throw new Error(`boom at ${process.env.SMTP_URL} with ${process.env.UNSUBSCRIBE_SECRET}`); };\n',
    );
    const r = await runCli(['schedule', '--content', p.content, '--out', p.out, '--state', p.state], {
      cwd: box.dir,
      env: { SMTP_URL: 'smtps://mailer:Sup3r-S3cret-Pa55@smtp.example.com:465', UNSUBSCRIBE_SECRET: SECRET },
      cleanEnv: true,
      nodeArgs: ['--import', pathToFileURL(preload).href],
    });
    expect(r.code).toBe(1);
    // The whole SMTP_URL counts as secret (see parseSmtpUrl's redact).
    expect(r.stderr).toMatch(/^briefwire: internal error\nError: boom at \*\*\* with \*\*\*\n\s+at /);
    expect(r.stderr).not.toContain('Sup3r-S3cret-Pa55');
    expect(r.stderr).not.toContain(SECRET);
  });

  it('prints the schedule with local and UTC times across a DST change', async () => {
    const p = await mondaysInLondon('2025-03-31');
    const r = await run(['schedule', '--count', '3', '--content', p.content, '--out', p.out, '--state', p.state], { BRIEFWIRE_NOW: '2025-03-20T12:00:00Z' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('AI Cloud Weekly sends every Monday at 08:00 Europe/London.');
    expect(r.stdout).toContain('Mon 2025-03-17 08:00 (UTC+00:00)  = 2025-03-17 08:00 UTC  no edition: nothing was sent');
    expect(r.stdout).toContain('Mon 2025-03-24 08:00 (UTC+00:00)  = 2025-03-24 08:00 UTC  no edition built for 2025-03-24 yet');
    expect(r.stdout).toContain('Mon 2025-03-31 08:00 (UTC+01:00)  = 2025-03-31 07:00 UTC  will send edition 2025-03-31  (UTC offset changes: +00:00 → +01:00)');
    // West of UTC the offsets are negative, and the weekday is named in the schedule's own terms.
    await writeContent(p.content, { weekday: 7, time: '09:30', timezone: 'America/St_Johns' });
    const west = await run(['schedule', '--count', '2', '--content', p.content, '--out', p.out, '--state', p.state], { BRIEFWIRE_NOW: '2025-10-28T12:00:00Z' });
    expect(west.code, west.stderr).toBe(0);
    expect(west.stdout.split('\n')[0]).toBe('AI Cloud Weekly sends every Sunday at 09:30 America/St_Johns.');
    expect(west.stdout).toContain('(UTC offset changes: -02:30 → -03:30)');
  });
});
