/**
 * The reason for one recipient of a report, from what the report says about
 * it: the enhanced status code (RFC 3463), the SMTP reply code, the server's
 * words and the DSN action. The words win over the code when they name a
 * reason (servers put 5.1.1 or 5.7.1 on almost anything); the code decides
 * when the words say nothing we know.
 */
import { reasonFromText } from './reason-patterns.js';
import { REASON_VERDICTS, type Reason } from './reasons.js';

/** RFC 3463 detail codes, by "subject.detail" (the class, 4 or 5, says temporary or permanent). */
const STATUS_REASONS: Record<string, Reason> = {
  '1.0': 'userunknown',
  '1.1': 'userunknown',
  '1.2': 'hostunknown',
  '1.3': 'userunknown',
  '1.4': 'filtered',
  '1.6': 'hasmoved',
  '1.7': 'rejected',
  '1.8': 'rejected',
  '1.9': 'systemerror',
  '1.10': 'notaccept',
  '2.0': 'filtered',
  '2.1': 'suspend',
  '2.2': 'mailboxfull',
  '2.3': 'exceedlimit',
  '2.4': 'filtered',
  '3.0': 'systemerror',
  '3.1': 'systemfull',
  '3.2': 'notaccept',
  '3.3': 'systemerror',
  '3.4': 'mesgtoobig',
  '3.5': 'systemerror',
  '4.0': 'networkerror',
  '4.1': 'expired',
  '4.2': 'networkerror',
  '4.3': 'systemerror',
  '4.4': 'networkerror',
  '4.5': 'systemfull',
  '4.6': 'networkerror',
  '4.7': 'expired',
  '5.3': 'toomanyconn',
  '6.0': 'contenterror',
  '7.0': 'securityerror',
  '7.1': 'blocked',
  '7.2': 'blocked',
  '7.7': 'securityerror',
  '7.8': 'securityerror',
  '7.9': 'securityerror',
  '7.13': 'suspend',
  '7.23': 'authfailure',
  '7.24': 'authfailure',
  '7.25': 'requireptr',
  '7.26': 'authfailure',
  '7.27': 'notaccept',
};

/** `5.1.1` -> userunknown. Codes a server puts on everything (x.0.0) say nothing. */
export function reasonFromStatus(status: string | undefined): Reason | undefined {
  const m = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(status ?? '');
  if (!m) return undefined;
  if (m[1] === '2') return 'delivered';
  const key = `${Number(m[2])}.${Number(m[3])}`;
  if (key === '0.0') return undefined;
  return STATUS_REASONS[key] ?? (m[2] === '6' ? 'contenterror' : m[2] === '7' ? 'securityerror' : undefined);
}

