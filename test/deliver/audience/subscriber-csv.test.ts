import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addressProblem } from '../../../src/deliver/audience/address.js';
import { scanSubscribers } from '../../../src/deliver/audience/subscriber-csv.js';
import { formatProblem } from '../../../src/problems.js';
import { useTempDir } from '../../support/fixtures.js';

let dir: string;
useTempDir('bw-deliver-', (d) => (dir = d));

describe('addresses and the subscriber CSV', () => {
  it('accepts plain addresses and rejects junk', () => {
    for (const ok of ['a@b.co', 'first.last+tag@sub.example.org', "o'neil@example.ie", 'x@bücher.example']) expect(addressProblem(ok)).toBeNull();
    for (const bad of ['', 'plain', '@example.com', 'a@', 'a@b', 'a b@example.com', 'a..b@example.com', 'a@-x.com', 'a@example.123']) {
      expect(addressProblem(bad)).not.toBeNull();
    }
  });

  it('streams rows, reports invalid and duplicate rows with file:line, keeps names', async () => {
    const file = path.join(dir, 'subs.csv');
    await writeFile(
      file,
      '\ufeffEmail,Name\nann@example.com,Ann\nnot-an-address,Bob\n\nANN@example.com,Ann again\n"carl@example.com","Lee, Carl"\ndee@example.com\n',
    );
    const scan = await scanSubscribers(file);
    expect(scan.count).toBe(3);
    expect(scan.first.map((r) => [r.address, r.name ?? null, r.line])).toEqual([
      ['ann@example.com', 'Ann', 2],
      ['carl@example.com', 'Lee, Carl', 6],
      ['dee@example.com', null, 7],
    ]);
    expect(scan.problems.map((p) => [p.file, p.line, p.severity, p.code])).toEqual([
      [file, 3, 'warning', 'BW_SUBSCRIBER_SKIPPED'],
      [file, 5, 'warning', 'BW_SUBSCRIBER_DUPLICATE'],
    ]);
    expect(scan.problems[1]!.message).toContain('ANN@example.com');
  });

  it('reports a missing email column, a missing file and broken CSV as errors', async () => {
    const noEmail = path.join(dir, 'a.csv');
    await writeFile(noEmail, 'mail,name\nx@y.com,X\n');
    expect((await scanSubscribers(noEmail)).problems.map(formatProblem)).toEqual([`${noEmail}:1: error[BW_SUBSCRIBERS_NO_EMAIL_COLUMN]: has no "email" column (found: mail, name)`]);
    const missing = path.join(dir, 'nope.csv');
    expect((await scanSubscribers(missing)).problems[0]).toMatchObject({ file: missing, severity: 'error', code: 'BW_SUBSCRIBERS_NOT_FOUND' });
    const broken = path.join(dir, 'b.csv');
    await writeFile(broken, 'email,name\nx@y.com,"unclosed\n');
    const scan = await scanSubscribers(broken);
    expect(scan.problems.at(-1)).toMatchObject({ file: broken, severity: 'error', code: 'BW_SUBSCRIBERS_CSV' });
  });
});
