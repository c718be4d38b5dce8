/**
 * DSN (RFC 3464) and ARF (RFC 5965) reports as real mail servers write them,
 * parsed with mailparser into feedback events.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReport, reportEvents } from '../../../src/deliver/audience/bounce-report.js';

const REPORTS = path.resolve('test/support/reports');
const report = (name: string): Promise<Buffer> => readFile(path.join(REPORTS, name));

describe('report parsing', () => {
  it('reads a Postfix DSN: recipient, action, status, diagnostic and the original Message-ID', async () => {
    const parsed = await parseReport(await report('postfix-hard-bounce.eml'));
    expect(parsed.kind).toBe('dsn');
    if (parsed.kind !== 'dsn') return;
    expect(parsed.reportId).toBe('<20250310090211.4Zx1@mx.aicloudweekly.example>');
    expect(parsed.recipients).toEqual([
      { address: 'gone@example.org', action: 'failed', status: '5.1.1', diagnostic: '550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown' },
    ]);
    expect(parsed.original.messageId).toBe('<2025-03-10.0123456789abcdef0123456789abcdef@aicloudweekly.example>');
    const { events } = reportEvents(parsed);
    expect(events).toMatchObject([{ kind: 'hard-bounce', address: 'gone@example.org', status: '5.1.1', at: '2025-03-10T09:02:11.000Z' }]);
  });

  it('reads an Exim DSN with the whole original attached as a soft bounce', async () => {
    const parsed = await parseReport(await report('exim-soft-bounce-2.eml'));
    const { events } = reportEvents(parsed);
    expect(events).toMatchObject([{ kind: 'soft-bounce', address: 'full@example.net', status: '4.2.2', messageId: '<2025-03-10.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@aicloudweekly.example>' }]);
    expect(events[0]!.detail).toContain('over quota');
  });

  it('reads an ARF complaint: the complainant comes from Original-Rcpt-To, not the redacted To', async () => {
    const parsed = await parseReport(await report('yahoo-arf-complaint.eml'));
    expect(parsed).toMatchObject({ kind: 'arf', feedbackType: 'abuse', address: 'angry@example.com' });
    expect(reportEvents(parsed).events).toMatchObject([{ kind: 'complaint', address: 'angry@example.com', via: 'arf' }]);
  });

  it('a delay warning and an auto-reply are not bounces', async () => {
    const delay = reportEvents(await parseReport(await report('postfix-delay-warning.eml')));
    expect(delay.events).toEqual([]);
    expect(delay.ignored[0]!.why).toContain('delay warning');
    const ooo = await parseReport(await report('out-of-office.eml'));
    expect(ooo).toMatchObject({ kind: 'other' });
    expect(reportEvents(ooo).events).toEqual([]);
  });

  it('garbage bytes are "not a report", never an exception', async () => {
    const parsed = await parseReport(Buffer.from('\x00\x01\xff not mail at all\r\n\r\n'));
    expect(parsed.kind).toBe('other');
  });
});

