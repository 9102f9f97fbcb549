'use strict';
/*
 * The "Gate samples" panel: one uPlot chart per series of each sampled gate, over the last six hours
 * of samples — per replica or member of a lag gate (kind 'lag'), per query of a metric gate or of a
 * dns-shift's guard (kind 'metric'). The samples come from /api/cutovers/{id}/gate-samples when the
 * page opens and whenever its stream (re)connects (only those after the newest point held), and one
 * by one as 'gate-sample' events of the stream in between (cutover.js passes them on as
 * 'dashboard:gate-sample'). Each point is [t (ms), value or null, verdict].
 * Lag: the lag is a line with a gap wherever it was unknown; each sample is a marker: a filled
 * circle within the threshold, a cross over it, a triangle on the axis when the lag was unknown. The
 * threshold is a dashed line.
 * Metric: the value is a line with a gap wherever there was no data; the pass condition is a dashed
 * line and the failWhen condition a dotted one, each labelled; markers: a filled circle when the
 * value met pass, a cross when it missed it, a filled square when it met failWhen, a hollow triangle
 * on the axis when there was no data. Shape carries the verdict, not colour alone.
 */
(() => {
  const panel = document.getElementById('lag-charts');
  if (!panel) return;
  const D = window.Dashboard;
  const url = panel.dataset.samplesUrl;
  const WINDOW_MS = 6 * 3600 * 1000;
  const COLORS = { line: '#58a6ff', threshold: '#e3b341', within: '#3fb950', outside: '#ff6b61', unknown: '#9ba8b6',
    broken: '#ff6b61', missed: '#f0883e', failWhen: '#ff6b61', axis: '#9ba8b6', grid: 'rgba(155,168,182,.15)' };
  const charts = new Map(); // stepId \0 series -> chart state
  let fetching = false;
  let fetchAgain = false;
  let fetchedOnce = false;

  const seconds = ms => (ms === null || ms === undefined ? null : ms / 1000);
  // A metric value: three significant digits at most, with the query's unit when it has one.
  const number = v => (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(+v.toPrecision(3)));
  const valueText = (v, unit) => (v === null || v === undefined ? 'no data' : unit ? `${number(v)} ${unit}` : number(v));
  const isLag = chart => chart.kind === 'lag';
  /** What a chart draws on its y scale: seconds of lag, or the metric's value as read. */
  const yOf = (chart, value) => (isLag(chart) ? seconds(value) : value === null || value === undefined ? null : value);
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

  function triangle(ctx, x, bottom, r, ratio, filled, color) {
    ctx.beginPath();
    ctx.moveTo(x, bottom - 2 * r - ratio);
    ctx.lineTo(x - r, bottom - ratio);
    ctx.lineTo(x + r, bottom - ratio);
    ctx.closePath();
    if (filled) {
      ctx.fillStyle = color;
      ctx.fill();
    } else {
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5 * ratio;
      ctx.stroke();
      ctx.lineWidth = 2 * ratio;
    }
  }

  function cross(ctx, x, y, r, color) {
    ctx.strokeStyle = color;
    ctx.beginPath();
    ctx.moveTo(x - r, y - r);
    ctx.lineTo(x + r, y + r);
    ctx.moveTo(x + r, y - r);
    ctx.lineTo(x - r, y + r);
    ctx.stroke();
  }

  /** A line's label at the right end, above its line (below it when the line is near the top). */
  function lineLabel(u, ctx, text, value, color, ratio) {
    const { left, top, width } = u.bbox;
    const y = u.valToPos(value, 'y', true);
    const above = y - top > 16 * ratio;
    ctx.fillStyle = color;
    ctx.textAlign = 'right';
    ctx.textBaseline = above ? 'bottom' : 'top';
    ctx.fillText(text, left + width - 4 * ratio, above ? y - 3 * ratio : y + 3 * ratio);
  }

  function drawMarkers(u, chart) {
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const ratio = uPlot.pxRatio;
    const xs = u.data[0];
    const lag = isLag(chart);
    // Dense charts (hours at one sample a second) keep every failing marker and thin the passing ones.
    const everyWithin = Math.max(1, Math.ceil(xs.length / (width / (6 * ratio))));
    const r = 3.5 * ratio;
    const bottom = lag ? u.valToPos(0, 'y', true) : top + height;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left - r - ratio, top - r - ratio, width + 2 * (r + ratio), height + 2 * (r + ratio)); // whole markers at the edges
    ctx.clip();
    ctx.lineWidth = 2 * ratio;
    for (let i = 0; i < xs.length; i++) {
      const point = chart.points[i];
      const x = u.valToPos(xs[i], 'x', true);
      const verdict = point[2];
      if (point[1] === null) { // on the axis: hollow when unknown or no data, filled when replication is broken
        triangle(ctx, x, bottom, r, ratio, verdict === 'broken', verdict === 'broken' ? COLORS.broken : COLORS.unknown);
        continue;
      }
      const y = u.valToPos(yOf(chart, point[1]), 'y', true);
      if (verdict === 'within' || verdict === 'pass') {
        if (i % everyWithin !== 0 && i !== xs.length - 1) continue;
        ctx.fillStyle = COLORS.within;
        ctx.beginPath();
        ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.fill();
      } else if (verdict === 'fail-when') {
        ctx.fillStyle = COLORS.failWhen;
        ctx.fillRect(x - r, y - r, 2 * r, 2 * r);
      } else {
        cross(ctx, x, y, r, verdict === 'fail' ? COLORS.missed : COLORS.outside);
      }
    }
    ctx.font = `${12 * ratio}px system-ui, sans-serif`;
    if (lag) {
      lineLabel(u, ctx, `threshold ${lagText(chart.thresholdMs)}`, chart.thresholdMs / 1000, COLORS.threshold, ratio);
    } else {
      if (chart.pass) lineLabel(u, ctx, `pass ${chart.pass.text}`, chart.pass.value, COLORS.threshold, ratio);
      if (chart.failWhen) lineLabel(u, ctx, `failWhen ${chart.failWhen.text}`, chart.failWhen.value, COLORS.failWhen, ratio);
    }
    ctx.restore();
  }

  function data(chart) {
    const xs = chart.points.map(p => p[0] / 1000);
    const values = chart.points.map(p => yOf(chart, p[1]));
    if (isLag(chart)) return [xs, values, xs.map(() => chart.thresholdMs / 1000)];
    const lines = [xs, values];
    if (chart.pass) lines.push(xs.map(() => chart.pass.value));
    if (chart.failWhen) lines.push(xs.map(() => chart.failWhen.value));
    return lines;
  }

  /** A metric's y range: the values and both lines in view, zero included, with room above. */
  function metricRange(chart, min, max) {
    let lo = 0;
    let hi = 0;
    const take = v => { if (v !== null && v !== undefined && Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); } };
    take(min);
    take(max);
    if (chart.pass) take(chart.pass.value);
    if (chart.failWhen) take(chart.failWhen.value);
    const span = hi - lo || Math.abs(hi) || 1;
    return [lo < 0 ? lo - span * 0.1 : 0, hi + span * 0.15];
  }

  function create(gate, s) {
    const kind = s.kind === 'metric' ? 'metric' : 'lag';
    const figure = el('figure', 'lag-chart');
    figure.dataset.step = s.stepId;
    figure.dataset.series = s.series;
    figure.dataset.kind = kind;
    figure.dataset.points = '0';
    const caption = el('figcaption', 'lag-caption');
    const title = el('span', 'lag-title');
    title.append(el('span', 'muted', kind === 'lag' ? 'replication lag — ' : 'metric — '), el('strong', 'lag-series mono', s.series));
    const values = el('span', 'lag-values small num');
    const readout = el('span', 'lag-readout small muted num');
    readout.setAttribute('aria-hidden', 'true');
    caption.append(title, values, readout);
    const plot = el('div', 'lag-plot');
    figure.append(caption, plot);
    gate.querySelector('[data-charts]').append(figure);

    const chart = { kind, figure, plot, values, readout, points: [], u: null, pending: false };
    describe(chart, s);
    const lag = kind === 'lag';
    const series = [{}, { label: lag ? 'lag' : 'value', stroke: COLORS.line, width: 2, spanGaps: false, points: { show: false } }];
    if (lag || chart.pass) {
      series.push({ label: lag ? 'threshold' : 'pass', stroke: COLORS.threshold, width: 1.5, dash: [8, 5], points: { show: false } });
    }
    if (!lag && chart.failWhen) {
      series.push({ label: 'failWhen', stroke: COLORS.failWhen, width: 1.5, dash: [2, 4], points: { show: false } });
    }
    figure.dataset.lines = series.slice(1).map(line => line.label).join(',');
    const yLabel = lag ? 'lag (s)' : chart.unit ? `value (${chart.unit})` : 'value';
    figure.dataset.yLabel = yLabel; // uPlot draws the axis on its canvas: what it says, for readers of the page
    const opts = {
      width: Math.max(200, plot.clientWidth),
      height: chartHeight(),
      legend: { show: false },
      cursor: { points: { show: false }, drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: { range: (u, min, max) => (lag ? [0, Math.max((max || 0) * 1.15, chart.thresholdMs / 1000 * 1.6, 1)]
          : metricRange(chart, min, max)) },
      },
      axes: [
        { stroke: COLORS.axis, grid: { stroke: COLORS.grid }, ticks: { stroke: COLORS.grid }, space: 80,
          incrs: TIME_INCRS, values: (u, splits, axis, space, incr) => splits.map(v => clockAt(v, incr)) },
        { stroke: COLORS.axis, grid: { stroke: COLORS.grid }, ticks: { stroke: COLORS.grid }, size: lag ? 56 : 64,
          label: yLabel, labelSize: 20,
          values: (u, splits) => splits.map(v => (lag ? `${+v.toFixed(2)} s` : number(+v.toPrecision(6)))) },
      ],
      series,
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

  /** What the series says about itself (threshold, unit, conditions), as of its newest point. */
  function describe(chart, s) {
    const figure = chart.figure;
    if (isLag(chart)) {
      chart.thresholdMs = s.thresholdMs;
      figure.dataset.thresholdMs = String(s.thresholdMs);
      return;
    }
    chart.unit = s.unit || null;
    chart.pass = s.pass || null;
    chart.failWhen = s.failWhen || null;
    figure.dataset.unit = chart.unit || '';
    figure.dataset.pass = chart.pass ? chart.pass.text : '';
    figure.dataset.failWhen = chart.failWhen ? chart.failWhen.text : '';
  }

  const VERDICTS = { within: 'within threshold', outside: 'over threshold', broken: 'replication broken',
    pass: 'pass met', fail: 'pass missed', 'fail-when': 'failWhen met', 'no-data': 'no data' };

  function readoutAt(chart, idx) {
    const point = idx === null || idx === undefined ? null : chart.points[idx];
    const value = point ? (isLag(chart) ? lagText(point[1]) : valueText(point[1], chart.unit)) : '';
    chart.readout.textContent = point ? `${D.clock(new Date(point[0]).toISOString())}: ${value}, ${
      VERDICTS[point[2]] || point[2]}` : '';
  }

  function summarize(chart) {
    const points = chart.points;
    const last = points[points.length - 1];
    const lag = isLag(chart);
    let min = null;
    let max = null;
    let over = 0;
    let unknown = 0;
    for (const p of points) {
      if (p[1] === null) unknown++;
      else {
        if (max === null || p[1] > max) max = p[1];
        if (min === null || p[1] < min) min = p[1];
      }
      if (p[2] !== 'within' && p[2] !== 'pass') over++;
    }
    const passing = last && (last[2] === 'within' || last[2] === 'pass');
    chart.figure.dataset.points = String(points.length);
    chart.figure.dataset.lastVerdict = last ? last[2] : '';
    const count = `${points.length} sample${points.length === 1 ? '' : 's'}`;
    if (lag) {
      chart.figure.dataset.lastLagMs = last && last[1] !== null ? String(last[1]) : '';
      chart.values.textContent = `last ${lagText(last[1])} · max ${max === null ? 'unknown' : lagText(max)} · ${count}`
        + (over > 0 ? `, ${over} not within` : '') + (unknown > 0 ? ` (${unknown} unknown)` : '');
    } else {
      chart.figure.dataset.lastValue = last && last[1] !== null ? String(last[1]) : '';
      const range = min === null ? '' : min === max ? '' : ` · min ${valueText(min, chart.unit)} · max ${valueText(max, chart.unit)}`;
      chart.values.textContent = `last ${valueText(last[1], chart.unit)}${range} · ${count}`
        + (over > 0 ? `, ${over} not passing` : '') + (unknown > 0 ? ` (${unknown} no data)` : '');
    }
    chart.values.classList.toggle('over', !!last && !passing);
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
        chart = create(gate, s);
        charts.set(key, chart);
        gate.querySelector('[data-empty]').hidden = true;
      }
      describe(chart, s);
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
