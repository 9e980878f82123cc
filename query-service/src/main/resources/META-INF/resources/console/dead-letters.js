// The dead-letters tab: the recent events of a type that the ingest service refused, with every reason and their text.

import { getJson } from './api.js';

const form = document.getElementById('dead-letter-form');
const rows = document.getElementById('dead-letter-rows');
const state = document.getElementById('dead-letter-state');

function cell(text, className) {
  return Object.assign(document.createElement('td'), { textContent: text ?? '', className: className ?? '' });
}

async function show(ingest, report) {
  const params = new URLSearchParams();
  for (const name of ['type', 'since', 'limit']) {
    const value = form.elements[name].value.trim();
    if (value) {
      params.set(name, value);
    }
  }
  try {
    const answer = await getJson(ingest + '/v1/dead-letters?' + params);
    report(null);
    const letters = answer.dead_letters;
    state.textContent = letters.length + ' shown, newest first' + (answer.complete === false ? '; older ones were not all read' : '');
    rows.tBodies[0].replaceChildren(...letters.map(letter => {
      const row = document.createElement('tr');
      const reasons = (letter.reasons || []).map(r => (r.field ? r.field + ': ' : '') + r.message).join('\n');
      const raw = document.createElement('td');
      raw.append(Object.assign(document.createElement('pre'), { textContent: letter.raw }));
      if (letter.truncated) {
        // only the first bytes of a long item are kept on its dead letter
        raw.append(Object.assign(document.createElement('small'), { textContent: `first bytes of ${letter.raw_bytes}` }));
      }
      row.append(cell(letter.received_at), cell(letter.source), cell(reasons, 'reasons'), raw);
      return row;
    }));
  } catch (e) {
    report(e);
  }
}

export function bind(config, report) {
  form.addEventListener('submit', e => {
    e.preventDefault();
    show(config.ingest_url.replace(/\/$/, ''), report);
  });
}
