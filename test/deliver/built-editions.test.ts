import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listBuiltEditions } from '../../src/deliver/built-editions.js';
import { useTempDir } from '../support/fixtures.js';
import { writeEdition } from '../support/deliver.js';

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
    expect(await listBuiltEditions(out)).toEqual(['2025-03-10', '2025-03-17']);
    expect(await listBuiltEditions(path.join(dir, 'nothing-built'))).toEqual([]);
  });
});

