/**
 * Slots that cannot silently miss: `briefwire skip` and `briefwire schedule`
 * through the compiled CLI, with BRIEFWIRE_NOW standing in for the clock.
 */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { slotRecordsFile } from '../../src/deliver/store/slot-records.js';
import { useCliSandbox, writeContent, writeEdition } from '../support/deliver.js';

const box = useCliSandbox();
const { paths, run } = box;
const LONDON_MONDAY_8 = { weekday: 1, time: '08:00', timezone: 'Europe/London' };

const dirs = () => {
  const p = paths();
  return ['--content', p.content, '--out', p.out, '--state', p.state];
};

describe('briefwire skip', () => {
  it('records a skip for a slot day once, refuses other days, and schedule shows it', async () => {
    await writeContent(paths().content, LONDON_MONDAY_8);
    const tuesday = await run(['skip', '2026-12-08', ...dirs()]);
    expect(tuesday.code).toBe(1);
    expect(tuesday.stderr).toContain('error[BW_SKIP_NOT_SLOT_DAY]: 2026-12-08 is a Tuesday, not a slot day: the schedule sends on Mondays');
    expect(tuesday.stderr).toContain('The next slot day is 2026-12-14.');

    const skipped = await run(['skip', '2026-12-14', ...dirs()]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stdout).toBe('Skipped the slot Mon 2026-12-14 08:00 (UTC+00:00): "send --due" will send nothing for it.\n');
    const again = await run(['skip', '2026-12-14', ...dirs()]);
    expect(again.stdout).toBe('The slot Mon 2026-12-14 08:00 (UTC+00:00) is already skipped.\n');
    const lines = (await readFile(slotRecordsFile(paths().state), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ slot: '2026-12-14', kind: 'skip' });

    const schedule = await run(['schedule', '--count', '2', ...dirs()], { BRIEFWIRE_NOW: '2026-12-10T12:00:00Z' });
    expect(schedule.code, schedule.stderr).toBe(0);
    expect(schedule.stdout).toContain('Mon 2026-12-14 08:00 (UTC+00:00)  = 2026-12-14 08:00 UTC  skipped (briefwire skip)');
    expect(schedule.stdout).toContain('Mon 2026-12-21 08:00 (UTC+00:00)  = 2026-12-21 08:00 UTC  no edition built for 2026-12-21 yet');
  });

  it('schedule shows what the last slots sent and the next will send', async () => {
    const p = paths();
    await writeContent(p.content, LONDON_MONDAY_8);
    await writeEdition(p.out, '2026-11-30');
    await writeEdition(p.out, '2026-12-14');
    const r = await run(['schedule', '--count', '2', ...dirs()], { BRIEFWIRE_NOW: '2026-12-10T12:00:00Z' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      'AI Cloud Weekly sends every Monday at 08:00 Europe/London.',
      "Each slot sends the built edition dated the slot's local day.",
      'Last 3 slots:',
      '  Mon 2026-11-23 08:00 (UTC+00:00)  = 2026-11-23 08:00 UTC  no edition: nothing was sent',
      '  Mon 2026-11-30 08:00 (UTC+00:00)  = 2026-11-30 08:00 UTC  edition 2026-11-30 built, not sent',
      '  Mon 2026-12-07 08:00 (UTC+00:00)  = 2026-12-07 08:00 UTC  no edition: nothing was sent',
      'Next 2 slots:',
      '  Mon 2026-12-14 08:00 (UTC+00:00)  = 2026-12-14 08:00 UTC  will send edition 2026-12-14',
      '  Mon 2026-12-21 08:00 (UTC+00:00)  = 2026-12-21 08:00 UTC  no edition built for 2026-12-21 yet',
      '',
    ]);
  });
});
