/**
 * `briefwire serve`: the archive site plus the unsubscribe endpoint (see
 * src/deliver/unsubscribe-server.ts). Runs until SIGINT/SIGTERM.
 */
import path from 'node:path';
import type { CAC } from 'cac';
import { loadNewsletter, NEWSLETTER_FILE } from '../content/load.js';
import { error, warning } from '../problems.js';
import { ServeWithoutName, UnsubscribeSecret } from '../problem-catalogue.js';
import { siteOutputDir } from '../render/out-layout.js';
import { startUnsubscribeServer } from '../deliver/unsubscribe-server.js';
import { secretFromEnv } from '../deliver/unsubscribe-token.js';
import { DIR_DEFAULTS, parsePort, requireDir, STATE_DIR_DEFAULT } from './options.js';
import { printProblems } from '../util/print-problems.js';

interface ServeOptions {
  port: number | string;
  host: string;
  out: string;
  state: string;
  content: string;
}

export function registerServe(cli: CAC): void {
  cli
    .command('serve', 'Serve the archive (out/site) and the unsubscribe endpoint (/unsubscribe)')
    .option('--port <n>', 'Port', { default: 8080 })
    .option('--host <host>', 'Interface to listen on (put a TLS proxy in front for the public URL)', { default: '127.0.0.1' })
    .option('--out <dir>', 'Build output directory; the site is <out>/site', { default: DIR_DEFAULTS.out })
    .option('--state <dir>', 'State directory (suppression list)', { default: STATE_DIR_DEFAULT })
    .option('--content <dir>', 'Content directory (newsletter name for the pages)', { default: DIR_DEFAULTS.content })
    .example('UNSUBSCRIBE_SECRET=... briefwire serve --port 8080')
    .action(async (opts: ServeOptions) => {
      const port = parsePort(opts.port);
      // Without the site every archive page would 404 behind a server that looks healthy.
      const siteDir = siteOutputDir(String(opts.out));
      await requireDir(siteDir, 'site', `serve needs the archive that "briefwire build" writes to <out>/site (--out ${String(opts.out)})`);
      const secret = secretFromEnv(process.env);
      if (!secret.ok) {
        printProblems([error('UNSUBSCRIBE_SECRET', UnsubscribeSecret, [secret.message])]);
        return 1;
      }
      // The name only decorates the pages; a content error elsewhere must not take unsubscribe down.
      const loaded = await loadNewsletter(String(opts.content));
      const listName = loaded.ok ? loaded.value.name : 'this newsletter';
      if (!loaded.ok) {
        const file = path.join(String(opts.content), NEWSLETTER_FILE);
        printProblems([...loaded.problems, warning(file, ServeWithoutName)]);
      }
      let running;
      try {
        running = await startUnsubscribeServer({
          siteDir,
          stateDir: String(opts.state),
          secret: secret.secret,
          listName,
          host: String(opts.host),
          port,
          onUnsubscribe: (address, via) => process.stdout.write(`${new Date().toISOString()} unsubscribed ${maskAddress(address)} (${via})\n`),
        });
      } catch (e) {
        process.stderr.write(`serve: error: ${(e as Error).message}\n`);
        return 1;
      }
      process.stdout.write(`Serving ${siteDir}/ and /unsubscribe on ${running.url} (Ctrl-C to stop)\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await running.close();
      return 0;
    });
}

/** Logs show who unsubscribed without writing whole addresses into log files. */
function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  return at > 0 ? `${address[0]}***${address.slice(at)}` : '***';
}
