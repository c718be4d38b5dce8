/**
 * Provider webhooks over loopback HTTP: SES notifications as SNS delivers
 * them (an SNS envelope with the SES notification as a JSON string, signed
 * with a test certificate served over HTTPS on loopback) and Postmark's
 * bounce and spam-complaint webhooks, with and without the secret.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { feedbackFile } from '../../../src/deliver/audience/feedback.js';
import { suppressionFile } from '../../../src/deliver/audience/suppression.js';
import type { RunningServer } from '../../../src/deliver/serve/public-server.js';
import { readJsonLinesFile, tempDir } from '../../support/fixtures.js';
import { closeAndRemove, startTestServer } from '../../support/deliver.js';
import { startSnsSigner, type SnsSigner } from '../../support/sns-signing.js';

const WEBHOOK_SECRET = 'wh-secret-7f3a9c1e5b2d4a6f';

let dir: string;
let state: string;
let server: RunningServer;
let signer: SnsSigner;
const logs: string[] = [];

beforeEach(async () => {
  dir = await tempDir('bw-webhooks-');
  state = path.join(dir, 'state');
  logs.length = 0;
  signer = await startSnsSigner();
  server = await startTestServer(state, { webhookSecret: WEBHOOK_SECRET, log: (l) => logs.push(l), snsCertificates: signer.source });
});

afterEach(async () => {
  await signer.close();
  await closeAndRemove(server, dir);
});

const sesMail = {
  timestamp: '2025-03-10T09:02:09.000Z',
  source: 'AI Cloud Weekly <brief@aicloudweekly.example>',
  sourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/aicloudweekly.example',
  sendingAccountId: '123456789012',
  messageId: '0102019586a1b2c3-4d5e6f70-8192-4a3b-9c8d-7e6f5a4b3c2d-000000',
  destination: ['gone@example.org'],
  headersTruncated: false,
  commonHeaders: {
    from: ['AI Cloud Weekly <brief@aicloudweekly.example>'],
    to: ['gone@example.org'],
    messageId: '<2025-03-10.0123456789abcdef0123456789abcdef@aicloudweekly.example>',
    subject: 'AI Cloud Weekly',
  },
};

function unsignedNotification(message: object | string, id = '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324'): Record<string, unknown> {
  return {
    Type: 'Notification',
    MessageId: id,
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:ses-feedback',
    Message: typeof message === 'string' ? message : JSON.stringify(message),
    Timestamp: '2025-03-10T09:02:12.345Z',
    UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:eu-west-1:123456789012:ses-feedback:1',
  };
}

/** As SNS sends it: signed (SignatureVersion 1 unless asked for 2). */
const snsNotification = (message: object | string, id?: string, version: '1' | '2' = '1') => signer.sign(unsignedNotification(message, id), version);

