/**
 * A delivery status notification (RFC 3464) as a bounce mailbox receives it,
 * around the delivery-status fields a test gives: the per-message block, a
 * blank line, then one block per recipient.
 */
export function dsnMessage(fields: string): Buffer {
  return Buffer.from(
    [
      'From: MAILER-DAEMON@mx.example.net',
      'To: bounces@aicloudweekly.example',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-1@mx.example.net>',
      'Date: Mon, 10 Mar 2025 09:02:11 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      fields,
      '--b--',
      '',
    ].join('\r\n'),
  );
}
