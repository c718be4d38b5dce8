/**
 * The email client compatibility of the editions the preview shows, the same
 * report as `briefwire check`: computed when a page asks for an edition, and
 * kept with the render it describes (a re-render is a new email, so a new
 * report). MJML's own gaps come from one baseline per layout. The page does
 * not wait for it: it shows the report as pending, and fetches itself again
 * when told the report is ready.
 *
 * The report needs the layout an email was filled from. The state keeps its
 * template set to itself, so the render function it is given is wrapped to
 * remember, per rendered email, the template set that produced it.
 */
import type { Problem } from '../problems.js';
import type { TemplateSet } from '../render/templates.js';
import { EMAIL_TEMPLATE } from '../render/templates.js';
import type { RenderedEmail } from '../render/email.js';
import { emailProgramOf } from '../render/email.js';
import type { RenderedEdition } from '../render/render-edition.js';
import { compatibilityAgainst, compatibilityBaseline, type ClientCompatibility, type CompatibilityBaseline } from '../render/compatibility.js';
import { compatibilityProblems } from '../render/compatibility-summary.js';
import type { RenderFn } from './state.js';

export type EditionCompatibilityResult =
  | { report: ClientCompatibility[]; problems: Problem[] }
  /** The check itself failed (the layout's baseline did not compile); the page says why. */
  | { failed: string };

/** How long a report waits for the page that asked to fetch its email first. */
const DEFER_MS = 250;

/** Layouts whose baseline is kept: the current one and a few recent ones (a template being edited). */
const BASELINES_KEPT = 4;

export class CompatibilityReports {
  private readonly templatesOf = new WeakMap<RenderedEmail, TemplateSet>();
  private readonly results = new WeakMap<RenderedEmail, Promise<EditionCompatibilityResult>>();
  private readonly settled = new WeakMap<RenderedEmail, EditionCompatibilityResult>();
  private readonly scheduled = new WeakSet<RenderedEmail>();
  private readonly baselines = new Map<string, Promise<CompatibilityBaseline>>();

  /** `render`, remembering which template set filled each email. */
  recording(render: RenderFn): RenderFn {
    return async (edition, newsletter, templates) => {
      const r = await render(edition, newsletter, templates);
      if (r.rendered) this.templatesOf.set(r.rendered.email, templates);
      return r;
    };
  }

  /** The report of a render; undefined for one this object did not see rendered. */
  private of(rendered: RenderedEdition): Promise<EditionCompatibilityResult> | undefined {
    const { email } = rendered;
    const templates = this.templatesOf.get(email);
    if (!templates) return undefined;
    let result = this.results.get(email);
    if (!result) {
      result = this.compute(email.html, templates)
        .catch((e: unknown) => ({ failed: (e as Error).message }))
        .then((r) => (this.settled.set(email, r), r));
      this.results.set(email, result);
    }
    return result;
  }

  /**
   * The report if it is ready, else 'pending': a page is not held back for
   * it (a save shows at once), and `ready` is called, once per render, when
   * the report is there to fetch. Checking an email takes tens of
   * milliseconds of the server's one thread, so it does not start while the
   * page that asked is still loading: `startNow` when that page's email has
   * just been served (the page has what it needs), otherwise after
   * DEFER_MS, for a page whose email never asks.
   */
  now(rendered: RenderedEdition, ready: () => void, startNow = false): EditionCompatibilityResult | 'pending' | undefined {
    const { email } = rendered;
    const done = this.settled.get(email);
    if (done) return done;
    if (!this.templatesOf.has(email)) return undefined;
    // The first start computes the report and announces it; a later one finds it under way.
    const start = (): void => {
      if (!this.results.has(email)) void this.of(rendered)?.then(ready);
    };
    if (startNow) setImmediate(start);
    else if (!this.scheduled.has(email)) {
      this.scheduled.add(email);
      setTimeout(start, DEFER_MS).unref();
    }
    return 'pending';
  }

  private async compute(html: string, templates: TemplateSet): Promise<EditionCompatibilityResult> {
    const { program } = await emailProgramOf(templates);
    const templateFile = templates.files.get(EMAIL_TEMPLATE);
    if (!program || !templateFile) return { failed: 'the email template did not compile' };
    const report = compatibilityAgainst(html, await this.baseline(program.key, program.mjml, templateFile));
    return { report, problems: compatibilityProblems(templateFile, report) };
  }

  private baseline(key: string, mjml: string, templateFile: string): Promise<CompatibilityBaseline> {
    let baseline = this.baselines.get(key);
    if (!baseline) {
      baseline = compatibilityBaseline(mjml, templateFile);
      this.baselines.set(key, baseline);
      baseline.catch(() => this.baselines.delete(key));
      for (const old of [...this.baselines.keys()].slice(0, -BASELINES_KEPT)) this.baselines.delete(old);
    }
    return baseline;
  }
}