const sesPermanentBounce = {
  notificationType: 'Bounce',
  bounce: {
    feedbackId: '0102019586a1b2c3-aa11bb22-cc33-dd44-ee55-ff6677889900-000000',
    bounceType: 'Permanent',
    bounceSubType: 'General',
    bouncedRecipients: [{ emailAddress: 'Gone@example.org', action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
    timestamp: '2025-03-10T09:02:11.000Z',
    remoteMtaIp: '192.0.2.10',
    reportingMTA: 'dsn; a1-23.smtp-out.eu-west-1.amazonses.com',
  },
  mail: sesMail,
};

const sesComplaint = {
  notificationType: 'Complaint',
  complaint: {
    feedbackId: '0102019586a1b2c3-11223344-5566-7788-99aa-bbccddeeff00-000000',
    complaintSubType: null,
    complainedRecipients: [{ emailAddress: 'angry@example.com' }],
    timestamp: '2025-03-11T14:03:51.000Z',
    userAgent: 'Yahoo!-Mail-Feedback/2.0',
    complaintFeedbackType: 'abuse',
    arrivalDate: '2025-03-10T09:02:09.000Z',
  },
  mail: { ...sesMail, destination: ['angry@example.com'] },
};

const postmarkBounce = {
  RecordType: 'Bounce',
  MessageStream: 'outbound',
  ID: 4323372036854775807,
  Type: 'HardBounce',
  TypeCode: 1,
  Name: 'Hard bounce',
  Tag: 'edition',
  MessageID: '883953f4-6105-42a2-a16a-77a8eac79483',
  Metadata: {},
  ServerID: 23,
  Description: 'The server was unable to deliver your message (ex: unknown user, mailbox not found).',
  Details: 'smtp;550 5.1.1 The email account that you tried to reach does not exist.',
  Email: 'nobody@example.net',
  From: 'brief@aicloudweekly.example',
  BouncedAt: '2025-03-10T09:03:54.9070259Z',
  DumpAvailable: true,
  Inactive: true,
  CanActivate: true,
  Subject: 'AI Cloud Weekly',
  Content: '',
};

const postmarkComplaint = {
  RecordType: 'SpamComplaint',
  MessageStream: 'outbound',
  ID: 42,
  Type: 'SpamComplaint',
  TypeCode: 100001,
  Name: 'Spam complaint',
  Tag: 'edition',
  MessageID: '00000000-0000-0000-0000-000000000000',
  ServerID: 1234,
  Description: 'The subscriber explicitly marked this message as spam.',
  Details: 'Test spam complaint details',
  Email: 'annoyed@example.net',
  From: 'brief@aicloudweekly.example',
  BouncedAt: '2025-03-12T10:00:00Z',
  DumpAvailable: true,
  Inactive: true,
  CanActivate: false,
  Subject: 'AI Cloud Weekly',
};

const post = (pathname: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });

async function suppressed(): Promise<Record<string, string>[]> {
  return readJsonLinesFile(suppressionFile(state));
}

describe('provider webhooks', () => {
  it('SES via SNS: a Permanent bounce and a Complaint suppress, with the secret in the path', async () => {
    const res = await post(`/webhooks/ses/${WEBHOOK_SECRET}`, snsNotification(sesPermanentBounce), { 'x-amz-sns-message-type': 'Notification' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ events: 1, suppressed: 1 });
    const res2 = await post(`/webhooks/ses/${WEBHOOK_SECRET}`, snsNotification(sesComplaint, 'b2c1-complaint', '2'));
    expect(res2.status).toBe(200);
    expect(await suppressed()).toMatchObject([
      { address: 'gone@example.org', reason: 'hard-bounce', via: 'ses', source: '<2025-03-10.0123456789abcdef0123456789abcdef@aicloudweekly.example>' },
      { address: 'angry@example.com', reason: 'complaint', via: 'ses' },
    ]);
    // SNS redelivers on a slow answer: the same notification again changes nothing.
    const again = await post(`/webhooks/ses/${WEBHOOK_SECRET}`, snsNotification(sesPermanentBounce));
    expect(await again.json()).toMatchObject({ events: 1, suppressed: 0, duplicates: 1 });
    expect(await suppressed()).toHaveLength(2);
    expect((await readFile(feedbackFile(state), 'utf8')).trim().split('\n')).toHaveLength(2);
  });

  it('SES: a Transient bounce counts as soft; a Delivery notification and the subscription handshake change nothing', async () => {
    const transient = { ...sesPermanentBounce, bounce: { ...sesPermanentBounce.bounce, bounceType: 'Transient', bounceSubType: 'MailboxFull', feedbackId: 'soft-1' } };
    const res = await post('/webhooks/ses', snsNotification(transient), basic('ses', WEBHOOK_SECRET));
    expect(await res.json()).toMatchObject({ events: 1, suppressed: 0 });
    const delivery = { notificationType: 'Delivery', mail: sesMail, delivery: { timestamp: '2025-03-10T09:02:10.000Z', recipients: ['ann@example.com'] } };
    expect((await post('/webhooks/ses', snsNotification(delivery, 'd1'), basic('ses', WEBHOOK_SECRET))).status).toBe(200);
    const handshake = signer.sign({
      Type: 'SubscriptionConfirmation',
      MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
      Token: '2336412f37f',
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:ses-feedback',
      Message: 'You have chosen to subscribe to the topic arn:aws:sns:eu-west-1:123456789012:ses-feedback.',
      SubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:eu-west-1:123456789012:ses-feedback&Token=2336412f37f',
      Timestamp: '2025-03-01T12:00:00.000Z',
    });
    expect((await post('/webhooks/ses', handshake, basic('ses', WEBHOOK_SECRET))).status).toBe(200);
    expect(logs.some((l) => l.includes('Action=ConfirmSubscription'))).toBe(true);
    expect(await suppressed()).toEqual([]);
  });

  it('Postmark: bounce and spam complaint webhooks with HTTP Basic auth', async () => {
    const res = await post('/webhooks/postmark', postmarkBounce, basic('postmark', WEBHOOK_SECRET));
    expect(res.status).toBe(200);
    const res2 = await post('/webhooks/postmark', postmarkComplaint, basic('postmark', WEBHOOK_SECRET));
    expect(res2.status).toBe(200);
    const soft = { ...postmarkBounce, ID: 7, Type: 'SoftBounce', TypeCode: 4096, Email: 'full@example.net' };
    expect(await (await post('/webhooks/postmark', soft, basic('postmark', WEBHOOK_SECRET))).json()).toMatchObject({ events: 1, suppressed: 0 });
    // A block is about our sending (reputation, content): it suppresses nobody, whoever it names.
    const blocked = { ...postmarkBounce, ID: 8, Type: 'Blocked', TypeCode: 100006, Email: 'reader@example.org', Details: '' };
    expect(await (await post('/webhooks/postmark', blocked, basic('postmark', WEBHOOK_SECRET))).json()).toMatchObject({ events: 0, suppressed: 0 });
    expect((await suppressed()).map((l) => [l['address'], l['reason'], l['via']])).toEqual([
      ['nobody@example.net', 'hard-bounce', 'postmark'],
      ['annoyed@example.net', 'complaint', 'postmark'],
    ]);
  });

  it('without the right secret: 401 and nothing changes', async () => {
    const attempts = [
      post('/webhooks/ses', snsNotification(sesPermanentBounce)),
      post('/webhooks/ses/wrong-secret-000000000', snsNotification(sesPermanentBounce)),
      post('/webhooks/postmark', postmarkBounce, basic('postmark', 'wrong')),
      post('/webhooks/postmark', postmarkBounce, { authorization: `Bearer ${WEBHOOK_SECRET}` }),
      post(`/webhooks/postmark/${WEBHOOK_SECRET.slice(0, -1)}`, postmarkBounce),
    ];
    for (const res of await Promise.all(attempts)) expect(res.status).toBe(401);
    expect(existsSync(feedbackFile(state))).toBe(false);
    expect(await suppressed()).toEqual([]);
  });

  it('with no WEBHOOK_SECRET configured every webhook is 401', async () => {
    const open = await startTestServer(state);
    try {
      const res = await fetch(`${open.url}/webhooks/postmark`, { method: 'POST', body: JSON.stringify(postmarkBounce) });
      expect(res.status).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('garbage gets 400 (or 413, or 401 when it carries no SNS signature) and changes nothing', async () => {
    const auth = basic('x', WEBHOOK_SECRET);
    const cases: [string, unknown, number][] = [
      ['/webhooks/ses', 'not json{', 400],
      // Not SNS at all: no signature to check, so it is refused as unsigned.
      ['/webhooks/ses', { hello: 'world' }, 401],
      ['/webhooks/ses', snsNotification('<xml/>'), 400],
      ['/webhooks/ses', snsNotification({ notificationType: 'Bounce', bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'not-an-address' }], feedbackId: 'x' } }), 400],
      ['/webhooks/postmark', { RecordType: 'Bounce', ID: 1, Type: 'HardBounce' }, 400],
      ['/webhooks/postmark', [1, 2, 3], 400],
      ['/webhooks/postmark', { RecordType: 'Bounce', ID: 1, Type: 'HardBounce', Email: 'a@example.com', Details: 'x'.repeat(300 * 1024) }, 413],
    ];
    for (const [p, body, status] of cases) {
      const res = await post(p, body, auth);
      expect(res.status, `${p} ${JSON.stringify(body).slice(0, 60)}`).toBe(status);
    }
    expect(existsSync(feedbackFile(state))).toBe(false);
    expect(await suppressed()).toEqual([]);
  });

  it('SNS signatures: version 1 and 2 pass, the certificate is fetched once; a bad, missing or foreign signature is 401 and changes nothing', async () => {
    const auth = basic('ses', WEBHOOK_SECRET);
    const tampered = { ...snsNotification(sesPermanentBounce), Message: JSON.stringify({ ...sesPermanentBounce, bounce: { ...sesPermanentBounce.bounce, feedbackId: 'forged' } }) };
    const unsigned = unsignedNotification(sesPermanentBounce);
    const foreignCert = signer.sign({ ...unsignedNotification(sesPermanentBounce), SigningCertURL: 'https://sns.eu-west-1.amazonaws.com.evil.example/SimpleNotificationService-x.pem' });
    const plainHttp = signer.sign({ ...unsignedNotification(sesPermanentBounce), SigningCertURL: signer.certificateUrl.replace('https:', 'http:') });
    const version3 = { ...snsNotification(sesPermanentBounce), SignatureVersion: '3' };
    const otherSubject = { ...snsNotification(sesPermanentBounce), Subject: 'added after signing' };
    for (const [name, body] of Object.entries({ tampered, unsigned, foreignCert, plainHttp, version3, otherSubject })) {
      const res = await post('/webhooks/ses', body, auth);
      expect([name, res.status]).toEqual([name, 401]);
      expect(((await res.json()) as { error: string }).error).toContain('SNS signature not verified');
    }
    expect(existsSync(feedbackFile(state))).toBe(false);
    expect(signer.fetches()).toBe(1); // only the tampered and Subject cases reached the certificate, and it was kept

    // A signed message still needs the secret: the signature is the second factor, not a replacement.
    expect((await post('/webhooks/ses', snsNotification(sesPermanentBounce))).status).toBe(401);
    const v1 = await post('/webhooks/ses', snsNotification(sesPermanentBounce, 'v1'), auth);
    const v2 = await post('/webhooks/ses', snsNotification(sesComplaint, 'v2', '2'), auth);
    expect([v1.status, v2.status]).toEqual([200, 200]);
    const subjected = signer.sign({ ...unsignedNotification(sesPermanentBounce, 'with-subject'), Subject: 'Amazon SES Email Event Notification' });
    expect((await post('/webhooks/ses', subjected, auth)).status).toBe(200);
    expect(signer.fetches()).toBe(1);
    expect((await suppressed()).map((l) => l['address'])).toEqual(['gone@example.org', 'angry@example.com']);
  });
});

