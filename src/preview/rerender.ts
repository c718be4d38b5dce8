/**
 * What to re-render after a recompute: the editions whose rendered view
 * changed. A pure function of the editions before and after, so it is tested
 * on its own, drafts included.
 *
 * An edition's view reads all of its data except history older than the
 * trend window (viewInputs), so comparing those inputs is exact without
 * building 520 views per keystroke. Histories are never compared in full:
 * edition n carries every earlier point, which would make the comparison
 * quadratic in the archive's length.
 */
import type { Edition } from '../model.js';
import { viewInputs } from '../render/view-model.js';

/** Editions are immutable once computed, so each one's key is worked out once (the previous list is the last update's next). */
const keys = new WeakMap<Edition, string>();

function viewInputsKey(edition: Edition): string {
  let key = keys.get(edition);
  if (key === undefined) keys.set(edition, (key = JSON.stringify(viewInputs(edition))));
  return key;
}

/** Dates in `next` whose view differs from the edition with that date in `previous`, or that are new. */
export function changedViews(previous: readonly Edition[], next: readonly Edition[]): Set<string> {
  const before = new Map(previous.map((e) => [e.date, e]));
  const changed = new Set<string>();
  for (const edition of next) {
    const old = before.get(edition.date);
    if (!old || (old !== edition && viewInputsKey(old) !== viewInputsKey(edition))) changed.add(edition.date);
  }
  return changed;
}
