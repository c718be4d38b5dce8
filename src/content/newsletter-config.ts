import type { Newsletter } from '../model.js';
import { error, type Problem } from '../problems.js';
import { NewsletterNotMapping } from '../problem-catalogue.js';
import { parseYaml } from './yaml-source.js';
import { newsletterSchema } from '../content-contract.js';
import { zodProblems } from './zod-problems.js';

/** Parses content/newsletter.yml. Pure: takes the text, returns the config or problems. */
export function parseNewsletter(file: string, text: string): { newsletter?: Newsletter; problems: Problem[] } {
  const { source, problems } = parseYaml(file, text);
  if (problems.length > 0) return { problems };
  if (source.data === null || typeof source.data !== 'object') return { problems: [error(file, NewsletterNotMapping)] };
  const parsed = newsletterSchema.safeParse(source.data);
  if (!parsed.success) return { problems: zodProblems(source, newsletterSchema, parsed.error.issues) };
  const { schedule, ...rest } = parsed.data;
  const newsletter: Newsletter = stripUndefined({
    ...rest,
    ...(schedule ? { schedule: { ...schedule, timezone: schedule.timezone ?? rest.timezone } } : {}),
  });
  return { newsletter, problems: [] };
}

/** exactOptionalPropertyTypes-friendly: optional fields are absent, never `undefined`. */
export function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
