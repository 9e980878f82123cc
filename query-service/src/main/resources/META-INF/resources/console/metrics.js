// The metrics tab: the pipeline's metrics, a question about one of them, its chart, its rows and its live updates.

import { getBlob, getJson, streamEvents } from './api.js';
import { seriesChart, topChart } from './chart.js';
import { apiUrl, fromUrl, liveUrl, parseWhere, toUrl } from './question.js';

const form = document.getElementById('question');
const list = document.getElementById('metric-list');
const detail = document.getElementById('metric-detail');
const chart = document.getElementById('chart');
const note = document.getElementById('legend-note');
const rows = document.getElementById('rows');
const liveState = document.getElementById('live-state');

let metrics = [];
let question = fromUrl();
let answer = null;
let live = null;
let plot = null;

/** What the page shows, for people reading the console's tests and for scripts driving the page. */
window.pulseConsole = {
  get plot() { return plot; },
  get answer() { return answer; },
};

export async function loadMetrics(report) {
  metrics = await getJson('/v1/metrics');
  list.replaceChildren(...metrics.map(m => {
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = '?metric=' + encodeURIComponent(m.name);
    link.textContent = m.name;
    link.dataset.metric = m.name;
    link.addEventListener('click', e => {
      e.preventDefault();
      question = { view: 'series', where: [], metric: m.name };
      select(report);
    });
    const about = document.createElement('small');
    about.textContent = `${m.from} · ${m.value ?? 'events'} · every ${m.granularity}` +
      (m.group_by.length ? ' · by ' + m.group_by.join(', ') : '');
    item.append(link, about);
    return item;
  }));
  const types = [...new Set(metrics.map(m => m.from))];
  document.getElementById('event-types').replaceChildren(...types.map(t => Object.assign(document.createElement('option'), { value: t })));
  if (!question.metric && metrics.length) {
    question.metric = metrics[0].name;
  }
  if (question.metric) {
    await select(report);
  }
}

async function select(report) {
  const metric = metrics.find(m => m.name === question.metric);
  if (!metric) {
    report(new Error('no metric ' + question.metric + ' is readable with this key'));
    return;
  }
  for (const link of list.querySelectorAll('a')) {
    link.classList.toggle('active', link.dataset.metric === metric.name);
  }
  form.elements.agg.replaceChildren(...metric.aggregations.map(a => Object.assign(document.createElement('option'), { value: a, textContent: a })));
  const groups = document.getElementById('group-fields');
  groups.replaceChildren(groups.querySelector('legend'), ...metric.group_by.map(field => {
    const label = document.createElement('label');
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', name: 'group', value: field });
    label.append(box, ' ' + field);
    return label;
  }));
  fill(metric);
  question = read(); // what the form shows is what is asked, an aggregation the metric lacks included
  showDetail(metric.name, report);
  await ask(report);
}

async function showDetail(name, report) {
  try {
    const d = await getJson('/v1/metrics/' + encodeURIComponent(name));
    const e = d.events;
    detail.innerHTML = '';
    const table = document.createElement('dl');
    const facts = [
      ['type', d.from], ['value', d.value ?? '(counts events)'], ['granularity', d.granularity + (d.zone ? ' in ' + d.zone : '')],
      ['allowed lateness', d.allowed_lateness], ['aggregations', d.aggregations.join(', ')],
      ['events aggregated', e.aggregated], ['late events', e.late], ['repeats dropped', e.duplicates], ['dead letters', e.dead_letters],
    ];
    for (const [k, v] of facts) {
      table.append(Object.assign(document.createElement('dt'), { textContent: k }), Object.assign(document.createElement('dd'), { textContent: v, className: k.replace(/ /g, '-') }));
    }
    detail.append(table);
  } catch (e) {
    report(e);
  }
}

