/**
 * Bounces and complaints, wherever they come from (a DSN or ARF report in a
 * mailbox, an SES event through SNS, a Postmark webhook), end up here as
 * feedback events and go through one set of rules:
 *
 *   hard bounce  suppress at once (the address is gone)
 *   complaint    suppress at once
 *   soft bounce  suppress once the address has 3 within 30 days
 *
 * (Which failures are hard, which soft, and which are our own fault and
 * suppress nobody is bounce-classify/reasons.ts's table.)
 *
 * Every event is appended to `<state>/feedback.jsonl` with an id that names
 * its source (the report's Message-ID and recipient, the provider's event id),
 * and an id already in the log is skipped: reading the same mailbox twice, or
 * a provider retrying a webhook, changes nothing.
 */
import path from 'node:path';
import { error, type Problem } from '../../problems.js';
import { IoFailed } from '../../problem-catalogue.js';
import { addressKey } from './address.js';
import { appendJsonLines, readJsonLines } from '../jsonl.js';
import { appendSuppression, SuppressionList, type SuppressionReason } from './suppression.js';

export type FeedbackKind = 'hard-bounce' | 'soft-bounce' | 'complaint';

export interface FeedbackEvent {
  /** Stable across re-reads of the same report or retries of the same webhook. */
  id: string;
  kind: FeedbackKind;
  /** The recipient the report is about (lowercased). */
  address: string;
  /** When the bounce or complaint happened (the report's date), ISO. */
  at: string;
  /** dsn, arf, ses, postmark. */
  via: string;
  /** Why, in sisimai's vocabulary (userunknown, mailboxfull, feedback...), when the source was classified. */
  reason?: string;
  /** Enhanced status code (RFC 3463) when the source gives one. */
  status?: string;
  /** The receiving server's words, for the operator. */
  detail?: string;
  /** The bounced or complained-about message, when known. */
  messageId?: string;
}

/** Soft bounces that suppress, and the window they must fall in. */
export const SOFT_BOUNCE_LIMIT = 3;
export const SOFT_BOUNCE_WINDOW_DAYS = 30;

export type FeedbackOutcome =
  /** This event suppressed the address. */
  | { kind: 'suppressed'; reason: SuppressionReason }
  /** Already suppressed (for any reason); the event is recorded, nothing else changes. */
  | { kind: 'already-suppressed' }
  /** A soft bounce below the limit: recorded and counted. */
  | { kind: 'counted'; softBounces: number }
  /** Seen before (same id): nothing changes. */
  | { kind: 'duplicate' };

export function feedbackFile(stateDir: string): string {
  return path.join(stateDir, 'feedback.jsonl');
}

/**
 * The rule, pure: what an event does to an address, given the soft bounces
 * already recorded for it (their times).
 */
export function judgeFeedback(event: Pick<FeedbackEvent, 'kind' | 'at'>, earlierSoftBounces: readonly string[]): SuppressionReason | { softBounces: number } {
  if (event.kind === 'hard-bounce') return 'hard-bounce';
  if (event.kind === 'complaint') return 'complaint';
  const at = Date.parse(event.at);
  const from = at - SOFT_BOUNCE_WINDOW_DAYS * 86_400_000;
  const inWindow = earlierSoftBounces.filter((t) => {
    const ms = Date.parse(t);
    return ms > from && ms <= at;
  }).length + 1;
  return inWindow >= SOFT_BOUNCE_LIMIT ? 'soft-bounce' : { softBounces: inWindow };
}

/** What the log holds: ids seen, soft-bounce times per address. */
export interface FeedbackLog {
  ids: Set<string>;
  softBounces: Map<string, string[]>;
  problems: Problem[];
}

export async function readFeedbackLog(stateDir: string): Promise<FeedbackLog> {
  const file = feedbackFile(stateDir);
  const log: FeedbackLog = { ids: new Set(), softBounces: new Map(), problems: [] };
  try {
    await readJsonLines(file, (value) => remember(log, value as Partial<FeedbackEvent>), log.problems);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') log.problems.push(error(file, IoFailed, [(e as Error).message]));
  }
  return log;
}

function remember(log: FeedbackLog, e: Partial<FeedbackEvent> | null): void {
  if (!e || typeof e.id !== 'string' || typeof e.address !== 'string') return;
  log.ids.add(e.id);
  if (e.kind === 'soft-bounce' && typeof e.at === 'string') {
    const key = addressKey(e.address);
    log.softBounces.set(key, [...(log.softBounces.get(key) ?? []), e.at]);
  }
}

/**
 * What applying feedback reads, checked before a mailbox is read: the log's
 * and the suppression list's problems, errors (unreadable: nothing can be
 * applied) and warnings (skipped lines) alike, each with its code.
 */
export async function feedbackStateProblems(stateDir: string): Promise<Problem[]> {
  const log = await readFeedbackLog(stateDir);
  const suppression = await SuppressionList.load(stateDir);
  return [...log.problems, ...(suppression.ok ? suppression.warnings : suppression.problems)];
}

/**
 * Records events and applies the rules, in order. Each event is on disk before
 * the suppression it causes, and each suppression before this resolves.
 */
export async function applyFeedback(stateDir: string, events: readonly FeedbackEvent[], now = new Date()): Promise<FeedbackOutcome[]> {
  const log = await readFeedbackLog(stateDir);
  const hard = log.problems.filter((p) => p.severity === 'error');
  if (hard.length > 0) throw new Error(hard.map((p) => p.message).join('; '));
  const loaded = await SuppressionList.load(stateDir);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.file}: ${p.message}`).join('; '));
  const suppression = loaded.value;
  const outcomes: FeedbackOutcome[] = [];
  for (const raw of events) {
    const event = { ...raw, address: addressKey(raw.address) };
    if (log.ids.has(event.id)) {
      outcomes.push({ kind: 'duplicate' });
      continue;
    }
    const verdict = judgeFeedback(event, log.softBounces.get(event.address) ?? []);
    await appendJsonLines(feedbackFile(stateDir), [event]);
    remember(log, event);
    if (suppression.has(event.address)) {
      outcomes.push({ kind: 'already-suppressed' });
    } else if (typeof verdict === 'string') {
      await appendSuppression(stateDir, event.address, event.via, now, { reason: verdict, source: event.messageId ?? event.id });
      suppression.add(event.address, verdict, now.toISOString());
      outcomes.push({ kind: 'suppressed', reason: verdict });
    } else {
      outcomes.push({ kind: 'counted', softBounces: verdict.softBounces });
    }
  }
  return outcomes;
}
