'use strict';
/*
 * The "Replication lag" panel: one uPlot chart per replica or member of each lag gate, over the
 * last six hours of samples. The samples come from /api/cutovers/{id}/gate-samples when the page
 * opens and whenever its stream (re)connects (only those after the newest point held), and one by
 * one as 'gate-sample' events of the stream in between (cutover.js passes them on as
 * 'dashboard:gate-sample'). Each point is [t (ms), lagMs or null, verdict]. The lag is a line with a
 * gap wherever it was unknown; each sample is a marker: a filled circle within the threshold, a
 * cross over it, a triangle on the axis when the lag was unknown. The threshold is a dashed line.
 */
(() => {
  const panel = document.getElementById('lag-charts');
  if (!panel) return;
  const D = window.Dashboard;
  const url = panel.dataset.samplesUrl;
  const WINDOW_MS = 6 * 3600 * 1000;
  const COLORS = { line: '#58a6ff', threshold: '#e3b341', within: '#3fb950', outside: '#ff6b61', unknown: '#9ba8b6',
    broken: '#ff6b61', axis: '#9ba8b6', grid: 'rgba(155,168,182,.15)' };
  const charts = new Map(); // stepId \0 series -> chart state
  let fetching = false;
  let fetchAgain = false;
  let fetchedOnce = false;

  const seconds = ms => (ms === null || ms === undefined ? null : ms / 1000);
  const lagText = ms => (ms === null || ms === undefined ? 'unknown'
    : ms < 10000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${Math.round(ms / 1000)} s`);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  // Whole seconds at the least: a gate samples every second or slower, and clock time reads best.
  const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  const pad = n => String(n).padStart(2, '0');
  function clockAt(seconds, incr) {
    const d = new Date(seconds * 1000);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    return incr >= 60 ? hm : `${hm}:${pad(d.getSeconds())}`;
  }

  function chartHeight() {
    return Math.round(Math.min(240, Math.max(150, window.innerHeight * 0.2)));
  }

  /** The newest point of every chart: what a re-fetch starts after. */
  function newest() {
    let t = null;
    charts.forEach(chart => {
      const last = chart.points[chart.points.length - 1];
      if (last && (t === null || last[0] > t)) t = last[0];
    });
    return t;
  }

  /** Adds points in time order, each time once, whatever order the fetch and the stream deliver them in. */
  function addPoints(chart, points) {
    let added = 0;
    for (const point of points) {
      const list = chart.points;
      const last = list[list.length - 1];
      if (!last || point[0] > last[0]) {
        list.push(point);
        added++;
        continue;
      }
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid][0] < point[0]) lo = mid + 1; else hi = mid;
      }
      if (lo < list.length && list[lo][0] === point[0]) continue;
      list.splice(lo, 0, point);
      added++;
    }
    const from = chart.points[chart.points.length - 1][0] - WINDOW_MS;
    let drop = 0;
    while (drop < chart.points.length && chart.points[drop][0] < from) drop++;
    if (drop > 0) chart.points.splice(0, drop);
    return added;
  }

  function drawMarkers(u, chart) {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const ratio = uPlot.pxRatio;
    const xs = u.data[0];
    // Dense charts (hours at one sample a second) keep every failing marker and thin the passing ones.
    const everyWithin = Math.max(1, Math.ceil(xs.length / (width / (6 * ratio))));
    const r = 3.5 * ratio;
    const bottom = u.valToPos(0, 'y', true);
    ctx.save();
    ctx.beginPath();
    ctx.rect(left - r - ratio, top - r - ratio, width + 2 * (r + ratio), height + 2 * (r + ratio)); // whole markers at the edges
    ctx.clip();
    ctx.lineWidth = 2 * ratio;
    for (let i = 0; i < xs.length; i++) {
      const point = chart.points[i];
      const x = u.valToPos(xs[i], 'x', true);
      const verdict = point[2];
      if (point[1] === null) { // on the axis: a hollow triangle when unknown, a filled one when replication is broken
        ctx.beginPath();
        ctx.moveTo(x, bottom - 2 * r - ratio);
        ctx.lineTo(x - r, bottom - ratio);
        ctx.lineTo(x + r, bottom - ratio);
        ctx.closePath();
        if (verdict === 'broken') {
          ctx.fillStyle = COLORS.broken;
          ctx.fill();
        } else {
          ctx.strokeStyle = COLORS.unknown;
          ctx.lineWidth = 1.5 * ratio;
          ctx.stroke();
          ctx.lineWidth = 2 * ratio;
        }
        continue;
      }
      const y = u.valToPos(seconds(point[1]), 'y', true);
      if (verdict === 'within') {
        if (i % everyWithin !== 0 && i !== xs.length - 1) continue;
        ctx.fillStyle = COLORS.within;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.fill();
      } else {
        ctx.strokeStyle = COLORS.outside;
        ctx.beginPath();
        ctx.moveTo(x - r, y - r);
        ctx.lineTo(x + r, y + r);
        ctx.moveTo(x + r, y - r);
        ctx.lineTo(x - r, y + r);
        ctx.stroke();
      }
    }
    // The threshold's label, at the right end just above its line.
    const ty = u.valToPos(chart.thresholdMs / 1000, 'y', true);
    ctx.font = `${12 * ratio}px system-ui, sans-serif`;
    ctx.fillStyle = COLORS.threshold;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(`threshold ${lagText(chart.thresholdMs)}`, left + width - 4 * ratio, ty - 3 * ratio);
    ctx.restore();
  }

  function data(chart) {
    const xs = chart.points.map(p => p[0] / 1000);
    return [xs, chart.points.map(p => seconds(p[1])), xs.map(() => chart.thresholdMs / 1000)];
  }

  function create(gate, stepId, series, thresholdMs) {
    const figure = el('figure', 'lag-chart');
    figure.dataset.step = stepId;
    figure.dataset.series = series;
    figure.dataset.points = '0';
    figure.dataset.thresholdMs = String(thresholdMs);
    const caption = el('figcaption', 'lag-caption');
    const name = el('strong', 'lag-series mono', series);
    const values = el('span', 'lag-values small num');
    const readout = el('span', 'lag-readout small muted num');
    readout.setAttribute('aria-hidden', 'true');
    caption.append(el('span', 'muted small', gate.dataset.engine === 'member' ? 'member' : 'replica'), name, values, readout);
    const plot = el('div', 'lag-plot');
    figure.append(caption, plot);
    gate.querySelector('[data-charts]').append(figure);

    const chart = { figure, plot, values, readout, thresholdMs, points: [], u: null, pending: false };
    const opts = {
      width: Math.max(200, plot.clientWidth),
      height: chartHeight(),
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: { range: (u, min, max) => [0, Math.max((max || 0) * 1.15, chart.thresholdMs / 1000 * 1.6, 1)] },
      },
      axes: [
        { stroke: COLORS.axis, grid: { stroke: COLORS.grid }, ticks: { stroke: COLORS.grid }, space: 80,
          incrs: TIME_INCRS, values: (u, splits, axis, space, incr) => splits.map(v => clockAt(v, incr)) },
        { stroke: COLORS.axis, grid: { stroke: COLORS.grid }, ticks: { stroke: COLORS.grid }, size: 56,
          label: 'lag (s)', labelSize: 20, values: (u, splits) => splits.map(v => `${+v.toFixed(2)} s`) },
      ],
      series: [
        {},
        { label: 'lag', stroke: COLORS.line, width: 2, spanGaps: false, points: { show: false } },
        { label: 'threshold', stroke: COLORS.threshold, width: 1.5, dash: [8, 5], points: { show: false } },
      ],
      hooks: {
        draw: [u => drawMarkers(u, chart)],
        setCursor: [u => readoutAt(chart, u.cursor.idx)],
      },
    };
    chart.u = new uPlot(opts, data(chart), plot);
    new ResizeObserver(() => {
      const width = Math.max(200, plot.clientWidth);
      if (width !== chart.u.width) chart.u.setSize({ width, height: chartHeight() });
    }).observe(plot);
    return chart;
  }

  function readoutAt(chart, idx) {
    const point = idx === null || idx === undefined ? null : chart.points[idx];
    chart.readout.textContent = point ? `${D.clock(new Date(point[0]).toISOString())}: ${lagText(point[1])}, ${
      { within: 'within threshold', outside: 'over threshold', broken: 'replication broken' }[point[2]] || point[2]}` : '';
  }

  function summarize(chart) {
    const points = chart.points;
    const last = points[points.length - 1];
    let max = null;
    let over = 0;
    let unknown = 0;
    for (const p of points) {
      if (p[1] === null) unknown++;
      else if (max === null || p[1] > max) max = p[1];
      if (p[2] !== 'within') over++;
    }
    chart.figure.dataset.points = String(points.length);
    chart.figure.dataset.lastLagMs = last && last[1] !== null ? String(last[1]) : '';
    chart.figure.dataset.lastVerdict = last ? last[2] : '';
    chart.values.textContent = `last ${lagText(last[1])} · max ${max === null ? 'unknown' : lagText(max)} · `
      + `${points.length} sample${points.length === 1 ? '' : 's'}`
      + (over > 0 ? `, ${over} not within` : '') + (unknown > 0 ? ` (${unknown} unknown)` : '');
    chart.values.classList.toggle('over', !!last && last[2] !== 'within');
  }

  function redraw(chart) {
    if (chart.pending) return;
    chart.pending = true;
    requestAnimationFrame(() => {
      chart.pending = false;
      chart.u.setData(data(chart));
      summarize(chart);
    });
  }

  function take(seriesList) {
    for (const s of seriesList || []) {
      const gate = panel.querySelector(`[data-gate-step="${CSS.escape(s.stepId)}"]`);
      if (!gate || !s.points || s.points.length === 0) continue;
      const key = `${s.stepId}\u0000${s.series}`;
      let chart = charts.get(key);
      if (!chart) {
        chart = create(gate, s.stepId, s.series, s.thresholdMs);
        charts.set(key, chart);
        gate.querySelector('[data-empty]').hidden = true;
      }
      chart.thresholdMs = s.thresholdMs;
      chart.figure.dataset.thresholdMs = String(s.thresholdMs);
      if (addPoints(chart, s.points) > 0) redraw(chart);
    }
  }

  /** All samples the first time, then only those after the newest point held (after a dropped stream). */
  async function load() {
    if (fetching) { fetchAgain = true; return; }
    fetching = true;
    try {
      const since = fetchedOnce ? newest() : null;
      const query = since === null ? '' : `?since=${encodeURIComponent(new Date(since).toISOString())}`;
      const response = await fetch(url + query, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      take((await response.json()).series);
      fetchedOnce = true;
      panel.dataset.loaded = 'true';
    } catch (failure) {
      panel.dataset.loaded = 'failed';
    } finally {
      fetching = false;
      if (fetchAgain) { fetchAgain = false; load(); }
    }
  }

  // The page's refresh re-renders each gate's state and its "no samples yet" line: hide that line again.
  document.addEventListener('dashboard:refreshed', () => charts.forEach(chart => {
    const empty = chart.figure.closest('.lag-gate').querySelector('[data-empty]');
    if (empty) empty.hidden = true;
  }));
  document.addEventListener('dashboard:gate-sample', event => take(event.detail && event.detail.series));
  document.addEventListener('dashboard:stream-open', load);
  document.addEventListener('DOMContentLoaded', load);
  window.addEventListener('resize', () => charts.forEach(chart => {
    chart.u.setSize({ width: Math.max(200, chart.plot.clientWidth), height: chartHeight() });
  }));
})();
