import { spawn } from 'node:child_process';
import type { CAC } from 'cac';
import { DIR_DEFAULTS, parsePort, requireDir } from './options.js';
import { startPreview } from '../preview/server.js';
import path from 'node:path';
import { NEWSLETTER_FILE } from '../content/load.js';
import { addressProblem } from '../deliver/audience/address.js';
import { UsageError } from './usage-error.js';

export interface PreviewCommandOptions {
  port: number | string;
  host: string;
  content: string;
  templates: string;
  open?: boolean;
  testTo?: string;
}

export function registerPreview(cli: CAC): void {
  cli
    .command('preview', 'Serve a live preview of every edition; saving a brief, metrics.yml, newsletter.yml or a template updates open pages')
    .option('--port <port>', 'Port to listen on (0 picks a free one)', { default: 4000 })
    .option('--host <host>', 'Interface to bind (loopback by default: drafts stay on this machine)', { default: '127.0.0.1' })
    .option('--content <dir>', 'Content directory', { default: DIR_DEFAULTS.content })
    .option('--templates <dir>', 'Templates directory', { default: DIR_DEFAULTS.templates })
    .option('--open', 'Open the preview in the default browser')
    .option('--test-to <address>', 'Show a "Send a test" button that mails the edition on screen to this address (needs SMTP_URL or MAIL_TRANSPORT=ses, and UNSUBSCRIBE_SECRET)')
    .example('briefwire preview --port 4000 --open')
    .action(async (opts: PreviewCommandOptions) => {
      const port = parsePort(opts.port);
      const contentDir = String(opts.content);
      const templatesDir = String(opts.templates);
      await requireDir(contentDir, '--content');
      await requireDir(templatesDir, '--templates');
      if (opts.testTo !== undefined) {
        const why = addressProblem(String(opts.testTo));
        if (why) throw new UsageError(`--test-to: ${why}`);
      }

      let preview;
      try {
        preview = await startPreview({
          contentDir,
          templatesDir,
          port,
          host: String(opts.host),
          ...(opts.testTo !== undefined ? { testSend: { to: String(opts.testTo), env: process.env, newsletterFile: path.join(contentDir, NEWSLETTER_FILE) } } : {}),
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'EADDRINUSE' ? `port ${port} is in use (try --port 0 for a free one)` : code === 'EADDRNOTAVAIL' ? `cannot bind ${opts.host}` : (err as Error).message;
        process.stderr.write(`briefwire preview: ${why}\n`);
        return 1;
      }
      process.stdout.write(`Preview of ${contentDir}/ at ${preview.url}  (Ctrl+C to stop)\n`);
      if (opts.open) openBrowser(preview.url);

      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await preview.close();
      return 0;
    });
}

/** Best effort: a machine without a desktop has no opener, and the URL is printed anyway. */
function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`briefwire preview: could not open a browser (${cmd}); open ${url} yourself\n`));
    child.unref();
  } catch {
    process.stderr.write(`briefwire preview: could not open a browser; open ${url} yourself\n`);
  }
}
