/**
 * The crontab line of docs/sending.md, run as cron runs it for a service user
 * with no home folder: as `nobody` (home /nonexistent), through `sh -c`, with
 * cron's bare environment (PATH=/usr/bin:/bin, no terminal) and HOME unset,
 * nonexistent, or a folder the user cannot read. The documented paths are
 * swapped for a throwaway project (/srv/briefwire), its secrets file
 * (/etc/briefwire.env) and the node running the tests (/usr/bin/node); the
 * rest of the line runs as written. Each tick must exit 0 in good time: the
 * first sends the due edition to a loopback SMTP server, the next ones say it
 * was sent.
 *
 * Switching user needs root. CI runs as root (.ci/run also makes the checkout
 * and the second Node readable to other users); elsewhere the test says why it
 * is skipped, and under CI=true it fails instead.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, chownSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRET, startSink, writeContent, writeEdition, writeSubscribers, type Sink } from '../support/deliver.js';

const SENDING = readFileSync('docs/sending.md', 'utf8');
const LINE = /^```crontab\n(.+)\n```$/m.exec(SENDING)?.[1] ?? '';
const COMMAND = LINE.trim().split(/\s+/).slice(5).join(' ');

const isRoot = process.getuid?.() === 0;
const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
const setpriv = spawnSync('setpriv', ['--version'], { encoding: 'utf8' }).status === 0;
const runnable = isRoot && nobody.status === 0 && setpriv;
if (!runnable) {
  const why = !isRoot ? 'the tests do not run as root' : !setpriv ? 'setpriv (util-linux) is missing' : 'there is no user "nobody"';
  if (process.env['CI'] === 'true') throw new Error(`CI=true but the crontab line cannot be run as a user with no home: ${why}`);
  console.log(`Not running the documented crontab line as a user with no home folder: ${why}.`);
}

/** A tick as cron runs it: `sh -c` as nobody, cron's environment, HOME as given (undefined: not set). Asynchronous: the SMTP server is in this process. */
function tick(command: string, home: string | undefined): Promise<{ status: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const uid = nobody.stdout.trim();
  const gid = spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).stdout.trim();
  const env = ['PATH=/usr/bin:/bin', 'SHELL=/bin/sh', 'LOGNAME=nobody', ...(home === undefined ? [] : [`HOME=${home}`])];
  const child = spawn('setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', '/usr/bin/env', '-i', ...env, '/bin/sh', '-c', command], {
    cwd: '/',
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 120_000,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

describe.skipIf(!runnable)('the documented crontab line, as a service user with no home folder', () => {
  let project = '';
  let sink: Sink;
  let command = '';
  const edition = '2025-03-31';

  beforeAll(async () => {
    expect(COMMAND).toContain('/srv/briefwire/dist/cli.js');
    expect(COMMAND).toContain('/etc/briefwire.env');
    expect(COMMAND).toContain('/usr/bin/node ');
    // The install the line names must be readable to the user: the checkout's dist/, its packages and this node.
    const dist = realpathSync('dist');
    const check = spawnSync('setpriv', [`--reuid=${nobody.stdout.trim()}`, '--regid=65534', '--clear-groups', '--', '/bin/sh', '-c', `test -r "$1/cli.js" && test -r "$1/../node_modules/luxon/package.json" && test -x "$2"`, 'sh', dist, process.execPath]);
    if (check.status !== 0) throw new Error(`user nobody cannot read ${dist}, its node_modules or ${process.execPath}: make the checkout and node readable to other users (.ci/run does)`);

    sink = await startSink();
    project = await mkdtemp(path.join(os.tmpdir(), 'bw-cron-'));
    await writeContent(path.join(project, 'content'), { weekday: 1, time: '08:00', timezone: 'Europe/London' });
    await writeEdition(path.join(project, 'out'), edition);
    await writeSubscribers(path.join(project, 'subscribers.csv'), 2);
    await symlink(dist, path.join(project, 'dist'));
    const envFile = path.join(project, 'briefwire.env');
    // Ten minutes after the slot (08:00 BST = 07:00 UTC), as cron's first tick would be.
    await writeFile(envFile, `SMTP_URL=smtp://127.0.0.1:${sink.port}\nUNSUBSCRIBE_SECRET=${SECRET}\nBRIEFWIRE_NOW=2025-03-31T07:10:00Z\n`);
    const owner = Number(nobody.stdout.trim());
    for (const file of [project, envFile]) chownSync(file, owner, statSync(file).gid);
    chmodSync(project, 0o755);
    chmodSync(envFile, 0o600);
    command = COMMAND.replaceAll('/srv/briefwire', project).replace('/etc/briefwire.env', envFile).replace('/usr/bin/node ', `${process.execPath} `);
  });

  afterAll(async () => {
    await sink?.close();
    if (project) await rm(project, { recursive: true, force: true });
  });

  it('sends the due edition on the first tick and exits 0 on every tick, with HOME unset, nonexistent or unreadable', async () => {
    expect(() => accessSync('/nonexistent', constants.F_OK)).toThrow();
    const homes: (string | undefined)[] = [undefined, '/nonexistent', '/root'];
    for (const home of homes) {
      const r = await tick(command, home);
      expect(r.signal, `HOME=${home}: ${r.stderr}`).toBeNull();
      expect(r.status, `HOME=${home}: ${r.stderr}\n${await readFile(path.join(project, 'send.log'), 'utf8').catch(() => '')}`).toBe(0);
    }
    expect(sink.received.map((m) => m.to).flat().sort()).toEqual(['reader00000@readers.example', 'reader00001@readers.example']);
    const log = await readFile(path.join(project, 'send.log'), 'utf8');
    expect(log).toMatch(new RegExp(`Edition ${edition}: 2 sent`));
    expect(log.match(/Already sent: edition 2025-03-31/g)).toHaveLength(2);
    // The ledger is the service user's, in the project's state folder.
    const ledger = path.join(project, '.briefwire', 'sends', `${edition}.jsonl`);
    expect(statSync(ledger).uid).toBe(Number(nobody.stdout.trim()));
    expect(await readdir(path.join(project, '.briefwire', 'sends'))).toContain(`${edition}.jsonl`);
  }, 400_000);
});
