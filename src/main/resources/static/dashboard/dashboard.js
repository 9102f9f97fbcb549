'use strict';
/*
 * Shared by every dashboard page: local clock times and live-counting durations, the "last heard
 * from the service" line, re-rendering the page's live parts from a server fragment, and the
 * action forms (confirmation dialog, POST with the page's CSRF token, the answer as a message).
 */
window.Dashboard = (() => {
  const pad = n => String(n).padStart(2, '0');
  let skewMs = 0; // server clock minus this browser's clock, from the Date header of each answer
  let lastHeard = null;
  let inflight = false;
  let again = false;
  let pending = false;
  let loggedOut = false;
  // A busy phase writes several events a second and every open screen re-fetches on each: one fetch
  // a second per screen at most (the first at once, the last after the burst) keeps fifty wall
  // screens from slowing the cutover they watch. The event feed itself is not held back.
  const MIN_GAP_MS = 1000;
  let lastFetch = 0;
  let delayed = null;

  const now = () => Date.now() + skewMs;

  function clock(iso) {
    const d = new Date(iso);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  function duration(ms) {
    let s = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s -= m * 60;
    if (h > 0) return `${h} h ${pad(m)} min ${pad(s)} s`;
    if (m > 0) return `${m} min ${pad(s)} s`;
    return `${s} s`;
  }

  function formatClocks(root) {
    root.querySelectorAll('time[data-clock]').forEach(t => {
      const iso = t.getAttribute('datetime');
      if (!iso) return;
      t.textContent = clock(iso);
      t.title = new Date(iso).toString();
    });
  }

  function tick() {
    document.querySelectorAll('[data-since]').forEach(el => {
      const since = Date.parse(el.dataset.since);
      if (Number.isNaN(since)) return;
      const until = el.dataset.until ? Date.parse(el.dataset.until) : now();
      el.textContent = duration(until - since);
    });
    const heardEl = document.getElementById('heard');
    if (heardEl && document.body.dataset.refreshUrl) {
      heardEl.hidden = false;
      if (loggedOut) {
        heardEl.textContent = 'logged out';
      } else if (lastHeard === null) {
        heardEl.textContent = 'connecting…';
      } else {
        const ago = Math.max(0, Math.floor((Date.now() - lastHeard) / 1000));
        heardEl.textContent = `last heard from the service ${ago} s ago`;
        heardEl.classList.toggle('stale', ago > 30);
      }
    }
  }

  function heard(response) {
    lastHeard = Date.now();
    const date = response && response.headers.get('Date');
    if (date) {
      const server = Date.parse(date);
      // The header has whole seconds: only correct skews larger than that.
      if (!Number.isNaN(server) && Math.abs(server - Date.now()) > 1500) skewMs = server - Date.now();
    }
    tick();
  }

  function message(text, tone) {
    const el = document.getElementById('message');
    if (!el) return;
    el.textContent = text;
    el.className = `notice tone-${tone}`;
    el.setAttribute('role', tone === 'bad' ? 'alert' : 'status');
    el.hidden = false;
    clearTimeout(el.hideTimer);
    if (tone === 'bad') {
      el.focus();
    } else {
      el.hideTimer = setTimeout(() => { el.hidden = true; }, 8000);
    }
  }

  function showLoggedOut() {
    loggedOut = true;
    const el = document.getElementById('message');
    if (!el) return;
    el.textContent = '';
    el.append('Your session has ended: this screen no longer updates. ');
    const link = document.createElement('a');
    link.href = '/login';
    link.textContent = 'Log in again';
    el.append(link);
    el.className = 'notice tone-bad';
    el.setAttribute('role', 'alert');
    el.hidden = false;
    tick();
  }

  const focusKey = el => el && (el.id || (el.dataset && el.dataset.open) || null);

  let held = null; // live parts that arrived while a dialog was open

  /** Swaps every [data-live] part of the HTML in, keeping the focus; waits while a dialog is open. */
  function swap(html) {
    if (document.querySelector('dialog[open]')) { held = html; return; }
    held = null;
    const fresh = new DOMParser().parseFromString(html, 'text/html');
    const focused = focusKey(document.activeElement);
    fresh.querySelectorAll('[data-live][id]').forEach(part => {
      const old = document.getElementById(part.id);
      if (old) old.replaceWith(document.adoptNode(part));
    });
    if (focused && focusKey(document.activeElement) !== focused) {
      const again = document.getElementById(focused) || document.querySelector(`[data-open="${focused}"]`);
      if (again) again.focus();
    }
    formatClocks(document);
    tick();
    document.dispatchEvent(new CustomEvent('dashboard:refreshed'));
  }

  /** Fetches the page's fragment and swaps every [data-live] part in, unless a dialog is open. */
  async function refresh() {
    const url = document.body.dataset.refreshUrl;
    if (!url || loggedOut) return;
    if (document.querySelector('dialog[open]')) { pending = true; return; }
    if (inflight) { again = true; return; }
    const wait = lastFetch + MIN_GAP_MS - Date.now();
    if (wait > 0) {
      if (delayed === null) delayed = setTimeout(() => { delayed = null; refresh(); }, wait);
      return;
    }
    inflight = true;
    lastFetch = Date.now();
    try {
      const response = await fetch(url, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
      if (response.redirected && new URL(response.url).pathname === '/login') { showLoggedOut(); return; }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      heard(response);
      swap(await response.text());
    } catch (failure) {
      document.dispatchEvent(new CustomEvent('dashboard:unreachable', { detail: failure }));
    } finally {
      inflight = false;
      if (again) { again = false; refresh(); }
    }
  }

  /** Forms in pushed live parts were rendered for everyone, without this session's CSRF field. */
  function csrfHeaders(headers) {
    const name = document.querySelector('meta[name="csrf-header"]');
    const token = document.querySelector('meta[name="csrf-token"]');
    if (name && token) headers[name.content] = token.content;
    return headers;
  }

  function problemText(status, body) {
    if (body && (body.title || body.detail)) return [body.title, body.detail].filter(Boolean).join(': ');
    return `The service answered ${status}; nothing may have happened. Check the event log before trying again.`;
  }

  async function submitAction(form) {
    const button = form.querySelector('[type=submit]');
    if (button) button.disabled = true;
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: csrfHeaders({ Accept: 'application/json' }),
        credentials: 'same-origin',
      });
      const body = await response.json().catch(() => null);
      const dialog = form.closest('dialog');
      if (dialog) dialog.close();
      if (response.ok) {
        heard(response);
        message(body && body.message ? body.message : 'Done', 'good');
        if (response.status === 201 && body && body.location) {
          window.location.assign(body.location);
        } else {
          refresh();
        }
      } else if (response.status === 401) {
        showLoggedOut();
      } else {
        message(problemText(response.status, body), 'bad');
        refresh();
      }
    } catch (failure) {
      message(`The service did not answer (${failure.message}); the action may not have happened. `
        + 'Check the event log before trying again.', 'bad');
    } finally {
      if (button) button.disabled = false;
    }
  }

  document.addEventListener('click', event => {
    const opener = event.target.closest('[data-open]');
    if (opener) {
      const dialog = document.getElementById(opener.dataset.open);
      if (dialog && !dialog.open) dialog.showModal();
      return;
    }
    const closer = event.target.closest('[data-close]');
    if (closer) closer.closest('dialog').close();
  });

  document.addEventListener('submit', event => {
    const form = event.target.closest('form[data-action]');
    if (!form) return;
    event.preventDefault();
    submitAction(form);
  });

  // A refresh that waited for a dialog runs as soon as the dialog closes ('close' does not bubble).
  document.addEventListener('close', () => {
    if (document.querySelector('dialog[open]')) return;
    if (held !== null) swap(held);
    if (pending) { pending = false; refresh(); }
  }, true);

  document.addEventListener('DOMContentLoaded', () => {
    lastHeard = Date.now(); // the service has just served this page
    formatClocks(document);
    tick();
    setInterval(tick, 1000);
    const every = Number(document.body.dataset.refreshEvery || 0);
    if (document.body.dataset.refreshUrl && every > 0) {
      refresh();
      // The clock refresh is for quiet times: skipped while events keep the page fresh anyway.
      setInterval(() => { if (Date.now() - lastFetch >= every * 1000 - 100) refresh(); }, every * 1000);
    }
  });

  return { refresh, swap, heard, message, clock, formatClocks };
})();
