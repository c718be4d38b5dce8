#!/usr/bin/env node
/**
 * The `briefwire` executable: the one module that touches the process. It
 * hands the commands (src/cli/run-briefwire.ts) the arguments, the output
 * streams, the environment and the stop signals, and sets the exit code.
 */
import { dropOutputWhenClosed } from './cli/closed-output.js';
import { INTERRUPTED, type CommandIo } from './cli/command-io.js';
import { runBriefwire } from './cli/run-briefwire.js';
import { enableCompileCache } from './cli/compile-cache.js';

// Before any command's modules load: they are most of what a command compiles.
enableCompileCache();
dropOutputWhenClosed(process.stdout);
dropOutputWhenClosed(process.stderr);

const io: CommandIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  onInterrupt(handler) {
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    };
  },
};

process.exitCode = await runBriefwire(process.argv, io);
// A command stopped by the user has recorded what it must; work it left behind (messages
// in flight at a second Ctrl-C) is not waited for: they read as unknown outcomes next run.
if (process.exitCode === INTERRUPTED) process.exit();
