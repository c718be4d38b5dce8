/**
 * `briefwire state export --to DIR` and `state import --from DIR`: a
 * consistent snapshot of the current backend written in the files format,
 * and a files state (or an export) loaded into the current backend by the
 * rules of deliver/store/state-snapshot.ts (an import never un-suppresses).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readFilesSnapshot, writeFilesSnapshot } from '../deliver/store/files-snapshot.js';
import { planImport, type ImportReport, type StateSnapshot, type Tally } from '../deliver/store/state-snapshot.js';
import { reportProblems, type CommandIo } from './command-io.js';
import { requireDir } from './options.js';
import { UsageError } from './usage-error.js';
import { withState } from './with-state.js';

export async function runExport({ state: stateDir, to }: { state: string; to: string }, io: CommandIo): Promise<number> {
  const entries = await readdir(to).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
  if (entries.length > 0) throw new UsageError(`state export --to ${to}: the directory is not empty; export into a new one`);
  return withState(stateDir, async (store) => {
    const { snapshot, problems } = await store.snapshot();
    reportProblems(io, problems);
    if (problems.some((p) => p.severity === 'error')) return 1;
    await writeFilesSnapshot(to, snapshot, new Date());
    io.stdout.write(`Exported ${store.where} to ${to}: ${describe(snapshot)}.\n`);
    return 0;
  }, {}, io.env);
}

export async function runImport({ state: stateDir, from }: { state: string; from: string }, io: CommandIo): Promise<number> {
  await requireDir(from, 'state import --from');
  return withState(stateDir, async (store) => {
    if (store.kind === 'files' && path.resolve(store.where) === path.resolve(from)) throw new UsageError('state import --from names the state directory itself');
    const source = await readFilesSnapshot(from);
    reportProblems(io, source.problems);
    if (source.problems.some((p) => p.severity === 'error')) return 1;
    const target = await store.snapshot();
    reportProblems(io, target.problems);
    if (target.problems.some((p) => p.severity === 'error')) return 1;
    const { report, ...plan } = planImport(source.snapshot, target.snapshot);
    await store.applyImport(plan, new Date());
    io.stdout.write(`Imported ${from} into ${store.where}:\n${formatReport(report)}`);
    return 0;
  }, {}, io.env);
}

function describe(s: StateSnapshot): string {
  const deliveries = [...s.sends.values()].reduce((n, l) => n + l.states.size, 0);
  return `${s.suppressions.length} suppression records, ${s.subscribers.length} subscriber records, ${s.feedback.length} bounces and complaints, ${s.slots.length} slot records, ${s.sends.size} editions' ledgers (${deliveries} recipients)`;
}

export function formatReport(r: ImportReport): string {
  const line = (label: string, t: Tally, extra = ''): string => `  ${label}: ${t.added} added, ${t.present} already present${extra}\n`;
  return (
    line('suppressions', r.suppressions, `, ${r.suppressions.keptSuppressed} kept suppressed`) +
    line('subscriber records', r.subscribers) +
    line('bounces and complaints', r.feedback) +
    line('slot records', r.slots) +
    line('ledger entries', r.deliveries)
  );
}
