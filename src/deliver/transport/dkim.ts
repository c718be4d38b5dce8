/**
 * DKIM signing settings from the environment, for whichever transport signs
 * (nodemailer signs before SMTP or SES sees the message), and the DMARC
 * alignment check of the signing domain against the From domain.
 */
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DKIMOptions } from 'nodemailer';
import { error, fail, ok, warning, type Problem, type Result } from '../../problems.js';
import { DkimIncomplete, DkimKeyInvalid, DkimKeyMissing, DkimMisaligned } from '../../problem-catalogue.js';

/**
 * nodemailer signs this list by default minus List-Unsubscribe-Post; RFC 8058
 * requires both List-Unsubscribe and List-Unsubscribe-Post to be covered by the
 * DKIM signature for one-click to be honoured (Gmail and Yahoo check).
 */
export const DKIM_SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version', 'Content-Type',
  'Content-Transfer-Encoding', 'Content-ID', 'Content-Description', 'In-Reply-To', 'References',
  'List-Id', 'List-Help', 'List-Unsubscribe', 'List-Unsubscribe-Post', 'List-Subscribe', 'List-Post', 'List-Owner', 'List-Archive',
].join(':');

/** DKIM from DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY_FILE: all three or none. */
export async function dkimFromEnv(env: NodeJS.ProcessEnv): Promise<Result<DKIMOptions | undefined>> {
  const names = ['DKIM_DOMAIN', 'DKIM_SELECTOR', 'DKIM_PRIVATE_KEY_FILE'] as const;
  const set = names.filter((n) => env[n]?.trim());
  if (set.length === 0) return ok(undefined);
  if (set.length < names.length) {
    const missing = names.filter((n) => !set.includes(n));
    return fail([error(missing[0]!, DkimIncomplete, [names.join(', '), missing.join(', ')])]);
  }
  const keyFile = env['DKIM_PRIVATE_KEY_FILE']!.trim();
  let privateKey: string;
  try {
    privateKey = await readFile(keyFile, 'utf8');
    createPrivateKey(privateKey); // fail now, not on the first message
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail([code === 'ENOENT' ? error(keyFile, DkimKeyMissing) : error(keyFile, DkimKeyInvalid)]);
  }
  return ok({
    domainName: env['DKIM_DOMAIN']!.trim(),
    keySelector: env['DKIM_SELECTOR']!.trim(),
    privateKey,
    headerFieldNames: DKIM_SIGNED_HEADERS,
  });
}

/**
 * DMARC only counts a DKIM pass whose d= aligns with the From domain (relaxed
 * alignment: the same domain, or one a subdomain of the other). A misaligned
 * key still signs, so this is a warning for the operator, not an error.
 */
export function dkimAlignmentProblem(dkim: DKIMOptions, fromDomain: string): Problem | null {
  const d = String(dkim.domainName ?? '').toLowerCase();
  const from = fromDomain.toLowerCase();
  if (from === d || from.endsWith(`.${d}`) || d.endsWith(`.${from}`)) return null;
  return warning('DKIM_DOMAIN', DkimMisaligned, [d, from]);
}
