/**
 * What `briefwire check` last printed as its email client report, so the next
 * run prints it again only when something in it changed. One small file in
 * the state directory, `check-compat.json`: the report's digest and the day
 * it was printed. It is this working copy's memory, not shared state, so it
 * is a file whichever store holds the sends. Losing it costs one report
 * printed again; failing to write it costs the same, so neither is an error.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const COMPAT_MEMORY_FILE = 'check-compat.json';

export interface LastCompatReport {
  digest: string;
  /** YYYY-MM-DD, the day it was printed. */
  reportedOn: string;
}

export async function lastCompatReport(stateDir: string): Promise<LastCompatReport | undefined> {
  try {
    const value = JSON.parse(await readFile(path.join(stateDir, COMPAT_MEMORY_FILE), 'utf8')) as Partial<LastCompatReport> | null;
    return typeof value?.digest === 'string' && typeof value.reportedOn === 'string' ? { digest: value.digest, reportedOn: value.reportedOn } : undefined;
  } catch {
    return undefined;
  }
}

export async function rememberCompatReport(stateDir: string, report: LastCompatReport): Promise<void> {
  const file = path.join(stateDir, COMPAT_MEMORY_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(stateDir, { recursive: true });
    await writeFile(temp, `${JSON.stringify(report)}\n`);
    await rename(temp, file);
  } catch {
    // A read-only checkout prints the report every run, as before; nothing is lost.
  }
}
