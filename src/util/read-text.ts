import { readFile } from 'node:fs/promises';

/** How a loader reads a file's text: from disk, or from the bytes a build already read to fingerprint its inputs. */
export type ReadText = (file: string) => Promise<string>;

export const readFromDisk: ReadText = (file) => readFile(file, 'utf8');
