/**
 * The layer rules must be able to fail: each case plants one violation in a
 * scratch tree and runs dependency-cruiser with the project's own config.
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, writeTree } from '../support/fixtures.js';

const ROOT = path.resolve('.');
const DEPCRUISE = path.join(ROOT, 'node_modules', '.bin', 'depcruise');

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function cruise(files: Record<string, string>): Promise<{ status: number | null; output: string }> {
  dir = await tempDir('bw-layers-');
  await writeFile(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ type: 'module', dependencies: {}, devDependencies: { 'dev-only': '1.0.0' } }));
  await mkdir(path.join(dir, 'node_modules', 'dev-only'), { recursive: true });
  await writeFile(path.join(dir, 'node_modules', 'dev-only', 'package.json'), JSON.stringify({ name: 'dev-only', version: '1.0.0', main: 'index.js' }));
  await writeFile(path.join(dir, 'node_modules', 'dev-only', 'index.js'), 'module.exports = {};');
  await writeTree(dir, files);
  const r = spawnSync(DEPCRUISE, ['src', '--config', path.join(ROOT, '.dependency-cruiser.cjs')], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: r.stdout + r.stderr };
}

describe('layer rules (.dependency-cruiser.cjs)', () => {
  // One scratch tree with one planted violation per rule (one run: dependency-cruiser starts slowly),
  // beside imports that point down and must pass. `npm run check:layers` runs the same config on src/.
  it('names every planted violation and only those, and exits non-zero', async () => {
    const r = await cruise({
      'src/util/escape.ts': 'export const x = 1;\n',
      'src/compute/delta.ts': "import { x } from '../util/escape.js';\nexport const y = x;\n",
      'src/render/format.ts': "import { y } from '../compute/delta.js';\nexport const z = y;\n",
      'src/cli.ts': "import { z } from './render/format.js';\nimport { v } from './preview/server.js';\nexport const w = [z, v];\n",
      // compute importing render
      'src/render/markdown.ts': 'export const m = 1;\n',
      'src/compute/editions.ts': "import { m } from '../render/markdown.js';\nexport const e = m;\n",
      // shared code importing the CLI
      'src/cli/report.ts': 'export const p = 1;\n',
      'src/util/print.ts': "import { p } from '../cli/report.js';\nexport const q = p;\n",
      // the sender importing the preview (the preview sits above deliver, and may use it)
      'src/preview/server.ts': "import { s } from '../deliver/test-copy.js';\nexport const v = s;\n",
      'src/deliver/test-copy.ts': 'export const s = 1;\n',
      'src/deliver/send.ts': "import { v } from '../preview/server.js';\nexport const t = v;\n",
      // a cycle inside one layer
      'src/site/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/site/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      // src importing a devDependency
      'src/util/mail.ts': "import dev from 'dev-only';\nexport const d = dev;\n",
    });
    expect(r.status).not.toBe(0);
    // A cycle is reported once, its path on the lines that follow.
    const errors = r.output.split('\n').filter((l) => l.trim().startsWith('error ')).map((l) => l.trim()).sort();
    expect(errors).toEqual([
      'error layer-compute: src/compute/editions.ts → src/render/markdown.ts',
      'error layer-deliver: src/deliver/send.ts → src/preview/server.ts',
      'error layer-shared: src/util/print.ts → src/cli/report.ts',
      'error no-circular: src/site/a.ts →',
      'error no-dev-deps-in-src: src/util/mail.ts → node_modules/dev-only/index.js',
    ]);
  });

  it('fails on a module in no layer, and on each forbidden import between the sub-folders of deliver/', async () => {
    const r = await cruise({
      // in no layer: one importing, one imported only, one alone
      'src/loose.ts': "import { x } from './util/escape.js';\nexport const l = x;\n",
      'src/stray.ts': 'export const s = 1;\n',
      'src/widget.ts': 'export const g = 1;\n',
      'src/cli.ts': "import { g } from './widget.js';\nexport const c = g;\n",
      'src/util/escape.ts': 'export const x = 1;\n',
      // allowed: send uses audience and the sender contract, schedule reads the ledger, serve uses send
      'src/deliver/jsonl.ts': 'export const j = 1;\n',
      'src/deliver/audience/suppression.ts': "import { j } from '../jsonl.js';\nexport const sup = j;\n",
      'src/deliver/transport/sender.ts': 'export type MailSender = { send(): void };\n',
      'src/deliver/transport/smtp.ts': "import type { MailSender } from './sender.js';\nexport const smtp = (m: MailSender) => m;\n",
      'src/deliver/transport/choose-transport.ts': "import { smtp } from './smtp.js';\nimport { ses } from './ses-transport.js';\nexport const choose = [smtp, ses];\n",
      'src/deliver/send/ledger.ts': "import { sup } from '../audience/suppression.js';\nimport { choose } from '../transport/choose-transport.js';\nimport type { MailSender } from '../transport/sender.js';\nexport const led = (m: MailSender) => [sup, choose, m];\n",
      'src/deliver/schedule/due.ts': "import { led } from '../send/ledger.js';\nexport const due = led;\n",
      'src/deliver/serve/routes.ts': "import { led } from '../send/ledger.js';\nexport const routes = led;\n",
      // forbidden: audience importing send, a transport importing another, send picking SMTP itself,
      // send importing schedule, a module directly in deliver/ importing a sub-folder
      'src/deliver/audience/sent.ts': "import { led } from '../send/ledger.js';\nexport const sent = led;\n",
      'src/deliver/transport/ses-transport.ts': "import { smtp } from './smtp.js';\nexport const ses = smtp;\n",
      'src/deliver/send/send-edition.ts': "import { smtp } from '../transport/smtp.js';\nimport { due } from '../schedule/due.js';\nexport const se = [smtp, due];\n",
      'src/deliver/address.ts': "import { sup } from './audience/suppression.js';\nexport const a = sup;\n",
    });
    expect(r.status).not.toBe(0);
    const errors = r.output.split('\n').filter((l) => l.trim().startsWith('error ')).map((l) => l.trim()).sort();
    expect(errors).toEqual([
      'error deliver-audience: src/deliver/audience/sent.ts → src/deliver/send/ledger.ts',
      'error deliver-root: src/deliver/address.ts → src/deliver/audience/suppression.ts',
      'error deliver-send: src/deliver/send/send-edition.ts → src/deliver/schedule/due.ts',
      'error transport-chosen: src/deliver/send/send-edition.ts → src/deliver/transport/smtp.ts',
      'error transport-contract: src/deliver/transport/ses-transport.ts → src/deliver/transport/smtp.ts',
      'error unlayered-module: src/cli.ts → src/widget.ts',
      'error unlayered-module: src/loose.ts → src/util/escape.ts',
      'error unlayered-module: src/stray.ts',
    ]);
  });
});
