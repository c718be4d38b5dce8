/** Simulates a nearly full disk for code that appends with FileHandle.write. */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

type Write = (this: FileHandle, data: unknown, ...rest: unknown[]) => Promise<{ bytesWritten: number }>;

/**
 * Runs `fn` while every FileHandle write takes only `take(offered)` bytes and reports no error,
 * as a write to a nearly full disk can. Covers both the string and the buffer forms of write.
 */
export async function withShortWrites<T>(dir: string, take: (offered: number) => number, fn: () => Promise<T>): Promise<T> {
  const probe = await open(path.join(dir, 'probe'), 'w');
  const proto = Object.getPrototypeOf(probe) as { write: Write };
  await probe.close();
  const original = proto.write;
  proto.write = function (data, ...rest) {
    const buffer = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
    const offset = typeof data === 'string' ? 0 : ((rest[0] as number | undefined) ?? 0);
    const length = typeof data === 'string' ? buffer.length : ((rest[1] as number | undefined) ?? buffer.length - offset);
    return original.call(this, buffer, offset, Math.min(length, take(length)));
  };
  try {
    return await fn();
  } finally {
    proto.write = original;
  }
}

