/**
 * Who an edition goes to: the subscriber CSV (when there is one) followed by
 * the readers who confirmed through the subscribe form, each address once
 * (case-insensitively; a confirmed reader already in the CSV keeps the CSV
 * row). Suppressions are not applied here: the send loop checks them per
 * recipient at send time, so an unsubscribe during a long send still counts.
 */
import { addressKey } from '../audience/address.js';
import type { StateStore } from '../store/state-store.js';
import { readSubscribers, type SubscriberItem } from '../audience/subscriber-csv.js';

/** `subscribersFile` null: no CSV, only confirmed subscribers. */
export async function* readRecipients(subscribersFile: string | null, state: StateStore): AsyncGenerator<SubscriberItem> {
  const fromCsv = new Set<string>();
  if (subscribersFile !== null) {
    for await (const item of readSubscribers(subscribersFile)) {
      if (item.kind === 'recipient') fromCsv.add(item.recipient.key);
      yield item;
      if (item.kind === 'problem' && item.problem.severity === 'error') return;
    }
  }
  const store = await state.subscribers();
  for (const problem of store.problems) yield { kind: 'problem', problem };
  for (const [key, s] of store.confirmed) {
    if (fromCsv.has(key)) continue;
    yield { kind: 'recipient', recipient: { address: s.address, key: addressKey(s.address), line: 0, ...(s.name ? { name: s.name } : {}) } };
  }
}

/** How the list is described in messages. */
export function describeRecipients(subscribersFile: string | null): string {
  return subscribersFile === null ? 'confirmed subscribers' : `${subscribersFile} and confirmed subscribers`;
}