/** The form shows the question. */
function fill(metric) {
  const f = form.elements;
  f.view.value = question.view || 'series';
  f.agg.value = question.agg && metric.aggregations.includes(question.agg) ? question.agg
    : (metric.aggregations.includes('avg') ? 'avg' : metric.aggregations[0]);
  for (const name of ['step', 'window', 'k', 'from', 'to', 'tz']) {
    f[name].value = question[name] || '';
  }
  f.where.value = (question.where || []).join('; ');
  f.live.checked = question.live === '1';
  const grouped = (question.group_by || '').split(',').filter(g => g);
  for (const box of form.querySelectorAll('input[name=group]')) {
    box.checked = grouped.includes(box.value);
  }
  showFieldsOf(f.view.value);
}

/** The question the form holds. */
function read() {
  const f = form.elements;
  const q = { metric: question.metric, view: f.view.value, agg: f.agg.value, where: parseWhere(f.where.value) };
  for (const name of ['step', 'window', 'k', 'from', 'to', 'tz']) {
    q[name] = f[name].value.trim();
  }
  q.group_by = [...form.querySelectorAll('input[name=group]:checked')].map(b => b.value).join(',');
  q.live = f.live.checked && q.view !== 'top' ? '1' : '';
  return q;
}

function showFieldsOf(view) {
  for (const label of form.querySelectorAll('[data-for]')) {
    label.hidden = !label.dataset.for.split(' ').includes(view);
  }
}

/** The tab open now, kept in the page's address with the question. */
function openTab() {
  return document.querySelector('#tabs button.active')?.dataset.tab;
}

async function ask(report) {
  const asked = question;
  toUrl(asked, openTab());
  try {
    const answered = await getJson(apiUrl(asked));
    if (asked !== question) {
      return; // a newer question was asked meanwhile: its answer is the one to show
    }
    answer = answered;
    report(null);
    draw();
  } catch (e) {
    if (asked !== question) {
      return;
    }
    answer = null;
    plot?.destroy();
    plot = null;
    rows.tHead.replaceChildren();
    rows.tBodies[0].replaceChildren();
    report(e);
  }
  follow(report);
}

function draw() {
  plot?.destroy();
  chart.replaceChildren();
  if (question.view === 'top') {
    plot = topChart(chart, answer);
    note.textContent = `top ${answer.top.length} by ${answer.agg} from ${answer.from} to ${answer.to}`;
    table(['rank', ...fieldsOf(answer.top), 'value', 'count'],
      answer.top.map((t, i) => [i + 1, ...fieldsOf(answer.top).map(f => t.group[f]), t.value, t.count]));
    return;
  }
  plot = seriesChart(chart, answer);
  const series = answer.series;
  const fields = fieldsOf(series);
  const errors = series.flatMap(s => s.points).filter(p => p.error);
  const kind = errors.length ? Object.keys(errors[0].error)[0] : null;
  note.textContent = [
    `${answer.agg} every ${answer.step}` + (answer.window ? ` over the last ${answer.window}` : '') + ` from ${answer.from ?? '-'} to ${answer.to ?? '-'}`,
    kind === 'relative' ? 'the band is the distinct count’s relative error (about 95 % confidence)' : null,
    kind === 'rank' ? 'quantiles are approximate: the rank error is in the rows' : null,
    series.some(s => s.points.some(p => p.late > 0 || p.revised)) ? 'ringed points hold late events or were revised after they were final' : null,
  ].filter(t => t).join(' · ');
  const header = ['ts', ...fields, 'value', 'count', 'late', 'revised', ...(kind ? ['error (' + kind + ')'] : [])];
  const body = series.flatMap(s => s.points.map(p => [p.ts, ...fields.map(f => s.group[f]), p.value, p.count, p.late, p.revised,
    ...(kind ? [p.error ? p.error[kind] : ''] : [])]));
  table(header, body, series.flatMap(s => s.points.map(p => p.late > 0 || p.revised)));
}

function fieldsOf(groups) {
  return [...new Set(groups.flatMap(g => Object.keys(g.group)))];
}

