/** Runs the compiled CLI (the suite's global setup compiles src/ first) as a user would, capturing its output and exit code. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const CLI = path.resolve('dist/cli.js');

export interface CliResult {
  code: number | null;
  /** The signal that ended the process, if one did (null after a normal exit). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Start from an environment holding only PATH and HOME (plus `env`), so settings in the
   * developer's shell (SMTP_URL, UNSUBSCRIBE_SECRET, DKIM_*, BRIEFWIRE_NOW) cannot leak in.
   */
  cleanEnv?: boolean;
  /** Options for node itself, before the script (e.g. `--import` a preload). */
  nodeArgs?: string[];
}

/** Starts the CLI; `done` resolves when it has exited and its output is complete. */
export function startCli(args: string[], opts: CliOptions = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const base: NodeJS.ProcessEnv = opts.cleanEnv ? { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '' } : process.env;
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), CLI, ...args], {
    cwd: opts.cwd ?? process.cwd(),
    env: { ...base, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return startCli(args, opts).done;
}

/** The URL `briefwire serve` (or preview) prints once it listens ("... on http://127.0.0.1:PORT ..."). */
export function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /on (http:\/\/\S+) /.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', () => reject(new Error(`exited early: ${out}`)));
  });
}
