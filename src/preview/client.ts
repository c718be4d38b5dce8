/**
 * The script inlined into every preview page (plain browser JavaScript, no
 * bundler). It
 * - switches views (desktop/mobile email, plain text, HTML source, data,
 *   email clients) by
 *   setting body[data-view]; CSS does the rest, so the iframe never reloads
 *   for a switch. The view is kept in the URL hash.
 * - shows the email in dark mode on request (the Dark mode toggle, kept in
 *   the URL hash too) by switching the email's prefers-color-scheme rules
 *   inside the frame.
 * - listens to /events (Server-Sent Events). On an update it fetches the
 *   page again and swaps only the `[data-live]` elements that differ; the
 *   email iframe is replaced by a second iframe loaded out of sight, then
 *   swapped in at the same scroll position. No location.reload(), so there
 *   is no white flash and the reader keeps their place.
 * - shows the error overlay as soon as the event says so, before the fetch.
 * - fetches itself again when a `report` event says the shown edition's
 *   client report is ready (the page is served without waiting for it).
 */
export const CLIENT_SCRIPT = String.raw`
(() => {
  'use strict';
  const body = document.body;
  // The views are the switches the page has (VIEWS in preview-pages.ts).
  const VIEWS = [...document.querySelectorAll('.switches button[data-view]')].map((b) => b.dataset.view);
  let collapsed = false;

  // The URL hash keeps the view and the colour scheme: #mobile, #dark, #mobile+dark.
  const state = { view: 'desktop', scheme: 'light' };
  function rememberState() {
    const tokens = [state.view === 'desktop' ? '' : state.view, state.scheme === 'dark' ? 'dark' : ''].filter(Boolean);
    history.replaceState(null, '', tokens.length ? '#' + tokens.join('+') : location.pathname + location.search);
  }

  function setView(view, remember) {
    if (!VIEWS.includes(view)) view = 'desktop';
    state.view = view;
    body.dataset.view = view;
    for (const b of document.querySelectorAll('.switches button')) b.setAttribute('aria-pressed', String(b.dataset.view === view));
    if (remember) rememberState();
  }

  function setScheme(scheme, remember) {
    state.scheme = scheme === 'dark' ? 'dark' : 'light';
    body.dataset.scheme = state.scheme;
    const toggle = document.getElementById('scheme-dark');
    if (toggle) toggle.setAttribute('aria-pressed', String(state.scheme === 'dark'));
    const frame = document.getElementById('email-frame');
    if (frame) applyScheme(frame);
    if (remember) rememberState();
  }

  // Dark mode for the email. An iframe's prefers-color-scheme does not follow the
  // color-scheme of the <iframe> element in Chromium, so the email's own
  // prefers-color-scheme rules are switched inside the (same-origin) frame: the chosen
  // scheme's queries always match, the other's never, whatever the system prefers.
  const originalMedia = new WeakMap();
  function forcedMedia(text) {
    return text.split(',').map((query) => {
      const m = /\(\s*prefers-color-scheme\s*:\s*(light|dark)\s*\)/i.exec(query);
      if (!m) return query;
      return m[1].toLowerCase() === state.scheme ? query.replace(m[0], '(min-width: 0px)') : 'not all';
    }).join(',');
  }
  function forceScheme(rules) {
    for (const rule of rules) {
      if (rule.media && rule.cssRules) {
        if (!originalMedia.has(rule)) originalMedia.set(rule, rule.media.mediaText);
        const text = originalMedia.get(rule);
        if (/prefers-color-scheme/i.test(text)) rule.media.mediaText = forcedMedia(text);
      }
      if (rule.cssRules) forceScheme(rule.cssRules);
    }
  }
  function applyScheme(frame) {
    let doc = null;
    try { doc = frame.contentDocument; } catch (e) { /* not same-origin: leave it */ }
    if (!doc || !doc.documentElement) return;
    doc.documentElement.style.colorScheme = state.scheme;
    for (const sheet of doc.styleSheets) {
      try { forceScheme(sheet.cssRules); } catch (e) { /* a sheet we may not read */ }
    }
  }
  // Every email frame that loads (the first one, and each one swapped in after a save)
  // gets the scheme before it is shown: load does not bubble, but it can be captured.
  document.addEventListener('load', (ev) => {
    if (ev.target instanceof HTMLIFrameElement) applyScheme(ev.target);
  }, true);

  if (body.dataset.page === 'edition') {
    const tokens = location.hash.slice(1).split('+');
    setView(tokens.find((t) => VIEWS.includes(t)) || 'desktop', false);
    setScheme(tokens.includes('dark') ? 'dark' : 'light', false);
  }

  function applyCollapse() {
    body.classList.toggle('overlay-collapsed', collapsed);
    const t = document.getElementById('overlay-toggle');
    if (t) t.textContent = collapsed ? 'Show' : 'Hide';
  }

  document.addEventListener('click', (ev) => {
    const button = ev.target instanceof Element ? ev.target.closest('button') : null;
    if (!button) return;
    if (button.id === 'overlay-toggle') {
      collapsed = !collapsed;
      applyCollapse();
    } else if (button.id === 'scheme-dark') {
      setScheme(state.scheme === 'dark' ? 'light' : 'dark', true);
    } else if (button.dataset.view) {
      setView(button.dataset.view, true);
    }
  });

  function replaceLive(fresh) {
    const current = document.getElementById(fresh.id);
    if (!current || current.outerHTML === fresh.outerHTML) return false;
    current.replaceWith(document.importNode(fresh, true));
    return true;
  }

  function setOverlay(html) {
    const tpl = document.createElement('template');
    tpl.innerHTML = html;
    const fresh = tpl.content.firstElementChild;
    // New problems open the overlay again even if the last ones were hidden.
    if (fresh && replaceLive(fresh)) collapsed = false;
    applyCollapse();
  }

  let incoming = null;
  function swapFrame(src) {
    const current = document.getElementById('email-frame');
    if (!current || !src || current.getAttribute('src') === src) return;
    if (incoming && incoming.getAttribute('src') === src) return;
    if (incoming) incoming.remove();
    const next = document.createElement('iframe');
    next.className = 'incoming';
    next.title = current.title;
    incoming = next;
    next.addEventListener('load', () => {
      if (incoming !== next) return;
      incoming = null;
      try {
        next.contentWindow.scrollTo(0, current.contentWindow ? current.contentWindow.scrollY : 0);
      } catch (e) { /* about:blank or navigated away: nothing to keep */ }
      current.remove();
      next.className = '';
      next.id = 'email-frame';
      window.dispatchEvent(new CustomEvent('preview:frame', { detail: src }));
    });
    next.setAttribute('src', src);
    current.parentNode.appendChild(next);
  }

  let running = false;
  let again = false;
  async function refresh() {
    if (running) { again = true; return; }
    running = true;
    try {
      do {
        again = false;
        const res = await fetch(location.pathname + location.search, { cache: 'no-store' });
        const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
        if (doc.body.dataset.page !== body.dataset.page) { location.reload(); return; }
        document.title = doc.title;
        for (const fresh of doc.querySelectorAll('[data-live][id]')) {
          if (fresh.id === 'overlay') setOverlay(fresh.outerHTML);
          else replaceLive(fresh);
        }
        const frame = doc.getElementById('email-frame');
        if (frame) swapFrame(frame.getAttribute('src'));
        body.dataset.build = doc.body.dataset.build;
      } while (again);
      window.dispatchEvent(new CustomEvent('preview:updated', { detail: body.dataset.build }));
    } catch (err) {
      console.warn('preview: could not refresh', err);
    } finally {
      running = false;
    }
  }

  // An edition page names its edition: the server renders the editions being looked at first.
  const shown = body.dataset.page === 'edition' ? /^\/editions\/([0-9-]+)\//.exec(location.pathname) : null;
  const events = new EventSource(shown ? '/events?edition=' + shown[1] : '/events');
  events.addEventListener('hello', (e) => {
    // After a reconnect (or a server restart) the page may be behind.
    if (JSON.parse(e.data).build !== body.dataset.build) refresh();
  });
  events.addEventListener('update', (e) => {
    const data = JSON.parse(e.data);
    if (typeof data.overlay === 'string') setOverlay(data.overlay);
    // The new email starts loading now, alongside the page's own fetch.
    if (shown && data.frames && data.frames[shown[1]]) swapFrame(data.frames[shown[1]]);
    if (data.build !== body.dataset.build) refresh();
  });
  // The edition's client report, computed after the page was served, is ready to fetch.
  events.addEventListener('report', (e) => {
    if (shown && JSON.parse(e.data).edition === shown[1]) refresh();
  });
  window.__preview = { refresh, setView, setScheme };
})();
`;
