import { describe, expect, test } from 'vitest';
import { lstat, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { openFileWriter, type FileWriter } from '../../src/publish/file-writer.js';
import { contentHash } from '../../src/publish/file-write.js';
import { tempDir } from '../support/fixtures.js';

// The thread's entry as the build runs it: compiled (the suite's global setup compiles src/ to dist/).
const THREAD_FILE = path.resolve('dist/publish/file-writer-thread.js');

const writers: [string, () => FileWriter][] = [
  ['on a thread of its own', () => openFileWriter(true, THREAD_FILE)],
  ['inline', () => openFileWriter(false, THREAD_FILE)],
];

async function sandbox(): Promise<string> {
  return tempDir('briefwire-file-writer-');
}

describe.each(writers)('the file writer, %s', (_, open) => {
  test('writes each file into directories it makes, and reports the identity the out/ record keeps, hashed when asked', async () => {
    const dir = await sandbox();
    const writer = open();
    const text = 'Alibaba Cloud revenue grew 26% — 阿里云\n';
    const bytes = new TextEncoder().encode('<p>bytes</p>');
    const [a, b] = await Promise.all([writer.write(path.join(dir, 'x/y/a.txt'), text, true), writer.write(path.join(dir, 'x/z/b.html'), bytes, false)]);
    await writer.close();

    expect(await readFile(path.join(dir, 'x/y/a.txt'), 'utf8')).toBe(text);
    expect(await readFile(path.join(dir, 'x/z/b.html'), 'utf8')).toBe('<p>bytes</p>');
    const s = await lstat(path.join(dir, 'x/y/a.txt'));
    expect(a).toEqual({ ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, sha256: contentHash(text) });
    expect(b!.sha256).toBeUndefined();
    expect(b!.size).toBe(bytes.length);
  });

  test('a write that fails rejects with the system error and its code, and the writes after it still happen', async () => {
    const dir = await sandbox();
    await writeFile(path.join(dir, 'taken'), 'a file, not a directory');
    const writer = open();
    const failed = writer.write(path.join(dir, 'taken/inside.txt'), 'x', false);
    const after = writer.write(path.join(dir, 'after.txt'), 'still written', false);
    await expect(failed).rejects.toMatchObject({ code: expect.stringMatching(/^(ENOTDIR|EEXIST)$/), message: expect.stringContaining('taken') });
    await after;
    await writer.close();
    expect(await readFile(path.join(dir, 'after.txt'), 'utf8')).toBe('still written');
  });
});

describe('the threaded file writer', () => {
  test('close waits for every write sent before it', async () => {
    const dir = await sandbox();
    const writer = openFileWriter(true, THREAD_FILE);
    const files = Array.from({ length: 200 }, (_, i) => path.join(dir, `d${i % 7}`, `f${i}.txt`));
    // Not awaited one by one: close alone must hold until all are on disk.
    const writes = files.map((file, i) => writer.write(file, `file ${i}`, false));
    await writer.close();
    for (const [i, file] of files.entries()) expect(await readFile(file, 'utf8')).toBe(`file ${i}`);
    await Promise.all(writes);
  });

  test('writes a file far larger than the thread keeps room for (a long archive\'s feed or metric page)', async () => {
    const dir = await sandbox();
    const writer = openFileWriter(true, THREAD_FILE);
    const big = `<p>${'Qwen downloads passed 600 million. '.repeat(600_000)}</p>`;
    const written = await writer.write(path.join(dir, 'big.html'), big, true);
    await writer.close();
    expect(written.size).toBe(Buffer.byteLength(big));
    expect(written.sha256).toBe(contentHash(big));
    expect(await readFile(path.join(dir, 'big.html'), 'utf8')).toBe(big);
  });

  test('after abort no write is done: each one sent then rejects', async () => {
    const dir = await sandbox();
    const writer = openFileWriter(true, THREAD_FILE);
    await writer.write(path.join(dir, 'first.txt'), 'written', false);
    await writer.abort();
    await expect(writer.write(path.join(dir, 'late.txt'), 'never', false)).rejects.toThrow(/file writer thread stopped/);
    await expect(lstat(path.join(dir, 'late.txt'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
