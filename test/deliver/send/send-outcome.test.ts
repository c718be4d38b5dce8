import { describe, expect, it } from 'vitest';
import { backoff, decideOutcome, resultLine } from '../../../src/deliver/send/send-outcome.js';
import { classifySmtpError } from '../../../src/deliver/transport/smtp.js';

const temporary = { ok: false as const, kind: 'temporary' as const, code: 421, message: '421 try later' };

describe('decideOutcome', () => {
  it('records a 250 as sent, with the server response', () => {
    expect(decideOutcome({ ok: true, response: '250 Queued as 7' }, 1, 4, false)).toEqual({
      record: { type: 'sent', response: '250 Queued as 7' },
      next: 'sent',
    });
  });

  it('records a 5xx as a permanent failure with its code, never retried', () => {
    const outcome = classifySmtpError({ responseCode: 550, message: '550 no such user' }, false);
    expect(decideOutcome(outcome, 1, 4, false)).toEqual({
      record: { type: 'failed', permanent: true, code: 550, error: outcome.message },
      next: 'failed',
      error: outcome.message,
    });
  });

  it('records a drop after the body as unconfirmed: the recipient is unknown, not retried even with tries left', () => {
    const outcome = classifySmtpError(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' }), true);
    expect(decideOutcome(outcome, 1, 4, false)).toEqual({
      record: { type: 'unconfirmed', error: outcome.message },
      next: 'unknown',
      error: outcome.message,
    });
  });

  it('retries a temporary failure while tries remain, then leaves it for a later run', () => {
    const failed = { type: 'failed', permanent: false, code: 421, error: '421 try later' };
    expect(decideOutcome(temporary, 1, 2, false)).toEqual({ record: failed, next: 'retry', error: '421 try later' });
    expect(decideOutcome(temporary, 2, 2, false).next).toBe('retry');
    expect(decideOutcome(temporary, 3, 2, false)).toEqual({ record: failed, next: 'retry-later', error: '421 try later' });
    expect(decideOutcome(temporary, 1, 0, false).next).toBe('retry-later');
  });

  it('does not retry once the run is stopping', () => {
    expect(decideOutcome(temporary, 1, 4, true).next).toBe('retry-later');
  });

  it('leaves the code out of the record when there was no SMTP answer', () => {
    const outcome = classifySmtpError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), false);
    expect(decideOutcome(outcome, 1, 0, false).record).toEqual({ type: 'failed', permanent: false, error: outcome.message });
  });
});

describe('resultLine', () => {
  it('says what happens next for each result, and nothing for a plain success', () => {
    expect(resultLine('sent', 'a@b.example', undefined)).toBeUndefined();
    expect(resultLine('failed', 'a@b.example', '550 no')).toBe('failed: a@b.example: 550 no');
    expect(resultLine('retry-later', 'a@b.example', '421 later')).toBe('failed for now: a@b.example: 421 later (a later run retries it)');
    expect(resultLine('unknown', 'a@b.example', 'closed')).toBe('unknown: a@b.example: closed (the server may have accepted it; not retried)');
  });
});

describe('backoff', () => {
  it('doubles per try within ±20% jitter', () => {
    expect(backoff(100, 1, () => 0)).toBe(80);
    expect(backoff(100, 1, () => 1)).toBe(120);
    expect(backoff(100, 3, () => 0.5)).toBe(400);
  });
});
