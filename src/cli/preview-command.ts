import { spawn } from 'node:child_process';
import type { CAC } from 'cac';
import { DIR_DEFAULTS, optionalText, parsePort, requireDir, textOption } from './options.js';
import { reportProblems, untilInterrupted, type CommandIo } from './command-io.js';
import { listenProblem } from '../util/listen-problem.js';
import { startPreview } from '../preview/server.js';
import path from 'node:path';
import { NEWSLETTER_FILE } from '../content/load.js';
import { addressProblem } from '../deliver/audience/address.js';
import { UsageError } from './usage-error.js';

export interface PreviewCommandOptions {
  /** 0 lets the system pick a free port. */
  port: number;
  host: string;
  contentDir: string;
  templatesDir: string;
  open: boolean;
  /** Where "Send a test" mails the edition on screen; no button without it. */
  testTo?: string | undefined;
}

export function registerPreview(cli: CAC, io: CommandIo): void {
  cli
    .command('preview', 'Serve a live preview of every edition; saving a brief, metrics.yml, newsletter.yml or a template updates open pages')
    .option('--port <port>', 'Port to listen on (0 picks a free one)', { default: 4000 })
    .option('--host <host>', 'Interface to bind (loopback by default: drafts stay on this machine)', { default: '127.0.0.1' })
    .option('--content <dir>', 'Content directory', { default: DIR_DEFAULTS.content })
    .option('--templates <dir>', 'Templates directory', { default: DIR_DEFAULTS.templates })
    .option('--open', 'Open the preview in the default browser')
    .option('--test-to <address>', 'Show a "Send a test" button that mails the edition on screen to this address (needs SMTP_URL or MAIL_TRANSPORT=ses, and UNSUBSCRIBE_SECRET)')
    .example('briefwire preview --port 4000 --open')
    .action((opts: Record<string, unknown>) =>
      runPreview(
        {
          port: parsePort(opts['port']),
          host: textOption(opts['host']),
          contentDir: textOption(opts['content']),
          templatesDir: textOption(opts['templates']),
          open: Boolean(opts['open']),
          testTo: optionalText(opts['testTo']),
        },
        io,
      ),
    );
}

/** `briefwire preview`: serves until the user stops it (exit 0), or does not start (exit 1). */
export async function runPreview(opts: PreviewCommandOptions, io: CommandIo): Promise<number> {
  const { port, contentDir, templatesDir } = opts;
  await requireDir(contentDir, '--content');
  await requireDir(templatesDir, '--templates');
  if (opts.testTo !== undefined) {
    const why = addressProblem(opts.testTo);
    if (why) throw new UsageError(`--test-to: ${why}`);
  }

  let preview;
  try {
    preview = await startPreview({
      contentDir,
      templatesDir,
      port,
      host: opts.host,
      ...(opts.testTo !== undefined ? { testSend: { to: opts.testTo, env: io.env, newsletterFile: path.join(contentDir, NEWSLETTER_FILE) } } : {}),
    });
  } catch (err) {
    // Anything but a listen failure is a bug, for the CLI to show with its stack.
    const problem = listenProblem(err, opts.host, port);
    if (!problem) throw err;
    reportProblems(io, [problem]);
    return 1;
  }
  io.stdout.write(`Preview of ${contentDir}/ at ${preview.url}  (Ctrl+C to stop)\n`);
  if (opts.open) openBrowser(preview.url, io);

  await untilInterrupted(io);
  await preview.close();
  return 0;
}

/** Best effort: a machine without a desktop has no opener, and the URL is printed anyway. */
function openBrowser(url: string, io: CommandIo): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => io.stderr.write(`briefwire preview: could not open a browser (${cmd}); open ${url} yourself\n`));
    child.unref();
  } catch {
    io.stderr.write(`briefwire preview: could not open a browser; open ${url} yourself\n`);
  }
}
