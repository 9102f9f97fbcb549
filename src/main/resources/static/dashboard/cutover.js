'use strict';
/*
 * The live part of one cutover's page: listens to the cutover's event stream, adds each event to the
 * feed once (by event id, even when a reconnect replays it), swaps in the live parts the service
 * pushes on the same stream (rendered once for every screen), and says so at once when the stream drops. The browser reconnects by itself with Last-Event-ID; when it
 * gives up (an error answer rather than a dropped connection) this reconnects with ?after=<last id>.
 */
(() => {
  const D = window.Dashboard;
  const url = document.body.dataset.streamUrl;
  const feed = document.getElementById('feed');
  const count = document.getElementById('feed-count');
  const banner = document.getElementById('stream-banner');
  const MAX_SHOWN = 1000;
  const seen = new Set();
  let lastEventId = null;
  let source = null;
  let retry = null;

  const OUTCOME_TONES = {
    succeeded: 'good', completed: 'good', failed: 'bad', rollback_failed: 'bad', requested: 'attention', retrying: 'attention',
    stopped: 'attention', accepted: 'active', started: 'active',
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function render(event) {
    const tone = OUTCOME_TONES[event.outcome] || 'idle';
    const item = el('li', `event tone-${tone}`);
    item.dataset.id = String(event.id);
    const time = el('time', 'event-time mono');
    time.dateTime = event.occurredAt;
    time.textContent = D.clock(event.occurredAt);
    time.title = new Date(event.occurredAt).toString();
    const head = el('div', 'event-head');
    head.append(el('span', 'event-actor', event.actor), el('span', 'event-action', event.action),
      el('span', `state small tone-${tone}`, event.outcome));
    const where = [event.phase, event.stepId].filter(Boolean).join(' / ');
    if (where) head.append(el('span', 'event-where muted', where));
    const body = el('div', 'event-body');
    body.append(head);
    if (event.message) body.append(el('p', 'event-message', event.message));
    const evidence = event.evidence || {};
    if (Object.keys(evidence).length > 0) {
      const details = el('details', 'evidence');
      details.append(el('summary', null, 'Evidence'), el('pre', null, JSON.stringify(evidence, null, 2)));
      body.append(details);
    }
    item.append(time, body);
    return item;
  }

  /** Newest first, in id order whatever order events arrive in; an id already shown is dropped. */
  function add(event) {
    if (seen.has(event.id)) return false;
    seen.add(event.id);
    const item = render(event);
    let before = null;
    for (const child of feed.children) {
      if (Number(child.dataset.id) < event.id) { before = child; break; }
    }
    feed.insertBefore(item, before);
    while (feed.children.length > MAX_SHOWN) feed.lastElementChild.remove();
    count.textContent = `(${seen.size} event${seen.size === 1 ? '' : 's'})`;
    return true;
  }

  function lost(isLost) {
    banner.hidden = !isLost;
    document.body.classList.toggle('stream-lost', isLost);
  }

  function connect() {
    retry = null;
    const separator = url.includes('?') ? '&' : '?';
    const from = lastEventId === null ? url : `${url}${separator}after=${encodeURIComponent(lastEventId)}`;
    source = new EventSource(from);
    source.addEventListener('open', () => {
      lost(false);
      D.heard(); // the service pushes the live parts as they are now
      document.dispatchEvent(new CustomEvent('dashboard:stream-open')); // lag charts fetch what they missed
    });
    source.addEventListener('cutover-event', message => {
      D.heard();
      if (message.lastEventId) lastEventId = message.lastEventId;
      add(JSON.parse(message.data));
    });
    source.addEventListener('live-parts', message => {
      D.heard();
      D.swap(message.data);
    });
    source.addEventListener('heartbeat', () => D.heard());
    // New lag samples (no SSE id: they are not in the event log); lag-charts.js draws them.
    source.addEventListener('gate-sample', message => {
      D.heard();
      document.dispatchEvent(new CustomEvent('dashboard:gate-sample', { detail: JSON.parse(message.data) }));
    });
    source.addEventListener('error', () => {
      lost(true);
      if (source.readyState === EventSource.CLOSED && retry === null) {
        D.refresh(); // an error answer: says so if it is the session that ended
        retry = setTimeout(connect, 3000);
      }
    });
  }

  document.addEventListener('dashboard:unreachable', () => {
    if (!source || source.readyState !== EventSource.OPEN) lost(true);
  });

  document.addEventListener('DOMContentLoaded', connect);
  window.addEventListener('pagehide', () => source && source.close());
})();
