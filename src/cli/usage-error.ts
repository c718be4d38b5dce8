/** Thrown by command handlers for bad usage; the CLI maps it to exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