function table(header, body, marked = []) {
  rows.tHead.replaceChildren(tr(header, 'th'));
  rows.tBodies[0].replaceChildren(...body.map((cells, i) => {
    const row = tr(cells, 'td');
    row.classList.toggle('moved', marked[i] === true);
    return row;
  }));
}

function tr(cells, tag) {
  const row = document.createElement('tr');
  row.append(...cells.map(c => Object.assign(document.createElement(tag), { textContent: c === null || c === undefined ? '' : String(c) })));
  return row;
}

/**
 * Live: each change of a bucket the question reads asks it again, and the metric's counts, at most every half
 * second, so the chart and the numbers beside it move.
 */
function follow(report) {
  stopLive();
  if (question.live !== '1' || question.view === 'top') {
    return;
  }
  const controller = new AbortController();
  live = controller;
  let pending = null;
  controller.signal.addEventListener('abort', () => clearTimeout(pending));
  const again = () => {
    pending ??= setTimeout(async () => {
      pending = null;
      const asked = question;
      try {
        const answered = await getJson(apiUrl(asked));
        if (!controller.signal.aborted && asked === question) {
          answer = answered;
          draw();
        }
      } catch (e) {
        if (!controller.signal.aborted) {
          report(e);
        }
      }
      if (!controller.signal.aborted) {
        showDetail(asked.metric, report);
      }
    }, 500);
  };
  const connect = async () => {
    let wait = 1000;
    while (!controller.signal.aborted) {
      let opened = false;
      try {
        liveState.textContent = 'live: connecting';
        await streamEvents(liveUrl(question), (name) => {
          if (name === 'bucket') {
            liveState.textContent = 'live: updated ' + new Date().toLocaleTimeString();
            again();
          }
        }, controller.signal, () => {
          opened = true;
          wait = 1000;
          liveState.textContent = 'live: connected';
        });
      } catch (e) {
        if (controller.signal.aborted) {
          return;
        }
        if (e.status >= 400 && e.status < 500 && e.status !== 429) {
          // a question or a key the stream refuses does not get better by asking again
          liveState.textContent = 'live: stopped';
          report(e);
          return;
        }
        const retryAfter = (Number(e.problem && e.problem.retry_after_seconds) || 0) * 1000;
        wait = Math.max(retryAfter, Math.min(wait * 2, 30000));
        liveState.textContent = `live: ${e.message}; trying again in ${Math.round(wait / 1000)} s`;
      }
      if (opened) {
        again(); // the stream was open and ended (a restart, or this page fell behind): what was missed is read again
      }
      await new Promise(r => setTimeout(r, wait));
    }
  };
  connect();
}

/** Ends the live stream, if one is open. */
export function stopLive() {
  live?.abort();
  live = null;
  liveState.textContent = '';
}

/** The rows as CSV: the series and moving windows as the API writes them, top groups from the table. */
async function download(report) {
  try {
    const blob = question.view === 'top'
      ? new Blob([[...rows.rows].map(r => [...r.cells].map(c => csvCell(c.textContent)).join(',')).join('\r\n') + '\r\n'], { type: 'text/csv' })
      : await getBlob(apiUrl(question), 'text/csv');
    const link = Object.assign(document.createElement('a'), {
      href: URL.createObjectURL(blob), download: `${question.metric}-${question.view}-${question.agg}.csv`,
    });
    link.click();
    URL.revokeObjectURL(link.href);
  } catch (e) {
    report(e);
  }
}

/** RFC 4180 quoting, and a cell that would start a spreadsheet formula is prefixed with ' as the API does. */
function csvCell(text) {
  const safe = /^[=+\-@\t\r]/.test(text) && isNaN(Number(text)) ? "'" + text : text;
  return /[",\r\n]/.test(safe) ? '"' + safe.replace(/"/g, '""') + '"' : safe;
}

export function bind(report) {
  form.addEventListener('submit', e => {
    e.preventDefault();
    question = read();
    ask(report);
  });
  form.elements.view.addEventListener('change', e => showFieldsOf(e.target.value));
  document.getElementById('download-csv').addEventListener('click', () => download(report));
}
