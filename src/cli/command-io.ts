/**
 * What a command may touch besides its options: its output streams, its
 * input (a confirmation question reads it), its environment (secrets, the
 * transport, BRIEFWIRE_NOW for the clock) and the user's requests to stop.
 * src/cli.ts hands every command the process's own; a test hands it buffers
 * and an environment of its own, and calls the command in-process.
 */
import { printProblems } from '../util/print-problems.js';
import type { Problem } from '../problems.js';

export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Read only to ask for a confirmation, and only when it is a terminal. */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Calls `handler` on each request to stop (Ctrl-C, SIGTERM) until the returned function is called. */
  onInterrupt(handler: (signal: NodeJS.Signals) => void): () => void;
}

/** The exit code of a command stopped by the user (128 + SIGINT), as shells report it. */
export const INTERRUPTED = 130;

/** Problems on the command's stderr, as every command prints them. */
export function reportProblems(io: CommandIo, problems: readonly Problem[], limit?: number): void {
  printProblems(problems, { stream: io.stderr, ...(limit !== undefined ? { limit } : {}) });
}

/** Resolves at the first request to stop: a server runs until then. */
export function untilInterrupted(io: CommandIo): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const off = io.onInterrupt((signal) => {
      off();
      resolve(signal);
    });
  });
}