/** An enhanced status code written in the text (`550 5.1.1 <x>... User unknown`, `#5.5.0`). */
export function statusInText(text: string): string | undefined {
  const m = /(?:^|[\s#(\-[:'])([245]\.[0-7]\.\d{1,3})(?=$|[\s).,:;\]'-])/.exec(text);
  return m?.[1];
}

/** A three-digit SMTP reply code at the start of a server's reply. */
export function replyCodeInText(text: string): string | undefined {
  return /(?:^|[\s:])([245][0-5]\d)(?=[\s-])/.exec(text)?.[1];
}

/** The SMTP command the remote server was answering, when the text says (`in reply to RCPT TO command`, `>>> DATA`). */
/**
 * With PIPELINING a transcript shows the RCPT replies after ">>> DATA"; the
 * server's "no valid recipients" or "need RCPT" that follows says the
 * refusal was the recipient's.
 */
const PIPELINED_RCPT = /no valid recipients|need rcpt/i;

type SmtpCommand = 'CONN' | 'HELO' | 'MAIL' | 'RCPT' | 'DATA';

export function smtpCommand(text: string): SmtpCommand | undefined {
  let found: SmtpCommand | undefined;
  // qmail's words for a refused RCPT.
  if (/does not like recipient/i.test(text)) return 'RCPT';
  for (const m of text.matchAll(/(?:in reply to|after|>>>|while sending|our|smtp command|\[)\s*(?:the )?(?:end of )?(rcpt|mail from|data|helo|ehlo|initial connection)\b|\b(rcpt)[ _]to\b/gi)) {
    const word = (m[1] ?? m[2]!).toLowerCase();
    found = word === 'rcpt' ? 'RCPT' : word === 'data' ? 'DATA' : word === 'mail from' ? 'MAIL' : word === 'initial connection' ? 'CONN' : 'HELO';
  }
  return found;
}

/**
 * "User unknown" said to a message rather than an address: a server that
 * refuses a recipient answers RCPT TO; one that says "unknown" after DATA,
 * or with a 5.2.x status (the mailbox's own state), is filtering the
 * message (Japanese mobile carriers answer "user unknown" to mail their
 * readers' filters refuse). Without a status or a command that say it was
 * the address, the safe reading is "filtered": soft, so a mistaken reading
 * costs a reader nothing until it repeats.
 */
function unknownOrFiltered(fromStatus: Reason | undefined, command: SmtpCommand | undefined, genericStatus: boolean, namesAddress: boolean): Reason {
  if (fromStatus === 'mailboxfull') return fromStatus;
  if (fromStatus && REASON_VERDICTS[fromStatus] === 'hard') return 'userunknown';
  if (command === 'RCPT') return 'userunknown';
  // A status that names the mailbox's state or a policy (5.2.x, 5.7.x) says what the words do not.
  if (command === 'DATA' || fromStatus !== undefined) return 'filtered';
  return genericStatus && !namesAddress ? 'filtered' : 'userunknown';
}

/**
 * "550 Unknown user <address>" with no status and no command is how NTT
 * docomo and the relays in front of it refuse mail a reader's filter blocks.
 */
const CARRIER_FILTER = /unknown user <?[^\s@]+@/i;

/** Words about an address said in answer to the connection, HELO or MAIL FROM are about us, not the reader. */
function beforeRecipient(command: SmtpCommand | undefined, text: string): Reason | undefined {
  if (command !== 'CONN' && command !== 'HELO' && command !== 'MAIL') return undefined;
  const other = reasonFromText(text, ['userunknown', 'hostunknown', 'notaccept', 'hasmoved', 'filtered']);
  return other ?? (command === 'MAIL' ? 'rejected' : 'blocked');
}

export interface ReasonInput {
  status?: string | undefined;
  action?: string | undefined;
  diagnostic?: string | undefined;
  /** The report's whole human-readable text, for the SMTP command when the diagnostic does not name it. */
  context?: string | undefined;
}

export function reasonOf(input: ReasonInput): Reason {
  const action = input.action?.toLowerCase();
  const text = input.diagnostic ?? '';
  const status = input.status && !/^[245]\.0\.0$/.test(input.status) ? input.status : statusInText(text) ?? input.status;
  if (action === 'delivered' || action === 'relayed' || action === 'expanded' || status?.startsWith('2.')) return 'delivered';
  if (action === 'delayed') return 'delayed';
  const fromStatus = reasonFromStatus(status);
  const fromText = reasonFromText(text);
  const command = smtpCommand(text) ?? (input.context ? smtpCommand(input.context) : undefined);
  if (fromText && REASON_VERDICTS[fromText] === 'hard') {
    const ours = beforeRecipient(command, text);
    if (ours) return ours;
  }
  if (fromText === 'userunknown') {
    // x.y.0 is "other or undefined" status of its kind: no more than the words say.
    const vague = /^[45]\.[02-7]\.0$/.test(status ?? '');
    const informative = fromStatus !== undefined && !vague;
    const pipelined = !informative && PIPELINED_RCPT.test(`${text}\n${input.context ?? ''}`);
    if (!informative && !command && !pipelined && CARRIER_FILTER.test(text)) return 'filtered';
    return unknownOrFiltered(informative ? fromStatus : undefined, pipelined ? 'RCPT' : command, /^5\.0\.0$/.test(input.status ?? ''), /@/.test(text));
  }
  if (fromText) return fromText;
  if (fromStatus) return fromStatus;
  if (replyCodeInText(text) === '421' || replyCodeInText(text) === '450') return 'systemerror';
  return text.trim() ? 'onhold' : 'undefined';
}
