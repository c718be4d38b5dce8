/**
 * "Now" for scheduling. BRIEFWIRE_NOW (an ISO timestamp with offset) exists so
 * tests can run `send --due` and `schedule` at a chosen instant; it is not a
 * user feature and is ignored unless set.
 */
import { DateTime } from 'luxon';

export function nowFromEnv(env: NodeJS.ProcessEnv): { ok: true; now: Date } | { ok: false; message: string } {
  const raw = env['BRIEFWIRE_NOW'];
  if (!raw) return { ok: true, now: new Date() };
  const dt = DateTime.fromISO(raw, { setZone: true });
  if (!dt.isValid) return { ok: false, message: `BRIEFWIRE_NOW is not an ISO timestamp: ${raw}` };
  return { ok: true, now: dt.toJSDate() };
}
