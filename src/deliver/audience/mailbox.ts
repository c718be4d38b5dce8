/**
 * Raw messages from a Maildir (new/ and cur/; tmp/ holds deliveries still
 * being written) or an mbox file. The mbox is split on "From " lines as
 * mboxrd writes them (a body line starting with "From " is stored as
 * ">From ", and unescaped here); streamed, so a large mailbox is not read
 * into memory at once. Splitting is all mbox needs; the MIME parsing of each
 * message is mailparser's (see bounce-classify/mail-parts.ts).
 */
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface RawMail {
  /** Where it came from, for messages: a file path, or `file:line` for an mbox. */
  where: string;
  /** The file in a Maildir, the message's position (1, 2, ...) in an mbox. */
  message: string | number;
  raw: Buffer;
  /** Why the message could not be read (it is still counted and named, never the end of the run). */
  unreadable?: string;
}

export async function* readMaildir(dir: string): AsyncGenerator<RawMail> {
  for (const sub of ['new', 'cur']) {
    let names: string[];
    try {
      names = (await readdir(path.join(dir, sub))).filter((n) => !n.startsWith('.')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    for (const name of names) {
      const file = path.join(dir, sub, name);
      try {
        yield { where: file, message: file, raw: await readFile(file) };
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        yield { where: file, message: file, raw: Buffer.alloc(0), unreadable: `cannot be read (${err.code ?? err.message})` };
      }
    }
  }
}

/** Whether `dir` looks like a Maildir (has new/ or cur/). */
export async function isMaildir(dir: string): Promise<boolean> {
  for (const sub of ['new', 'cur']) {
    const entries = await readdir(path.join(dir, sub)).catch(() => null);
    if (entries) return true;
  }
  return false;
}

export async function* readMbox(file: string): AsyncGenerator<RawMail> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let current: string[] | null = null;
  let startLine = 0;
  let n = 0;
  let index = 0;
  for await (const line of lines) {
    n++;
    if (line.startsWith('From ')) {
      if (current) yield { where: `${file}:${startLine}`, message: index, raw: Buffer.from(current.join('\r\n') + '\r\n') };
      current = [];
      index++;
      startLine = n;
      continue;
    }
    if (current === null) {
      if (line.trim() === '') continue;
      throw new Error(`${file}:${n}: not an mbox file (it must start with a "From " line)`);
    }
    current.push(/^>+From /.test(line) ? line.slice(1) : line);
  }
  if (current) yield { where: `${file}:${startLine}`, message: index, raw: Buffer.from(current.join('\r\n') + '\r\n') };
}
