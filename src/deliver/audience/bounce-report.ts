/**
 * A classified message from the bounce mailbox (bounce-classify/) as what it
 * does to the audience: feedback events for the rules in feedback.ts (a hard
 * bounce or complaint suppresses, a soft bounce counts), warnings for the
 * operator about refusals on our side, and the rest ignored with a reason.
 *
 *   hard       -> hard-bounce event
 *   soft       -> soft-bounce event
 *   complaint  -> complaint event
 *   ours       -> no event: a warning (DKIM, SPF, reputation, content)
 *   ignored    -> nothing (delivered, delayed, auto-reply, DMARC report)
 *
 * Event ids are the report's Message-ID (or a digest of the message) and the
 * address, so reading the same mailbox twice changes nothing.
 */
import type { BounceClassification } from './bounce-classify/classify-bounce.js';
import type { Reason } from './bounce-classify/reasons.js';
import type { FeedbackEvent, FeedbackKind } from './feedback.js';

export interface OursWarning {
  address: string;
  reason: Reason;
  diagnostic: string;
}

export interface ReportEvents {
  events: FeedbackEvent[];
  /** Refusals for reasons on our side: nobody is suppressed for them. */
  ours: OursWarning[];
  /** Recipients or messages that change nothing, and why. */
  ignored: { address?: string; why: string }[];
}

const KINDS: Partial<Record<BounceClassification['verdict'], FeedbackKind>> = { hard: 'hard-bounce', soft: 'soft-bounce', complaint: 'complaint' };

/** How the feedback log names where an event came from. */
const VIA: Record<BounceClassification['format'], string> = {
  dsn: 'dsn',
  arf: 'arf',
  complaint: 'complaint-mail',
  provider: 'ses-mail',
  'plain-text': 'bounce-text',
  'auto-reply': 'auto-reply',
  none: 'none',
};

/** The events a classified message stands for. Pure; `now` dates a report that carries no Date. */
export function reportEvents(c: BounceClassification, now: Date): ReportEvents {
  const out: ReportEvents = { events: [], ours: [], ignored: [] };
  if (c.recipients.length === 0) {
    out.ignored.push({ why: c.diagnostic });
    return out;
  }
  for (const r of c.recipients) {
    const kind = KINDS[r.verdict];
    if (r.verdict === 'ours') {
      out.ours.push({ address: r.address, reason: r.reason, diagnostic: r.diagnostic ?? '' });
    } else if (!kind) {
      out.ignored.push({ address: r.address, why: `${r.reason}: ${r.diagnostic ?? 'not a failure'}` });
    } else {
      out.events.push({
        id: `${c.reportId} ${r.address}`,
        kind,
        address: r.address,
        at: c.date ?? now.toISOString(),
        via: VIA[c.format],
        reason: r.reason,
        ...(r.status ? { status: r.status } : {}),
        ...(r.diagnostic ? { detail: r.diagnostic } : {}),
        ...(c.originalMessageId ? { messageId: c.originalMessageId } : {}),
      });
    }
  }
  return out;
}
