import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkLinks } from './site.js';

// The archive tests trust this checker, so it must be able to fail.
describe('checkLinks', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'briefwire-links-'));
    await mkdir(path.join(dir, 'a'), { recursive: true });
    await writeFile(path.join(dir, 'a', 'index.html'), '<h1 id="top">A</h1>');
    await writeFile(
      path.join(dir, 'index.html'),
      [
        '<a href="a/index.html#top">ok</a>',
        '<a href="#here" id="here">self</a>',
        '<a href="a/">bare directory</a>',
        '<a href="b/index.html">missing</a>',
        '<a href="a/index.html#nope">missing id</a>',
        '<a href="#gone">missing own id</a>',
        '<a href="../outside.html">outside the site</a>',
        '<link rel="stylesheet" href="/assets/site.css">',
        '<a href="https://example.com/x">external</a>',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports missing files, directories, missing ids, escapes and root-absolute links', async () => {
    const r = await checkLinks(dir);
    expect(r.broken).toEqual([
      'index.html -> a/ (no such file)',
      'index.html -> b/index.html (no such file)',
      'index.html -> a/index.html#nope (no element with id "nope")',
      'index.html -> #gone (no element with id "gone")',
      'index.html -> ../outside.html (no such file)',
    ]);
    expect(r.rootAbsolute).toEqual(['index.html -> /assets/site.css']);
    expect(r.absolute.map((a) => a.href)).toEqual(['https://example.com/x']);
    expect(r.checked).toContain('index.html -> a/index.html#top');
  });
});
