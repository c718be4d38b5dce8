/**
 * What both send benchmarks (SMTP and SES) send: a built edition about the
 * size of a real one, a sender identity, and 10,000 generated readers in a
 * CSV, with the per-recipient message the plain arms send without a ledger.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SendMailOptions, Transporter } from 'nodemailer';
import { UNSUBSCRIBE_URL_PLACEHOLDER } from '../src/render/placeholders.js';
import { builtEditionDir, EDITION_JSON, EDITION_JSON_VERSION, EMAIL_HTML, EMAIL_TEXT, serializeEditionJson } from '../src/render/out-layout.js';
import { loadEdition, type EditionFiles } from '../src/deliver/send/built-editions.js';
import { buildMessage, prepareEdition, senderIdentity, type SenderIdentity } from '../src/deliver/send/message.js';
import { createUnsubscribeToken, messageIdHash } from '../src/deliver/audience/unsubscribe-token.js';

export const SEND_RECIPIENTS = Number(process.env['BENCH_SEND_RECIPIENTS'] ?? 10_000);
/** Connections (SMTP) or requests in flight (SES). */
export const SEND_CONNECTIONS = 5;
const SECRET = 'bench-secret-0123456789abcdef';
const DATE = '2026-01-26';

/** The sender every arm sends as. */
export function benchSender(): SenderIdentity {
  const identity = senderIdentity(
    { name: 'AI Cloud Weekly', from: 'AI Cloud Weekly <brief@aicloudweekly.example>', baseUrl: 'https://aicloudweekly.example', timezone: 'Asia/Shanghai', language: 'en-GB' },
    'newsletter.yml',
  );
  if (!identity.ok) throw new Error('sender');
  return identity.value;
}

/** The built edition in a fixture's folder, as the sender loads it. */
export async function loadBenchEdition(work: string): Promise<EditionFiles> {
  const loaded = await loadEdition(path.join(work, 'out'), DATE);
  if (!loaded.ok) throw new Error(loaded.problems.map((p) => p.message).join('; '));
  return loaded.value;
}

export interface BenchRecipient {
  address: string;
  name: string;
}

export interface SendFixture {
  work: string;
  date: string;
  secret: string;
  editionFiles: EditionFiles;
  sender: SenderIdentity;
  recipients: BenchRecipient[];
  /** The recipients as a subscriber CSV. */
  csv: string;
  messageFor(r: BenchRecipient, date: Date): SendMailOptions;
  cleanUp(): Promise<void>;
}

/** Sends the fixture's messages through `transporter`, SEND_CONNECTIONS in flight, no state; the milliseconds it took. */
export async function sendPlain(fixture: SendFixture, transporter: Transporter): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SEND_CONNECTIONS }, async () => {
      while (next < fixture.recipients.length) {
        const r = fixture.recipients[next++]!;
        await transporter.sendMail(fixture.messageFor(r, new Date()));
      }
    }),
  );
  return performance.now() - started;
}

/** Messages per second. */
export const benchRate = (count: number, ms: number): number => count / (ms / 1000);

export async function prepareSendFixture(prefix: string): Promise<SendFixture> {
  const work = await mkdtemp(path.join(os.tmpdir(), prefix));
  await writeBenchEdition(path.join(work, 'out'));
  const editionFiles = await loadBenchEdition(work);
  const edition = prepareEdition(editionFiles);
  const sender = benchSender();
  const recipients = Array.from({ length: SEND_RECIPIENTS }, (_, i) => ({ address: `reader${String(i).padStart(6, '0')}@readers.example`, name: `Reader ${i}` }));
  const csv = path.join(work, 'subscribers.csv');
  await writeFile(csv, 'email,name\n' + recipients.map((r) => `${r.address},${r.name}`).join('\n') + '\n');
  return {
    work,
    date: DATE,
    secret: SECRET,
    editionFiles,
    sender,
    recipients,
    csv,
    messageFor: (r, date) =>
      buildMessage({ edition, sender, recipient: r, token: createUnsubscribeToken(r.address, SECRET), messageIdHash: messageIdHash(DATE, r.address, SECRET), date }),
    cleanUp: () => rm(work, { recursive: true, force: true }),
  };
}

/** An edition about the size of a real one (~45 KB HTML, ~6 KB text). */
async function writeBenchEdition(outDir: string): Promise<void> {
  const dir = builtEditionDir(outDir, DATE);
  await mkdir(dir, { recursive: true });
  const para =
    '<tr><td style="padding:8px 24px;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.6;color:#24292f;">' +
    'Alibaba Cloud’s share of China’s AI cloud market rose to <strong>38.1%</strong> in Omdia’s full-year count, up 2.3 pp. </td></tr>\n';
  const html = `<!doctype html><html><body><table>${para.repeat(170)}<tr><td><a href="${UNSUBSCRIBE_URL_PLACEHOLDER}">Unsubscribe</a></td></tr></table></body></html>\n`;
  const text = `${'Alibaba Cloud’s share of China’s AI cloud market rose to 38.1% in Omdia’s full-year count.\n'.repeat(65)}\nUnsubscribe: ${UNSUBSCRIBE_URL_PLACEHOLDER}\n`;
  await writeFile(path.join(dir, EMAIL_HTML), html);
  await writeFile(path.join(dir, EMAIL_TEXT), text);
  await writeFile(
    path.join(dir, EDITION_JSON),
    // The sender reads edition.json through its schema, so the bench writes a whole one (without metrics: it only sends).
    serializeEditionJson({
      version: EDITION_JSON_VERSION,
      date: DATE,
      number: 1,
      title: 'Bench',
      subject: 'Alibaba Cloud share +2.3 pp — AI Cloud Weekly',
      preheader: 'Bench',
      summary: null,
      slug: null,
      url: `https://bench.example/editions/${DATE}/`,
      previousDate: null,
      nextDate: null,
      source: 'bench',
      htmlBytes: Buffer.byteLength(html),
      sections: [],
      metrics: [],
      movers: [],
      projections: [],
    }),
  );
}
