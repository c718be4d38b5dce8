/**
 * V8's module compile cache (Node 22.1 and later): the compiled code of
 * every module loaded is kept on disk and reused by the next process while
 * the module's text is unchanged. Every command is a fresh process that
 * loads the same code, so this lowers the floor each of them pays. Node 20
 * has no such API: there this does nothing.
 *
 * The cache lives where Node puts it by default (the system temp directory)
 * unless NODE_COMPILE_CACHE names one; NODE_DISABLE_COMPILE_CACHE=1 turns it
 * off. It is an optimisation Node never lets fail: when it cannot be
 * enabled, the command runs as without it.
 */
import module from 'node:module';

/** The API as Node 22.1+ has it; the project's @types/node describe Node 20, the oldest runtime it supports. */
type EnableCompileCache = () => { status: number; directory?: string; message?: string };

/** Turns the cache on where the runtime has it; returns its directory, or undefined where it is off or absent. */
export function enableCompileCache(): string | undefined {
  const enable = (module as unknown as { enableCompileCache?: EnableCompileCache }).enableCompileCache;
  if (typeof enable !== 'function') return undefined;
  const { directory } = enable();
  // Worker threads (the MJML compiler, the file writer) do not share the main thread's setting;
  // they take it from the environment they are started with, which is a copy of this one.
  if (directory && process.env['NODE_COMPILE_CACHE'] === undefined) process.env['NODE_COMPILE_CACHE'] = directory;
  return directory;
}
