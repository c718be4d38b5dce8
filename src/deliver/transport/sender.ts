/**
 * The sender contract every transport implements (SMTP, SES): one message in,
 * one outcome out, never a throw, so the ledger can record every try whichever
 * way mail leaves. Transports import this module and nothing of each other.
 */
import type { SendMailOptions } from 'nodemailer';
import type { Result } from '../../problems.js';

export type SendOutcome =
  | { ok: true; response: string }
  | {
      ok: false;
      /**
       * permanent: a 5xx; retrying would get the same answer.
       * temporary: a 4xx, or the connection failed before the message body was out.
       * unconfirmed: the connection failed after the whole body was handed over and
       *   before the server's answer: it may have been accepted. Not retried.
       */
      kind: 'permanent' | 'temporary' | 'unconfirmed';
      code?: number;
      message: string;
    };

export interface MailSender {
  send(message: SendMailOptions): Promise<SendOutcome>;
  /** Connects and authenticates once, so a bad URL or password fails before anything is recorded. */
  verify(): Promise<Result<void>>;
  close(): void;
}
