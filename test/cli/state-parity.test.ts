/**
 * The commands that read and write state print the same on both backends: a
 * files state made by the real commands (a send, a skipped slot, an
 * unsubscribe, a hard bounce) is imported into PostgreSQL (a throwaway
 * cluster), then `bounces`, `schedule`, `subscribers`, `report` and `skip`
 * run against each, and their output is compared.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FilesStore } from '../../src/deliver/store/files-store.js';
import { setUpSend, useCliSandbox } from '../support/deliver.js';
import { postgresBackend } from '../support/state-backends.js';
import { dsnMessage } from '../support/dsn-message.js';

const box = useCliSandbox();
const backend = postgresBackend();
beforeAll(() => backend.setup(), 120_000);
afterAll(() => backend.teardown());

/** A maildir holding one delivery status notification: `address` is unknown at its server. */
async function bounceMaildir(dir: string, address: string): Promise<string> {
  await mkdir(path.join(dir, 'new'), { recursive: true });
  await mkdir(path.join(dir, 'cur'), { recursive: true });
  const dsn = dsnMessage(
    [
      'Reporting-MTA: dns; mx.readers.example',
      '',
      `Final-Recipient: rfc822; ${address}`,
      'Action: failed',
      'Status: 5.1.1',
      `Diagnostic-Code: smtp; 550 5.1.1 <${address}>: Recipient address rejected: User unknown`,
    ].join('\r\n'),
  );
  await writeFile(path.join(dir, 'new', '1741683731.parity.mx'), dsn);
  return dir;
}

it('bounces, schedule, subscribers, report and skip print the same on files and on PostgreSQL', { timeout: 120_000 }, async () => {
  const p = box.paths();
  const readers = await setUpSend(p, '2025-03-10', 8, { weekday: 1, time: '08:00', timezone: 'Europe/London' });
  const clock = { BRIEFWIRE_NOW: '2025-03-20T12:00:00Z' };
  const files = box.env(clock);
  const sent = await box.run(box.sendArgs('2025-03-10'), files);
  expect(sent.code, sent.stderr).toBe(0);
  const store = new FilesStore(p.state);
  await store.suppress(readers[1]!, 'one-click', new Date('2025-03-11T10:00:00Z'));
  await store.applyFeedback([{ id: '<b1@mx.example>', kind: 'hard-bounce', address: readers[2]!, at: '2025-03-11T09:00:00.000Z', via: 'dsn' }], new Date('2025-03-11T10:00:00Z'));
  const dirs = ['--content', p.content, '--out', p.out, '--state', p.state];
  expect((await box.run(['skip', '2025-03-17', ...dirs], files)).code).toBe(0);

  const postgres = box.env({ ...clock, ...((await backend.fresh()).env as Record<string, string>) });
  const imported = await box.run(['state', 'import', '--from', p.state], postgres);
  expect(imported.code, imported.stderr).toBe(0);

  const maildir = await bounceMaildir(path.join(path.dirname(p.state), 'bounces'), readers[3]!);
  const commands = [
    ['bounces', '--maildir', maildir, '--state', p.state],
    ['bounces', '--maildir', maildir, '--state', p.state, '--dry-run', '--json'],
    ['schedule', ...dirs],
    ['subscribers', '--subscribers', p.subscribers, '--state', p.state],
    ['report', '--state', p.state],
    ['report', '--state', p.state, '--json'],
    ['skip', '2025-03-24', ...dirs],
    ['schedule', ...dirs],
  ];
  for (const args of commands) {
    const onFiles = await box.run(args, files);
    const onPostgres = await box.run(args, postgres);
    expect(onFiles.code, `${args.join(' ')}: ${onFiles.stderr}`).toBe(0);
    expect([onPostgres.code, onPostgres.stdout], `${args.join(' ')}: ${onPostgres.stderr}`).toEqual([0, onFiles.stdout]);
  }
  // The figures themselves, not only their agreement.
  expect(JSON.parse((await box.run(['report', '--state', p.state, '--json'], postgres)).stdout)).toMatchObject({ recipients: 8, sent: 8, bounced_hard: 2, unsubscribed: 1 });
  const refused = await Promise.all([files, postgres].map((env) => box.run(['skip', '2025-03-10', ...dirs], env)));
  expect(refused.map((r) => [r.code, /error\[(BW_\w+)\]/.exec(r.stderr)?.[1]])).toEqual([
    [1, 'BW_SKIP_ALREADY_SENT'],
    [1, 'BW_SKIP_ALREADY_SENT'],
  ]);
});
