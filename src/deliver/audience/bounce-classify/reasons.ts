/**
 * Why a message came back, in sisimai's vocabulary (the field's reference for
 * bounce classification), and what each reason does to the reader:
 *
 *   hard       the address is gone: suppress at once
 *   soft       the reader's mailbox or server: counts towards 3 in 30 days
 *   ours       our mail or our sending (DKIM, SPF, reputation, content):
 *              suppresses nobody; the operator gets a warning to fix it
 *   complaint  the reader said "spam" or "unsubscribe": suppress at once
 *   ignored    not a failure (delivered, delayed, auto-reply, DMARC report,
 *              a message that is no report at all)
 *
 * docs/audience.md carries the same table for operators.
 */
export const REASON_VERDICTS = {
  userunknown: 'hard',
  hostunknown: 'hard',
  notaccept: 'hard',
  hasmoved: 'hard',
  mailboxfull: 'soft',
  suspend: 'soft',
  expired: 'soft',
  toomanyconn: 'soft',
  exceedlimit: 'soft',
  mesgtoobig: 'soft',
  systemerror: 'soft',
  systemfull: 'soft',
  networkerror: 'soft',
  filtered: 'soft',
  mailererror: 'soft',
  speeding: 'soft',
  suppressed: 'soft',
  onhold: 'soft',
  undefined: 'soft',
  authfailure: 'ours',
  blocked: 'ours',
  spamdetected: 'ours',
  policyviolation: 'ours',
  badreputation: 'ours',
  requireptr: 'ours',
  rejected: 'ours',
  norelaying: 'ours',
  securityerror: 'ours',
  virusdetected: 'ours',
  contenterror: 'ours',
  notcompliantrfc: 'ours',
  syntaxerror: 'ours',
  failedstarttls: 'ours',
  feedback: 'complaint',
  delivered: 'ignored',
  delayed: 'ignored',
  vacation: 'ignored',
  notareport: 'ignored',
} as const;

export type Reason = keyof typeof REASON_VERDICTS;
export type Verdict = (typeof REASON_VERDICTS)[Reason];

export const VERDICTS: readonly Verdict[] = ['hard', 'soft', 'ours', 'complaint', 'ignored'];

/**
 * The verdict for a reason. A server that says the address is gone only for
 * now (a 4.x.x status: a DNS lookup that failed, "does not accept mail" for
 * the moment) has not said it is gone.
 */
export function verdictOf(reason: Reason, status?: string, feedbackType?: string): Verdict {
  if (REASON_VERDICTS[reason] === 'hard' && status?.startsWith('4')) return 'soft';
  if (reason === 'feedback' && feedbackType && NOT_COMPLAINTS.has(feedbackType)) return 'ignored';
  return REASON_VERDICTS[reason];
}

/**
 * Feedback reports that are not a reader's complaint: DMARC and
 * authentication-failure reports are about our DKIM or SPF (they go to the
 * operator), and "not-spam" is a reader rescuing our mail.
 */
const NOT_COMPLAINTS = new Set(['auth-failure', 'dmarc', 'not-spam']);

/** Which verdict stands for a message that names several recipients: the one that acts most. */
export function strongestVerdict(verdicts: readonly Verdict[]): Verdict {
  const order: Verdict[] = ['complaint', 'hard', 'soft', 'ours', 'ignored'];
  return order.find((v) => verdicts.includes(v)) ?? 'ignored';
}
