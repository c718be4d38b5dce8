/**
 * What a send would do right now, without doing it: for --dry-run. Reads the
 * list, the ledger and the suppression list; writes nothing.
 */
import type { DKIMOptions } from 'nodemailer';
import nodemailer from 'nodemailer';
import type { Problem } from '../../problems.js';
import { classify, isComplete, unknownRecipients, type RecipientState } from '../store/ledger.js';
import type { StateStore } from '../store/state-store.js';
import { buildMessage, prepareEdition, type SenderIdentity } from './message.js';
import type { EditionFiles } from './built-editions.js';
import { readRecipients } from './recipients.js';
import type { Recipient } from '../audience/subscriber-csv.js';
import { countReason, suppressionProblemsForSending, type SuppressionReason } from '../audience/suppression.js';
import { createUnsubscribeToken, messageIdHash } from '../audience/unsubscribe-token.js';

export interface SendPlan {
  total: number;
  toSend: number;
  alreadySent: number;
  suppressed: number;
  suppressedBy: Partial<Record<SuppressionReason, number>>;
  failedEarlier: number;
  /** Listed recipients with an unknown outcome that would be held back. */
  unknown: number;
  /** Held-back unknown outcomes of addresses no longer on the list (the send lists them too). */
  unknownOffList: number;
  first: Recipient[];
  /** Size of the first recipient's message as it would go on the wire. */
  messageBytes: number | null;
  completed: boolean;
  problems: Problem[];
}

export async function planSend(opts: {
  edition: EditionFiles;
  sender: SenderIdentity;
  subscribersFile: string | null;
  store: StateStore;
  resendUnknown: boolean;
  dkim?: DKIMOptions;
  now: Date;
}): Promise<SendPlan> {
  const plan: SendPlan = {
    total: 0,
    toSend: 0,
    alreadySent: 0,
    suppressed: 0,
    suppressedBy: {},
    failedEarlier: 0,
    unknown: 0,
    unknownOffList: 0,
    first: [],
    messageBytes: null,
    completed: false,
    problems: [],
  };
  const ledger = await opts.store.ledger(opts.edition.date);
  const states = ledger.ok ? ledger.value.states : new Map<string, RecipientState>();
  if (ledger.ok) plan.completed = isComplete(ledger.value);
  else plan.problems.push(...ledger.problems);
  const offList = new Set(ledger.ok ? unknownRecipients(ledger.value) : []);
  const suppression = await opts.store.suppressions();
  plan.problems.push(...suppressionProblemsForSending(suppression.ok ? suppression.warnings : suppression.problems));
  const suppressed = (key: string): boolean => suppression.ok && suppression.value.has(key);

  for await (const item of readRecipients(opts.subscribersFile, opts.store)) {
    if (item.kind === 'problem') {
      plan.problems.push(item.problem);
      continue;
    }
    const r = item.recipient;
    plan.total++;
    offList.delete(r.key);
    const action = classify(states.get(r.key), suppressed(r.key), opts.resendUnknown);
    if (action === 'already-sent') plan.alreadySent++;
    else if (action === 'failed-earlier') plan.failedEarlier++;
    else if (action === 'suppressed') {
      plan.suppressed++;
      countReason(plan.suppressedBy, suppression.ok ? suppression.value.reasonOf(r.key) : undefined);
    }
    else if (action === 'unknown') plan.unknown++;
    else {
      plan.toSend++;
      if (plan.first.length < 5) plan.first.push(r);
    }
  }
  for (const key of offList) if (classify('unknown', suppressed(key), opts.resendUnknown) === 'unknown') plan.unknownOffList++;

  const sample = plan.first[0];
  if (sample) {
    // A throwaway secret: the token and Message-ID have the same length as the real ones.
    const secret = 'dry-run-secret-not-used-for-sending';
    const message = buildMessage({
      edition: prepareEdition(opts.edition),
      sender: opts.sender,
      recipient: sample.name ? { address: sample.address, name: sample.name } : { address: sample.address },
      token: createUnsubscribeToken(sample.address, secret),
      messageIdHash: messageIdHash(opts.edition.date, sample.address, secret),
      date: opts.now,
    });
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, ...(opts.dkim ? { dkim: opts.dkim } : {}) });
    const info = (await transport.sendMail(message)) as { message: Buffer };
    plan.messageBytes = info.message.length;
  }
  return plan;
}
