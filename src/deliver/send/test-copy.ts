/**
 * One test copy of an edition to one address, "[TEST]" before the subject, the
 * ledger untouched: what `send --to` does and what the preview's "Send a test"
 * button does, through this one function, so the copy a writer checks in their
 * inbox is built exactly as the readers' copies will be.
 */
import type { DKIMOptions } from 'nodemailer';
import { error, fail, ok, type Result } from '../../problems.js';
import { TestCopyFailed, UnsubscribeSecret } from '../../problem-catalogue.js';
import type { EditionFiles } from './built-editions.js';
import { buildMessage, prepareEdition, type SenderIdentity } from './message.js';
import { mailTransportFromEnv } from '../transport/choose-transport.js';
import { createUnsubscribeToken, secretFromEnv } from '../audience/unsubscribe-token.js';

export interface TestCopyRequest {
  env: NodeJS.ProcessEnv;
  edition: EditionFiles;
  sender: SenderIdentity;
  to: string;
  now: Date;
  dkim?: DKIMOptions;
}

/**
 * Sends the copy; the value is the server's answer. Settings come from the environment: the transport
 * the readers' copies take (SMTP_URL, or MAIL_TRANSPORT=ses), and UNSUBSCRIBE_SECRET.
 */
export async function deliverTestCopy(r: TestCopyRequest): Promise<Result<string>> {
  const target = mailTransportFromEnv(r.env);
  const secret = secretFromEnv(r.env);
  const problems = [...(target.ok ? [] : target.problems), ...(secret.ok ? [] : [error('UNSUBSCRIBE_SECRET', UnsubscribeSecret, [secret.message])])];
  if (!target.ok || !secret.ok) return fail(problems);
  const mailer = target.value.create({ connections: 1, rate: 0, ...(r.dkim ? { dkim: r.dkim } : {}) });
  try {
    const verified = await mailer.verify();
    if (!verified.ok) return fail(verified.problems);
    const message = buildMessage({
      edition: prepareEdition(r.edition),
      sender: r.sender,
      recipient: { address: r.to },
      token: createUnsubscribeToken(r.to, secret.secret),
      messageIdHash: '',
      date: r.now,
      test: true,
    });
    const outcome = await mailer.send(message);
    if (outcome.ok) return ok(outcome.response);
    return fail([error(r.to, TestCopyFailed, [outcome.kind, outcome.message])]);
  } finally {
    mailer.close();
  }
}
