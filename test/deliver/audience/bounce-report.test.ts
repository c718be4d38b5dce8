/**
 * Messages from a bounce mailbox, classified and turned into feedback events:
 * our own fixtures (test/support/reports) and single files from sisimai's
 * corpus for the formats and recipient fields that used to be missed.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyBounce } from '../../../src/deliver/audience/bounce-classify/classify-bounce.js';
import { reportEvents } from '../../../src/deliver/audience/bounce-report.js';
import { dsnMessage } from '../../support/dsn-message.js';

const NOW = new Date('2025-03-20T00:00:00Z');
const ours = (name: string): Promise<Buffer> => readFile(path.resolve('test/support/reports', name));
const corpus = (name: string): Promise<Buffer> => readFile(path.resolve('test/fixtures/bounces/sisimai', name));

describe('classifying our fixtures', () => {
  it('a Postfix DSN for an unknown user is a hard bounce of that recipient, tied to the original message', async () => {
    const c = await classifyBounce(await ours('postfix-hard-bounce.eml'));
    expect(c).toMatchObject({ format: 'dsn', verdict: 'hard', reason: 'userunknown', reportId: '<20250310090211.4Zx1@mx.aicloudweekly.example>' });
    expect(c.originalMessageId).toBe('<2025-03-10.0123456789abcdef0123456789abcdef@aicloudweekly.example>');
    expect(reportEvents(c, NOW).events).toMatchObject([{ kind: 'hard-bounce', address: 'gone@example.org', status: '5.1.1', reason: 'userunknown', at: '2025-03-10T09:02:11.000Z' }]);
  });

  it('an Exim DSN for a full mailbox is soft', async () => {
    const { events } = reportEvents(await classifyBounce(await ours('exim-soft-bounce-2.eml')), NOW);
    expect(events).toMatchObject([{ kind: 'soft-bounce', address: 'full@example.net', reason: 'mailboxfull', messageId: '<2025-03-10.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb@aicloudweekly.example>' }]);
    expect(events[0]!.detail).toContain('over quota');
  });

  it('an ARF complaint names the complainant from Original-Rcpt-To, not the redacted To', async () => {
    const c = await classifyBounce(await ours('yahoo-arf-complaint.eml'));
    expect(c).toMatchObject({ format: 'arf', verdict: 'complaint', feedbackType: 'abuse' });
    expect(reportEvents(c, NOW).events).toMatchObject([{ kind: 'complaint', address: 'angry@example.com', via: 'arf' }]);
  });

  it('a delay warning and an auto-reply are ignored', async () => {
    const delay = await classifyBounce(await ours('postfix-delay-warning.eml'));
    expect(delay).toMatchObject({ verdict: 'ignored', reason: 'delayed' });
    expect(reportEvents(delay, NOW).events).toEqual([]);
    const ooo = await classifyBounce(await ours('out-of-office.eml'));
    expect(ooo.verdict).toBe('ignored');
    expect(reportEvents(ooo, NOW).events).toEqual([]);
  });

  it('garbage bytes are ignored as "not a report", never an exception', async () => {
    const c = await classifyBounce(Buffer.from('\x00\x01\xff not mail at all\r\n\r\n'));
    expect(c).toMatchObject({ verdict: 'ignored', reason: 'notareport', recipients: [] });
  });
});

describe('recipient fields', () => {
  it('a source-routed Final-Recipient falls back to Original-Recipient', async () => {
    const c = await classifyBounce(dsnMessage('Reporting-MTA: dns; mx.example.net\r\n\r\nFinal-Recipient: rfc822; @relay.example.net:Gone@Example.org\r\nOriginal-Recipient: rfc822; Gone@Example.org\r\nAction: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 user unknown'));
    expect(c.recipients.map((r) => [r.address, r.verdict])).toEqual([['gone@example.org', 'hard']]);
  });

  it('AOL runs the per-message and per-recipient fields together: the recipient is still found', async () => {
    const c = await classifyBounce(await corpus('rhost-aol-01.eml'));
    expect(c.recipients.map((r) => [r.address, r.verdict, r.reason])).toEqual([['kijitora@example.jp', 'hard', 'hostunknown']]);
  });

  it('every Original-Rcpt-To of an ARF report is a complainant', async () => {
    const c = await classifyBounce(await corpus('arf-16.eml'));
    expect(c.recipients).toHaveLength(7);
    expect(new Set(c.recipients.map((r) => r.verdict))).toEqual(new Set(['complaint']));
    expect(reportEvents(c, NOW).events.map((e) => e.address)).toContain('sabineko@example.com');
  });
});

describe('formats beside RFC 3464 and RFC 5965', () => {
  it.each([
    ['lhost-exim-05.eml', 'hard'],
    ['lhost-qmail-01.eml', 'hard'],
    ['lhost-yahoo-01.eml', 'hard'],
    ['lhost-exchange2003-01.eml', 'hard'],
    ['lhost-domino-01.eml', 'hard'],
    ['lhost-amazonworkmail-01.eml', 'hard'],
  ])('%s (plain text or multipart/mixed) is %s', async (file, verdict) => {
    const c = await classifyBounce(await corpus(file));
    expect(c.verdict).toBe(verdict);
    expect(c.recipients.length).toBeGreaterThan(0);
  });

  it('an SES complaint sent by email, Apple Mail\'s one-click unsubscribe and an abuse-desk forward are complaints', async () => {
    for (const file of ['lhost-amazonses-11.eml', 'arf-26.eml', 'arf-12.eml']) {
      const c = await classifyBounce(await corpus(file));
      expect([file, c.verdict, c.recipients.length > 0]).toEqual([file, 'complaint', true]);
    }
  });

  it('DMARC and authentication-failure reports go to the operator: they suppress nobody', async () => {
    for (const file of ['arf-18.eml', 'arf-19.eml', 'arf-20.eml']) {
      const c = await classifyBounce(await corpus(file));
      expect([file, c.verdict, c.feedbackType]).toEqual([file, 'ignored', 'auth-failure']);
      expect(reportEvents(c, NOW).events).toEqual([]);
    }
  });

  it('a refusal of our DKIM or SPF is ours: a warning, no event', async () => {
    const c = await classifyBounce(await corpus('rhost-google-03.eml'));
    expect(c).toMatchObject({ verdict: 'ours', reason: 'authfailure' });
    const r = reportEvents(c, NOW);
    expect(r.events).toEqual([]);
    expect(r.ours).toMatchObject([{ reason: 'authfailure' }]);
  });

  it('a full mailbox with a 5.2.2 status is soft, not hard', async () => {
    const c = await classifyBounce(await corpus('rhost-google-05.eml'));
    expect(c).toMatchObject({ verdict: 'soft', reason: 'mailboxfull' });
  });
});

/** A provider's JSON mailed on by a relay (a forwarding rule, an automation service), as plain text. */
function mailedJson(from: string, subject: string, json: unknown): Buffer {
  return Buffer.from(
    [`From: ${from}`, 'To: bounces@aicloudweekly.example', `Subject: ${subject}`, 'Message-ID: <relay-1@relay.example>', 'Date: Mon, 10 Mar 2025 09:02:11 +0000', 'Content-Type: text/plain; charset=utf-8', '', JSON.stringify(json, null, 2), ''].join('\r\n'),
  );
}

