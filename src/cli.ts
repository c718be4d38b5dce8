#!/usr/bin/env node
/**
 * The `briefwire` command line. Each subcommand lives in src/cli/<name>-command.ts
 * and registers itself on the shared cac instance; this file only wires them
 * and maps outcomes to exit codes: 0 success, 1 content/template/send errors,
 * 2 bad usage.
 */
import { cac, type CAC } from 'cac';
import { UsageError } from './cli/usage-error.js';
import { redactSecrets } from './util/redact.js';
import { printProblems } from './util/print-problems.js';
import type { Problem } from './problems.js';
import { dropOutputWhenClosed } from './cli/closed-output.js';
import { enableCompileCache } from './cli/compile-cache.js';

// Before any command's modules load: they are most of what a command compiles.
enableCompileCache();
dropOutputWhenClosed(process.stdout);
dropOutputWhenClosed(process.stderr);

type Register = (cli: CAC) => void;

/**
 * Each command's module, loaded only when it runs: `build` should not pay
 * for loading the sender, the SES client or the preview server (together
 * about a second of start-up). In the order `--help` lists them.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  build: async () => (await import('./cli/build-command.js')).registerBuild,
  preview: async () => (await import('./cli/preview-command.js')).registerPreview,
  send: async () => (await import('./cli/send-command.js')).registerSend,
  schedule: async () => (await import('./cli/schedule-command.js')).registerSchedule,
  skip: async () => (await import('./cli/skip-command.js')).registerSkip,
  serve: async () => (await import('./cli/serve-command.js')).registerServe,
  new: async () => (await import('./cli/new-command.js')).registerNew,
  check: async () => (await import('./cli/check-command.js')).registerCheck,
  bounces: async () => (await import('./cli/bounces-command.js')).registerBounces,
  subscribers: async () => (await import('./cli/subscribers-command.js')).registerSubscribers,
  state: async () => (await import('./cli/state-command.js')).registerState,
};

const cli = cac('briefwire');

/** The named command alone, or every command when none is named (help, a typo, an option first). */
async function registerCommands(argv: readonly string[]): Promise<void> {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const names = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  const registers = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const register of registers) register(cli);
}

cli.help();
cli.version('0.1.0');

async function main(argv: string[]): Promise<number> {
  try {
    await registerCommands(argv);
    cli.parse(argv, { run: false });
    if (!cli.matchedCommand) {
      if (cli.options['help'] || cli.options['version']) return 0;
      const name = cli.args[0];
      process.stderr.write(
        name ? `briefwire: unknown command "${name}"\n` : 'briefwire: no command given\n',
      );
      process.stderr.write('Run "briefwire --help" for the list of commands.\n');
      return 2;
    }
    if (cli.options['help']) return 0;
    const code = await cli.runMatchedCommand();
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && err.name === 'CACError')) {
      process.stderr.write(`briefwire: ${err.message}\n`);
      return 2;
    }
    // The state database failing mid-command (it went away, it refused): a coded problem, no stack.
    // (Recognised by name: importing the class would load the database driver for every command.)
    if (err instanceof Error && err.name === 'DatabaseError' && 'problem' in err) {
      printProblems([err.problem as Problem]);
      return 1;
    }
    // An unexpected failure is a bug in briefwire, not in the content: show the stack, minus
    // any secret from the environment it might quote (a URL with a password, the signing key).
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`briefwire: internal error\n${redactSecrets(detail)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
