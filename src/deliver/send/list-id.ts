/**
 * The List-Id (RFC 2919) a newsletter's mail carries. Readers' filters and
 * mailbox providers key on it, so it must not change between sends:
 *
 *   1. `listId` in newsletter.yml, when set, is used as written;
 *   2. otherwise `<slug of name>.<From domain>`, with the shared slug rule;
 *   3. except for a list whose name has accents and whose sends from this
 *      state directory carried the id of the old rule (each accent became a
 *      hyphen: "Zürich" → "zu-rich"): it keeps that id, and send warns until
 *      newsletter.yml pins one of the two. Which id the sends carried is read
 *      from the newest ledger's `run` records; a ledger without one was
 *      written before the rule changed, so it carried the old id.
 *
 * See docs/sending.md ("List-Id") and docs/decisions.md.
 */
import { ListIdKept } from '../../problem-catalogue.js';
import { warning, type Problem } from '../../problems.js';
import { slugify } from '../../render/slug.js';

const FALLBACK = 'newsletter';

/**
 * The slug rule of earlier versions, frozen: NFKD without dropping the
 * combining marks, so each accent became a hyphen. Only here to recognise the
 * ids lists already sent with; never change it.
 */
export function legacyListSlug(name: string): string {
  return (
    name
      .normalize('NFKD')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || FALLBACK
  );
}

export interface ListIdInput {
  name: string;
  /** From's domain, lower case. */
  domain: string;
  /** `listId` from newsletter.yml. */
  pinned?: string;
  /**
   * The List-Id of this state directory's newest send (ledger.ts listIdSentWith): undefined if
   * it never sent, null if that send predates recording it (so it used the old rule).
   */
  sentWith?: string | null;
  /** newsletter.yml, for the warning. */
  file: string;
}

/** Whether the old and the current rule give this name different ids (only then does the history matter). */
export function listIdMigrates(name: string): boolean {
  return legacyListSlug(name) !== slugify(name, FALLBACK);
}

export function resolveListId({ name, domain, pinned, sentWith, file }: ListIdInput): { listId: string; warnings: Problem[] } {
  if (pinned) return { listId: pinned, warnings: [] };
  const listId = `${slugify(name, FALLBACK)}.${domain}`;
  const legacy = `${legacyListSlug(name)}.${domain}`;
  // Only a list whose sends carried the old id keeps it (a new list, or one renamed since, does not).
  if (legacy === listId || (sentWith !== null && sentWith !== legacy)) return { listId, warnings: [] };
  return {
    listId: legacy,
    warnings: [
      warning(file, ListIdKept, [legacy, listId]),
    ],
  };
}
