// The console: the key, the tabs, and where the ingest service is; each tab lives in its own module.

import { loadKey, saveKey } from './api.js';
import * as deadLetters from './dead-letters.js';
import * as metrics from './metrics.js';
import * as uploads from './uploads.js';

const problem = document.getElementById('problem');
const keyState = document.getElementById('key-state');

/** Shows what went wrong, as the API's problem said it, or clears it. */
function report(error) {
  problem.hidden = !error;
  problem.textContent = error ? (error.status ? error.status + ' ' : '') + error.message : '';
  if (error && error.status === 401) {
    keyState.textContent = 'this key is not accepted';
  }
}

function open(tab) {
  const params = new URLSearchParams(location.search);
  if (tab === 'metrics') {
    params.delete('tab');
  } else {
    params.set('tab', tab);
  }
  history.replaceState(null, '', location.pathname + '?' + params + location.hash);
  for (const button of document.querySelectorAll('#tabs button')) {
    button.classList.toggle('active', button.dataset.tab === tab);
  }
  for (const section of document.querySelectorAll('main > section')) {
    section.hidden = section.id !== tab;
  }
}

async function start() {
  const config = await (await fetch('/console/config')).json();
  const key = loadKey();
  document.getElementById('key').value = key || '';
  keyState.textContent = key ? '' : 'give a key: ./pulse up prints one';
  document.getElementById('key-form').addEventListener('submit', e => {
    e.preventDefault();
    saveKey(document.getElementById('key').value);
    keyState.textContent = '';
    metrics.loadMetrics(report).catch(report);
  });
  document.getElementById('forget-key').addEventListener('click', () => {
    saveKey(null);
    metrics.stopLive();
    document.getElementById('key').value = '';
    keyState.textContent = 'key forgotten';
  });
  for (const button of document.querySelectorAll('#tabs button')) {
    button.addEventListener('click', () => open(button.dataset.tab));
  }
  open(new URLSearchParams(location.search).get('tab') || 'metrics');
  metrics.bind(report);
  uploads.bind(config, report);
  deadLetters.bind(config, report);
  if (key) {
    await metrics.loadMetrics(report).catch(report);
  }
  document.body.dataset.ready = 'true';
}

start().catch(report);
