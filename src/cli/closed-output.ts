/**
 * A reader that stops reading (`briefwire schedule | head -1`) closes the pipe,
 * and the next write fails with EPIPE. That is the reader's choice, not an
 * error: further output to that stream is dropped and the command carries on
 * to its normal end. Carrying on matters for `send`: a closed stdout must not
 * abandon messages in flight and leave their outcome unrecorded.
 */
export function dropOutputWhenClosed(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    // The stream is destroyed now; writing to it again would raise ERR_STREAM_DESTROYED.
    stream.write = ((...args: unknown[]) => {
      const callback = args.find((a) => typeof a === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write;
  });
}
