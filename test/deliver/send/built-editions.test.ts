import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBuiltEditions, loadEdition } from '../../../src/deliver/send/built-editions.js';
import { builtEditionDir, EDITION_JSON } from '../../../src/render/out-layout.js';
import { ok } from '../../../src/problems.js';
import { useTempDir } from '../../support/fixtures.js';
import { writeEdition } from '../../support/deliver.js';

let dir: string;
useTempDir('bw-deliver-', (d) => (dir = d));

describe('built editions', () => {
  it('lists dated directories with an edition.json file, oldest first, and skips half-built ones', async () => {
    const out = path.join(dir, 'out');
    await writeEdition(out, '2025-03-17');
    await writeEdition(out, '2025-03-10');
    await writeEdition(out, '2025-03-24');
    await rm(path.join(out, 'editions', '2025-03-24', 'edition.json'));
    await mkdir(path.join(out, 'editions', '2025-03-31', 'edition.json'), { recursive: true });
    await writeEdition(out, 'drafts');
    expect(await listBuiltEditions(out)).toEqual(ok(['2025-03-10', '2025-03-17']));
    expect(await listBuiltEditions(path.join(dir, 'nothing-built'))).toEqual(ok([]));
  });

  it('reads edition.json through its schema: a wrong type is an error naming the field, not a silent default', async () => {
    const out = path.join(dir, 'out');
    await writeEdition(out, '2025-03-10', 'Subject  of\nthe week');
    const file = path.join(builtEditionDir(out, '2025-03-10'), EDITION_JSON);
    const good = await loadEdition(out, '2025-03-10');
    expect(good.ok && good.value).toMatchObject({ number: 1, title: 'Title 2025-03-10', subject: 'Subject of the week' });

    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...json, number: '3', subject: ' ' }));
    const bad = await loadEdition(out, '2025-03-10');
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.map((p) => [p.file, p.code])).toEqual([
        [file, 'BW_EDITION_JSON_INVALID'],
        [file, 'BW_EDITION_JSON_INVALID'],
      ]);
      expect(bad.problems.map((p) => p.message.split(' ')[0])).toEqual(['"number"', '"subject"']);
    }

    await writeFile(file, JSON.stringify({ ...json, date: '2025-03-17' }));
    const moved = await loadEdition(out, '2025-03-10');
    expect(!moved.ok && moved.problems.map((p) => p.message)).toEqual(['"date" is 2025-03-17 but the directory is 2025-03-10']);

    // Archives built before edition.json carried a version are version 1.
    const { version: _version, ...unversioned } = json;
    await writeFile(file, JSON.stringify(unversioned));
    expect((await loadEdition(out, '2025-03-10')).ok).toBe(true);
  });
});
