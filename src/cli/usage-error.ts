import type { Problem } from '../problems.js';

/**
 * Thrown by command handlers for bad usage; the CLI maps it to exit code 2.
 * One that names a file at fault carries it as a problem with a code, printed
 * like any other.
 */
export class UsageError extends Error {
  override name = 'UsageError';

  constructor(
    message: string,
    readonly problem?: Problem,
  ) {
    super(message);
  }
}