describe('notifications from Postmark and SendGrid that arrive by email', () => {
  // Fields as Postmark documents its bounce webhook.
  const postmark = (type: string, email: string, details: string) => ({
    RecordType: 'Bounce', ID: 4323372036, Type: type, TypeCode: 1, MessageID: '9f3c6a70-5c2f-4d2b-8d0e-1a7f2e4c9b11',
    Description: 'The server was unable to deliver your message', Details: details, Email: email, From: 'brief@aicloudweekly.example', BouncedAt: '2025-03-10T09:01:58Z',
  });

  it.each([
    ['HardBounce', 'smtp;550 5.1.1 The email account that you tried to reach does not exist', 'hard', 'userunknown'],
    ['SoftBounce', 'smtp;552 5.2.2 The email account that you tried to reach is over quota', 'soft', 'mailboxfull'],
    ['Blocked', 'smtp;554 5.7.1 Service unavailable; client host blocked using a reputation list', 'ours', 'badreputation'],
    ['Blocked', '', 'ours', 'blocked'],
    ['AddressChange', '', 'hard', 'hasmoved'],
    ['AutoResponder', 'I am away until Monday', 'ignored', 'vacation'],
  ])('a Postmark %s record ("%s") is %s (%s)', async (type, details, verdict, reason) => {
    const c = await classifyBounce(mailedJson('alerts@relay.example', `Postmark: ${type}`, postmark(type, 'Reader@Example.net', details)));
    expect(c).toMatchObject({ format: 'provider', verdict, reason });
    expect(c.recipients.map((r) => r.address)).toEqual(['reader@example.net']);
  });

  it('a Postmark spam complaint suppresses the reader', async () => {
    const c = await classifyBounce(mailedJson('alerts@relay.example', 'Postmark: spam complaint', { ...postmark('SpamComplaint', 'annoyed@example.net', ''), RecordType: 'SpamComplaint' }));
    expect(c).toMatchObject({ verdict: 'complaint', reason: 'feedback' });
    expect(reportEvents(c, NOW).events).toMatchObject([{ kind: 'complaint', address: 'annoyed@example.net' }]);
  });

  it('a SendGrid event array names each reader with its own verdict; a block is ours (the words say why) and a deferral nothing', async () => {
    const base = { timestamp: 1741597318, smtp_id: '<2025-03-10.abc@aicloudweekly.example>', sg_message_id: 'x1.filter0001', sg_event_id: 'e1' };
    const events = [
      { ...base, email: 'gone@example.net', event: 'bounce', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 <gone@example.net>: Recipient address rejected: User unknown' },
      { ...base, sg_event_id: 'e2', email: 'blocked@example.org', event: 'bounce', type: 'blocked', status: '5.7.1', reason: '554 5.7.1 Message rejected due to sender reputation' },
      { ...base, sg_event_id: 'e3', email: 'spam@example.com', event: 'spamreport' },
      { ...base, sg_event_id: 'e4', email: 'later@example.com', event: 'deferred', response: '421 4.7.0 Try again later' },
      { ...base, sg_event_id: 'e5', email: 'opened@example.com', event: 'open' },
    ];
    const c = await classifyBounce(mailedJson('alerts@relay.example', 'SendGrid events', events));
    expect(c.format).toBe('provider');
    expect(c.recipients.map((r) => [r.address, r.verdict, r.reason])).toEqual([
      ['gone@example.net', 'hard', 'userunknown'],
      ['blocked@example.org', 'ours', 'badreputation'],
      ['spam@example.com', 'complaint', 'feedback'],
      ['later@example.com', 'ignored', 'delayed'],
    ]);
    const r = reportEvents(c, NOW);
    expect(r.events.map((e) => [e.address, e.kind])).toEqual([
      ['gone@example.net', 'hard-bounce'],
      ['spam@example.com', 'complaint'],
    ]);
  });

  it('JSON that is no provider\'s notification is not taken for one', async () => {
    const c = await classifyBounce(mailedJson('someone@example.com', 'Our data', [{ email: 'x@example.com', event: 'bounce' }]));
    expect(c.format).not.toBe('provider');
    expect(c.recipients).toEqual([]);
  });
});
