/**
 * Everything a real send needs, checked without sending: for `send --dry-run`
 * (all of it, every problem at once) and before a real send (the build
 * fingerprint). A dry run that passes means the send could start; one that
 * fails lists every reason, not the first.
 */
import path from 'node:path';
import { checkBuildInputs, describeChanges } from '../../publish/build-inputs.js';
import { error, warning, type Problem } from '../../problems.js';
import { BuildInputsDamaged, BuildInputsUnknown, EditionStale, UnsubscribeSecret } from '../../problem-catalogue.js';
import { mailTransportFromEnv } from '../transport/choose-transport.js';
import { secretFromEnv } from '../audience/unsubscribe-token.js';
import { loadContent } from '../../content/load.js';
import { auditContent } from '../../compute/audit.js';

/**
 * Problems with the built edition's freshness: an error naming the changed
 * inputs when the brief, registry, settings or templates changed since the
 * build; a warning when the build has no fingerprint to compare with; an
 * error when its fingerprint is damaged.
 */
export async function buildFreshnessProblems(outDir: string, date: string): Promise<Problem[]> {
  const check = await checkBuildInputs(outDir, date);
  if (check.kind === 'fresh') return [];
  if (check.kind === 'unknown') {
    return [warning(check.file, BuildInputsUnknown, [check.reason, date])];
  }
  if (check.kind === 'damaged') return [error(check.file, BuildInputsDamaged, [check.reason, date])];
  return [error(path.join(outDir, 'editions', date), EditionStale, [describeChanges(check.changes)])];
}

export interface PreflightInput {
  env: NodeJS.ProcessEnv;
  /** Also connect to the mail transport (SMTP login, or the SES account) (--verify). */
  verify: boolean;
}

export interface SettingsCheck {
  problems: Problem[];
  /** With verify, when the transport answered: what was proved, with no credentials ("connected to smtps://host:465 and logged in"). */
  verified?: string;
}

/** The settings a real send reads from the environment, each problem reported. */
export async function checkSettings({ env, verify }: PreflightInput): Promise<SettingsCheck> {
  const problems: Problem[] = [];
  const target = mailTransportFromEnv(env);
  if (!target.ok) problems.push(...target.problems);
  const secret = secretFromEnv(env);
  if (!secret.ok) problems.push(error('UNSUBSCRIBE_SECRET', UnsubscribeSecret, [secret.message]));
  if (verify && target.ok) {
    const mailer = target.value.create({ connections: 1, rate: 0 });
    try {
      const verified = await mailer.verify();
      problems.push(...(verified.ok ? verified.warnings : verified.problems));
      if (verified.ok) return { problems, verified: target.value.verified };
    } finally {
      mailer.close();
    }
  }
  return { problems };
}

/**
 * The numbers audit's errors for the published briefs, as `briefwire check`
 * reports them. Drafts are left out: a draft never stops a send. (A real send
 * does not load the briefs; the build refuses audit errors and the send refuses
 * a build whose inputs changed, so the dry run says up front what would stop it.)
 */
export async function auditErrors(contentDir: string): Promise<Problem[]> {
  const loaded = await loadContent(contentDir);
  if (!loaded.ok) return loaded.problems;
  return auditContent(loaded.value).filter((p) => p.severity === 'error');
}
