/**
 * Is a bounce or complaint about mail we sent? A report is matched by the
 * Message-ID of the original (ours are `<edition-date>.<hash>@<domain>`, and
 * the edition's ledger must show the recipient) or, when the reporting server
 * left the original out, by the recipient being in some edition's ledger.
 * Confirmation emails (`<confirm.…@domain>`) match readers who asked for one.
 * A report about mail we never sent to that address (a forged bounce, mail
 * someone else sent in our name) matches nothing and changes nothing.
 */
import type { Problem } from '../../problems.js';
import type { StateStore, SubscriberSnapshot } from '../store/state-store.js';
import { ISO_DATE_PATTERN } from '../../util/iso-date.js';

export type MatchedBy = 'message-id' | 'recipient' | 'confirmation';

const EDITION_ID = new RegExp(String.raw`^<?(${ISO_DATE_PATTERN})\.[0-9a-f]{32}@`, 'i');
export const CONFIRMATION_ID_PREFIX = 'confirm.';

export class SentMail {
  private constructor(
    private readonly byEdition: Map<string, Set<string>>,
    private readonly everyone: Set<string>,
    private readonly store: SubscriberSnapshot | null,
    readonly problems: Problem[],
  ) {}

  static async load(state: StateStore, store: SubscriberSnapshot | null): Promise<SentMail> {
    const byEdition = new Map<string, Set<string>>();
    const everyone = new Set<string>();
    const problems: Problem[] = [];
    for (const date of await state.sentEditions()) {
      const ledger = await state.ledger(date);
      if (!ledger.ok) {
        problems.push(...ledger.problems);
        continue;
      }
      // A skipped line (BW_JSONL_LINE_SKIPPED) is said, never dropped: a bounce of that reader may go unmatched.
      problems.push(...ledger.warnings);
      const keys = new Set(ledger.value.states.keys());
      byEdition.set(date, keys);
      for (const k of keys) everyone.add(k);
    }
    return new SentMail(byEdition, everyone, store, problems);
  }

  match(address: string, messageId: string | undefined): MatchedBy | null {
    const id = messageId?.trim();
    if (id) {
      const edition = EDITION_ID.exec(id);
      if (edition && this.byEdition.get(edition[1]!)?.has(address)) return 'message-id';
      const local = id.replace(/^</, '');
      if (local.startsWith(CONFIRMATION_ID_PREFIX) && this.store && (this.store.pending.has(address) || this.store.confirmed.has(address))) return 'confirmation';
    }
    return this.everyone.has(address) ? 'recipient' : null;
  }
}
