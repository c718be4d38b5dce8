/**
 * Recipient address checks. Deliberately stricter than RFC 5322: a newsletter
 * list should hold plain mailbox addresses, and anything exotic (quoted local
 * parts, IP literals, comments) is far more likely a typo or an import glitch
 * than a real reader. Rejected rows are reported with file:line, never sent.
 */

const LOCAL_ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL = new RegExp(`^${LOCAL_ATOM}(?:\\.${LOCAL_ATOM})*$`);
// Unicode letters are allowed in the domain (nodemailer punycodes it); the local
// part stays ASCII because a non-ASCII local part needs SMTPUTF8 end to end.
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/** Why an address is unusable, or null when it is fine. */
export function addressProblem(address: string): string | null {
  if (address.length === 0) return 'empty address';
  if (address.length > 254) return 'address is longer than 254 characters';
  if (/\s/.test(address)) return 'address contains whitespace';
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return 'not an email address (expected name@domain)';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64) return 'the part before "@" is longer than 64 characters';
  if (!LOCAL.test(local)) return `"${local}" is not a valid mailbox name`;
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((l) => !LABEL.test(l))) return `"${domain}" is not a valid domain`;
  const tld = labels[labels.length - 1]!;
  if (/^\d+$/.test(tld)) return `"${domain}" is not a valid domain`;
  return null;
}

/**
 * The identity of a reader for dedupe, the ledger and suppression. The whole
 * address is lowercased: local parts are case-sensitive in theory, but no real
 * mailbox provider treats them so, and "Bob@x" and "bob@x" on one list are the
 * same person who must not get two copies.
 */
export function addressKey(address: string): string {
  return address.trim().toLowerCase();
}

/** The domain part, lowercased (for Message-ID and List-Id). */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
