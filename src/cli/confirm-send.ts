/**
 * The question before a send reaches a whole list. A person at a terminal sees
 * what is about to happen (edition, subject, how many readers, how many
 * suppressed, which SMTP server) and answers; a script or cron has nobody to
 * answer, so it must say `--yes` (or `--due`, where the schedule is the
 * confirmation) or the send stops before anything is sent or recorded.
 */
import { createInterface } from 'node:readline/promises';
import { formatReasons, type SuppressionReason } from '../deliver/audience/suppression.js';

export interface SendPreview {
  date: string;
  number: number | null;
  subject: string;
  toSend: number;
  total: number;
  suppressed: number;
  /** The suppressed count per reason (unsubscribed, hard-bounce, ...). */
  suppressedBy?: Partial<Record<SuppressionReason, number>>;
  alreadySent: number;
  smtp: string;
  /** Where the recipients come from, as the reader should see it. */
  subscribersFile: string;
}

export function describeSend(p: SendPreview): string {
  return (
    `Edition    ${p.date}${p.number !== null ? ` (#${p.number})` : ''}\n` +
    `Subject    ${p.subject}\n` +
    `Recipients ${p.toSend} to send, of ${p.total} in ${p.subscribersFile} (${formatReasons(p.suppressed, p.suppressedBy ?? {})} suppressed, ${p.alreadySent} already sent)\n` +
    `SMTP       ${p.smtp}\n`
  );
}

export type Confirmation = 'yes' | 'no' | 'no-terminal';

/** Asks on `input`/`output` when `input` is a terminal; otherwise answers "no-terminal" without reading. */
export async function askToSend(
  preview: SendPreview,
  io: { input: NodeJS.ReadableStream & { isTTY?: boolean }; output: NodeJS.WritableStream } = { input: process.stdin, output: process.stderr },
): Promise<Confirmation> {
  if (!io.input.isTTY) return 'no-terminal';
  io.output.write(describeSend(preview));
  const rl = createInterface({ input: io.input, output: io.output });
  try {
    const answer = await rl.question(`Send edition ${preview.date} to ${preview.toSend} recipient${preview.toSend === 1 ? '' : 's'} now? [y/N] `);
    return /^(y|yes)$/i.test(answer.trim()) ? 'yes' : 'no';
  } finally {
    rl.close();
  }
}
