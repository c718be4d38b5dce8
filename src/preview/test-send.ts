/**
 * The preview's "Send a test" button: mails the edition on screen, as
 * rendered right now, to the address given with `briefwire preview
 * --test-to`, through deliverTestCopy, the function behind `send --to`.
 */
import { escapeHtml } from '../util/escape.js';
import { deliverTestCopy } from '../deliver/send/test-copy.js';
import { senderIdentity } from '../deliver/send/message.js';
import type { PreviewState } from './state.js';

export interface PreviewTestSend {
  to: string;
  /** Where the mail transport settings (SMTP_URL or MAIL_TRANSPORT=ses) and UNSUBSCRIBE_SECRET come from. */
  env: NodeJS.ProcessEnv;
  /** For messages about the sender settings. */
  newsletterFile: string;
}

export async function sendTestOfRendered(t: PreviewTestSend, state: PreviewState, date: string): Promise<{ status: number; html: string }> {
  const rendered = state.rendered(date);
  const newsletter = state.newsletterConfig;
  const back = `<p><a href="/editions/${date}/">Back to the edition</a></p>`;
  const page = (status: number, title: string, body: string) => ({
    status,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}${back}</body></html>\n`,
  });
  if (!rendered || !newsletter) return page(409, 'Not sent', `<p>Edition ${escapeHtml(date)} has not rendered; fix the problems shown in the preview first.</p>`);
  const sender = senderIdentity(newsletter, t.newsletterFile);
  if (!sender.ok) return page(409, 'Not sent', problemList(sender.problems));
  const e = rendered.edition;
  const sent = await deliverTestCopy({
    env: t.env,
    edition: { date: e.date, dir: '', number: e.number, title: e.title, subject: e.subject, html: rendered.email.html, text: rendered.email.text },
    sender: sender.value,
    to: t.to,
    now: new Date(),
  });
  if (!sent.ok) return page(502, 'Not sent', problemList(sent.problems));
  return page(200, 'Test sent', `<p id="test-sent">Sent a test copy of ${escapeHtml(date)} to ${escapeHtml(t.to)}: ${escapeHtml(sent.value)}</p>`);
}

function problemList(problems: readonly { file: string; message: string }[]): string {
  return `<ul>${problems.map((p) => `<li>${escapeHtml(p.file)}: ${escapeHtml(p.message)}</li>`).join('')}</ul>`;
}
