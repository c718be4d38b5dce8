/** A file-system error as a short phrase for a problem message ("not found", not "ENOENT: no such file or directory, open ..."). */
export function describeIoError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory, expected a file';
  if (code === 'ENOTDIR') return 'is not a directory';
  return (e as Error).message ?? String(e);
}
