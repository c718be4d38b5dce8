/**
 * Postmark's bounce and spam-complaint records (the JSON its webhooks post,
 * and what a relay that forwards them by email carries in the body), read
 * as the same findings as any other report. Postmark names a type for each
 * record; the reason follows the type, and the server's words (`Details`)
 * may name a more specific one, as for every provider.
 *
 * Postmark's own table lists the types:
 * https://postmarkapp.com/developer/api/bounce-api#bounce-types
 */
import type { FoundRecipient } from './finding.js';
import type { Reason } from './reasons.js';
import { isJsonObject as isObject, jsonString as str } from '../../../util/json-shape.js';

export const POSTMARK_TYPE_REASONS: Readonly<Record<string, Reason>> = {
  HardBounce: 'userunknown',
  BadEmailAddress: 'userunknown',
  AddressChange: 'hasmoved',
  SoftBounce: 'undefined',
  Transient: 'undefined',
  DnsError: 'networkerror',
  Unknown: 'undefined',
  SpamComplaint: 'feedback',
  // A reader's unsubscribe request that reached Postmark's return path.
  Unsubscribe: 'feedback',
  AutoResponder: 'vacation',
  SpamNotification: 'spamdetected',
  VirusNotification: 'virusdetected',
  Blocked: 'blocked',
  DMARCPolicy: 'authfailure',
  Subscribe: 'notareport',
  OpenRelayTest: 'notareport',
  ChallengeVerification: 'notareport',
  ManuallyDeactivated: 'notareport',
  Unconfirmed: 'notareport',
  SMTPApiError: 'notareport',
  InboundError: 'notareport',
};

export interface PostmarkRecord {
  kind: 'Bounce' | 'SpamComplaint';
  type: string;
  id: string | undefined;
  messageId: string | undefined;
  bouncedAt: string | undefined;
  recipient: FoundRecipient;
}

/** A Postmark Bounce or SpamComplaint record, or undefined for anything else (other record types included). */
export function readPostmarkRecord(body: unknown): PostmarkRecord | undefined {
  if (!isObject(body)) return undefined;
  const kind = str(body['RecordType']);
  if (kind !== 'Bounce' && kind !== 'SpamComplaint') return undefined;
  const type = str(body['Type']) ?? kind;
  const address = str(body['Email'])?.toLowerCase();
  if (!address?.includes('@')) return undefined;
  const reason = kind === 'SpamComplaint' ? 'feedback' : (POSTMARK_TYPE_REASONS[type] ?? 'undefined');
  const diagnostic = [str(body['Description']), str(body['Details'])].filter(Boolean).join(' ') || undefined;
  const id = body['ID'];
  return {
    kind,
    type,
    id: typeof id === 'number' || typeof id === 'string' ? String(id) : undefined,
    messageId: str(body['MessageID']),
    bouncedAt: str(body['BouncedAt']),
    recipient: { address, reason, diagnostic, action: 'failed' },
  };
}
