/**
 * Keeps secrets out of what reaches a terminal or a log. Lives below every
 * layer because the sender (SMTP errors) and the CLI (internal-error stacks)
 * both scrub text with it.
 */

/** A scrubber for one SMTP URL: its password in every form it may be echoed in (raw, decoded, base64 AUTH). */
export function redactor(raw: string): (text: string) => string {
  const secrets = new Set<string>();
  try {
    const url = new URL(raw.trim());
    const user = safeDecode(url.username);
    const pass = safeDecode(url.password);
    if (url.password) {
      secrets.add(url.password);
      secrets.add(pass);
      // AUTH PLAIN / LOGIN put these on the wire base64-encoded; cover server echoes of them too.
      secrets.add(Buffer.from(pass).toString('base64'));
      secrets.add(Buffer.from(`\0${user}\0${pass}`).toString('base64'));
    }
  } catch {
    // unparsable: the whole value is the secret
  }
  secrets.add(raw.trim());
  const list = [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = String(text);
    for (const s of list) out = out.split(s).join('***');
    // Any other URL with inline credentials (e.g. quoted back by a library) loses its password too.
    return out.replace(/\b((?:smtps?|postgres(?:ql)?):\/\/[^:@/\s]*):[^@\s]*@/gi, '$1:***@');
  };
}

/**
 * Scrubs the secrets the environment holds from text bound for a terminal or a
 * log (a stack trace, say): SMTP_URL's and DATABASE_URL's credentials in every
 * form `redact` covers, the password of any other smtp(s):// or postgres:// URL, and the values of
 * UNSUBSCRIBE_SECRET, WEBHOOK_SECRET and the AWS secret key and session token.
 */
export function redactSecrets(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = String(text);
  for (const name of ['UNSUBSCRIBE_SECRET', 'WEBHOOK_SECRET', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
    const secret = env[name];
    for (const s of new Set([secret, secret?.trim()])) if (s && s.length >= 3) out = out.split(s).join('***');
  }
  return redactor(env['DATABASE_URL'] ?? '')(redactor(env['SMTP_URL'] ?? '')(out));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
