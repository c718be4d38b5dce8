/**
 * The "Email clients" pane of an edition page: the edition's compatibility
 * report (the same as `briefwire check` prints), one row per client, what
 * our templates add beside what MJML's own markup brings. Pure HTML.
 */
import { featureList, MUST_SUPPORT } from '../render/compatibility-summary.js';
import { escapeHtml } from '../util/escape.js';
import type { EditionCompatibilityResult } from './compatibility-reports.js';

export function compatibilityPaneHtml(result: EditionCompatibilityResult | 'pending' | undefined): string {
  return `<section id="pane-clients" class="pane" data-live>${paneBody(result)}</section>`;
}

function paneBody(result: EditionCompatibilityResult | 'pending' | undefined): string {
  if (!result) return '<p class="notice" id="clients-status">The report appears once the edition has rendered.</p>';
  if (result === 'pending') return '<p class="notice" id="clients-status">Checking the email against each client…</p>';
  if ('failed' in result) return `<p class="notice" id="clients-status">The compatibility check failed: ${escapeHtml(result.failed)}</p>`;
  const added = result.report.filter((c) => MUST_SUPPORT.includes(c.client) && c.templates.length > 0);
  const summary =
    added.length === 0
      ? '<p id="clients-status" class="clients-status ok">Our templates add nothing that Gmail, Outlook or Apple Mail lacks.</p>'
      : `<p id="clients-status" class="clients-status bad">Our templates add features that ${escapeHtml(added.map((c) => c.client).join(', '))} ${added.length === 1 ? 'lacks' : 'lack'}: see the warnings above.</p>`;
  const rows = result.report
    .map((c) => {
      const level = c.templates.length === 0 ? 'ok' : MUST_SUPPORT.includes(c.client) ? 'bad' : 'warn';
      return `<tr data-client="${escapeHtml(c.client)}" data-added="${c.templates.length}">
        <th scope="row">${escapeHtml(c.client)}</th>
        <td class="added ${level}">${escapeHtml(featureList(c.client, c.templates))}</td>
        <td class="mjml">${escapeHtml(featureList(c.client, c.mjml))}</td>
      </tr>`;
    })
    .join('');
  return `<div class="clients">${summary}
    <table id="clients-table" class="data clients">
      <caption>Features each client does not support, from caniemail's data. MJML's own markup is the same in every edition.</caption>
      <thead><tr><th>Client</th><th>Added by our templates</th><th>MJML's own markup</th></tr></thead>
      <tbody>${rows}</tbody>
    </table></div>`;
}
