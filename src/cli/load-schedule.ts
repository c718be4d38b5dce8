/**
 * newsletter.yml and its `schedule`, for the commands that only make sense
 * with one (`schedule`, `skip`): either both, or the problems already printed.
 */
import path from 'node:path';
import { loadNewsletter, NEWSLETTER_FILE } from '../content/load.js';
import type { Newsletter, Schedule } from '../model.js';
import { error } from '../problems.js';
import { ScheduleMissing } from '../problem-catalogue.js';
import { reportProblems, type CommandIo } from './command-io.js';

export async function loadSchedule(contentDir: string, io: CommandIo): Promise<{ newsletter: Newsletter; schedule: Schedule } | undefined> {
  const loaded = await loadNewsletter(contentDir);
  if (!loaded.ok) {
    reportProblems(io, loaded.problems);
    return undefined;
  }
  const schedule = loaded.value.schedule;
  if (!schedule) {
    reportProblems(io, [error(path.join(contentDir, NEWSLETTER_FILE), ScheduleMissing)]);
    return undefined;
  }
  return { newsletter: loaded.value, schedule };
}
