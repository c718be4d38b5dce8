/** Runs the compiled CLI (the suite's global setup compiles src/ first) as a user would, capturing its output and exit code. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { CommandIo } from '../../src/cli/command-io.js';
import { runBriefwire } from '../../src/cli/run-briefwire.js';

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

/** A stream that keeps what is written to it. */
function recorder(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/**
 * Runs a command in this process, as src/cli.ts would but with buffers for
 * its output, no terminal, no signals and only `env` (plus PATH and HOME) in
 * its environment. For every test whose subject is not the process itself
 * (exit on a signal, a crash, stdin, the help that cac prints with
 * console.log): it is many times faster than starting node.
 */
export async function runInProcess(args: string[], opts: { env?: NodeJS.ProcessEnv; terminalInput?: string } = {}): Promise<CliResult> {
  const stdout = recorder();
  const stderr = recorder();
  // `terminalInput`: what a person types at a terminal (a confirmation's answer).
  const stdin = opts.terminalInput === undefined ? Readable.from([]) : Object.assign(Readable.from([opts.terminalInput]), { isTTY: true });
  const io: CommandIo = {
    stdout: stdout.stream,
    stderr: stderr.stream,
    stdin,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...opts.env },
    onInterrupt: () => () => undefined,
  };
  const code = await runBriefwire([process.execPath, CLI, ...args], io);
  // Piped output (subscribers --csv) may still be on its way through the pipe.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, signal: null, stdout: stdout.text(), stderr: stderr.text() };
}
