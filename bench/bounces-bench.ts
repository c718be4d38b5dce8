/**
 * `npm run bench bounces`: the bounce classifier against sisimai's public
 * corpus and expectations (bench/bounce-corpus-score.ts), with every message
 * decided differently listed, and how fast it classifies.
 */
import { performance } from 'node:perf_hooks';
import { percent, scoreCorpus, type Figure } from './bounce-corpus-score.js';

const REQUIRED: Record<string, number> = { hard: 95, complaints: 95, soft: 95, recipients: 98 };

function line(name: string, f: Figure, what: string): string {
  const need = REQUIRED[name];
  const pct = percent(f);
  const verdict = need === undefined ? '' : pct >= need ? `  (required >= ${need}%: met)` : `  (required >= ${need}%: NOT MET)`;
  return `  ${name.padEnd(11)} ${String(f.met).padStart(4)} / ${String(f.total).padEnd(4)} ${pct.toFixed(1).padStart(5)}%  ${what}${verdict}`;
}

export async function runBouncesBench(): Promise<void> {
  const started = performance.now();
  const s = await scoreCorpus();
  const ms = performance.now() - started;
  console.log(`bounces: sisimai corpus, ${s.files} messages with an expectation (test/fixtures/bounces/sisimai)`);
  console.log(line('hard', s.hard, 'hard bounces decided "hard"'));
  console.log(line('complaints', s.complaints, 'complaints decided "complaint" (DMARC/auth-failure reports excluded: ignored by design)'));
  console.log(line('soft', s.soft, 'other failures kept out of "hard"'));
  console.log(line('recipients', s.recipients, 'rows whose recipient was found (an address written in the message)'));
  console.log(line('reason', s.sameReason, 'same reason as sisimai (information: the verdict is what acts)'));
  console.log(`  crashes     ${s.crashes.length}${s.crashes.length ? `: ${s.crashes.join('; ')}` : ''}`);
  console.log(`  speed       ${(s.files / (ms / 1000)).toFixed(0)} messages/s (${ms.toFixed(0)} ms for ${s.files}, parsing with mailparser included)`);
  console.log(`misclassified or missed (${s.misses.length}):`);
  for (const m of s.misses) console.log(`  ${m.figure.padEnd(10)} ${m.file.padEnd(30)} #${m.index}  expected ${m.expected}; got ${m.got.slice(0, 120)}`);
}
