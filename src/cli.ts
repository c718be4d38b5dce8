#!/usr/bin/env node
/**
 * The `briefwire` command line. Each subcommand lives in src/cli/<name>-command.ts
 * and registers itself on the shared cac instance; this file only wires them
 * and maps outcomes to exit codes: 0 success, 1 content/template/send errors,
 * 2 bad usage.
 */
import { cac } from 'cac';
import { UsageError } from './cli/usage-error.js';
import { registerBuild } from './cli/build-command.js';
import { registerPreview } from './cli/preview-command.js';
import { registerSend } from './cli/send-command.js';
import { registerSchedule } from './cli/schedule-command.js';
import { registerServe } from './cli/serve-command.js';
import { registerNew } from './cli/new-command.js';
import { registerSkip } from './cli/skip-command.js';
import { registerCheck } from './cli/check-command.js';
import { registerBounces } from './cli/bounces-command.js';
import { registerSubscribers } from './cli/subscribers-command.js';
import { redactSecrets } from './util/redact.js';
import { dropOutputWhenClosed } from './cli/closed-output.js';

dropOutputWhenClosed(process.stdout);
dropOutputWhenClosed(process.stderr);

const cli = cac('briefwire');

registerBuild(cli);
registerPreview(cli);
registerSend(cli);
registerSchedule(cli);
registerSkip(cli);
registerServe(cli);
registerNew(cli);
registerCheck(cli);
registerBounces(cli);
registerSubscribers(cli);

cli.help();
cli.version('0.1.0');

async function main(argv: string[]): Promise<number> {
  try {
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
    // An unexpected failure is a bug in briefwire, not in the content: show the stack, minus
    // any secret from the environment it might quote (a URL with a password, the signing key).
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`briefwire: internal error\n${redactSecrets(detail)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv);
