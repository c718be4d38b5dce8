/**
 * JSON that briefwire wrote and reads back (build-inputs.json, the build
 * journal), parsed through its zod schema rather than cast: a damaged file
 * says what is wrong with it in one line, for the problem that reports it.
 */
import type { z } from 'zod';

/** The value of `text` as `schema` describes it, or why it is not one (`what` names the whole when the first issue has no path). */
export function parseJsonWith<S extends z.ZodType>(schema: S, text: string, what: string): z.output<S> | { damaged: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { damaged: `not JSON: ${(e as Error).message}` };
  }
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return { damaged: `${issue.path.join('.') || what}: ${issue.message}` };
}
