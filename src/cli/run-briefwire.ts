/**
 * The `briefwire` command line as a function: arguments in, exit code out
 * (0 success, 1 content/template/send errors, 2 bad usage, 130 interrupted).
 * Each subcommand lives in src/cli/<name>-command.ts: a `run<Command>(options,
 * io)` function and the cac registration that maps parsed flags to its typed
 * options. src/cli.ts calls this with the process's argv and output.
 */
import { cac, type CAC } from 'cac';
import { UsageError } from './usage-error.js';
import { nearest } from '../content/suggest.js';
import { redactSecrets } from '../util/redact.js';
import { reportProblems, type CommandIo } from './command-io.js';
import type { Problem } from '../problems.js';

type Register = (cli: CAC, io: CommandIo) => void;

/**
 * Each command's module, loaded only when it runs: `build` should not pay
 * for loading the sender, the SES client or the preview server (together
 * about a second of start-up). In the order `--help` lists them.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  build: async () => (await import('./build-command.js')).registerBuild,
  preview: async () => (await import('./preview-command.js')).registerPreview,
  send: async () => (await import('./send-command.js')).registerSend,
  schedule: async () => (await import('./schedule-command.js')).registerSchedule,
  skip: async () => (await import('./skip-command.js')).registerSkip,
  serve: async () => (await import('./serve-command.js')).registerServe,
  new: async () => (await import('./new-command.js')).registerNew,
  check: async () => (await import('./check-command.js')).registerCheck,
  bounces: async () => (await import('./bounces-command.js')).registerBounces,
  subscribers: async () => (await import('./subscribers-command.js')).registerSubscribers,
  state: async () => (await import('./state-command.js')).registerState,
  report: async () => (await import('./report-command.js')).registerReport,
};

/** The named command alone, or every command when none is named (help, a typo, an option first). */
async function registerCommands(cli: CAC, argv: readonly string[], io: CommandIo): Promise<void> {
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const names = name !== undefined && Object.hasOwn(COMMANDS, name) ? [name] : Object.keys(COMMANDS);
  const registers = await Promise.all(names.map((n) => COMMANDS[n]!()));
  for (const register of registers) register(cli, io);
}

/** ': did you mean "--out"?' for cac's "Unknown option `--otu`", from the options of the command given (and the global ones). */
function optionGuess(cli: CAC, message: string): string {
  const unknown = /^Unknown option `(-{1,2}[^`]+)`/.exec(message)?.[1];
  if (!unknown) return '';
  const options = [...(cli.matchedCommand?.options ?? []), ...cli.globalCommand.options].flatMap((o) => o.rawName.split(',').map((n) => n.trim().split(/[\s<[]/)[0]!));
  const guess = nearest(unknown, options);
  return guess ? `: did you mean "${guess}"?` : '';
}

/** `argv` as process.argv has it (node, script, then the arguments). */
export async function runBriefwire(argv: readonly string[], io: CommandIo): Promise<number> {
  const cli = cac('briefwire');
  cli.help();
  cli.version('0.1.0');
  try {
    await registerCommands(cli, argv, io);
    // cac prints help and the version with console.log; they are the process's own output.
    cli.parse([...argv], { run: false });
    if (!cli.matchedCommand) {
      if (cli.options['help'] || cli.options['version']) return 0;
      const name = cli.args[0];
      const guess = name ? nearest(name, cli.commands.map((c) => c.name).filter(Boolean)) : undefined;
      io.stderr.write(name ? `briefwire: unknown command "${name}"${guess ? `: did you mean "${guess}"?` : ''}\n` : 'briefwire: no command given\n');
      io.stderr.write('Run "briefwire --help" for the list of commands.\n');
      return 2;
    }
    if (cli.options['help']) return 0;
    const code = await cli.runMatchedCommand();
    return typeof code === 'number' ? code : 0;
  } catch (err) {
    if (err instanceof UsageError && err.problem) {
      reportProblems(io, [err.problem]);
      return 2;
    }
    if (err instanceof UsageError || (err instanceof Error && err.name === 'CACError')) {
      io.stderr.write(`briefwire: ${err.message}${optionGuess(cli, err.message)}\n`);
      return 2;
    }
    // The state database failing mid-command (it went away, it refused): a coded problem, no stack.
    // (Recognised by name: importing the class would load the database driver for every command.)
    if (err instanceof Error && err.name === 'DatabaseError' && 'problem' in err) {
      reportProblems(io, [err.problem as Problem]);
      return 1;
    }
    // An unexpected failure is a bug in briefwire, not in the content: show the stack, minus
    // any secret from the environment it might quote (a URL with a password, the signing key).
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    io.stderr.write(`briefwire: internal error\n${redactSecrets(detail, io.env)}\n`);
    return 1;
  }
}
