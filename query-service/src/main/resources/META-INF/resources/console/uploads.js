// The uploads tab: a file sent to the ingest service, the bytes sent, then its reading as the upload's events report it.

import { getJson, postFile, streamEvents } from './api.js';

const form = document.getElementById('upload-form');
const panel = document.getElementById('upload-progress');
const phase = document.getElementById('upload-phase');
const percent = document.getElementById('upload-percent');
const bar = document.getElementById('upload-bar');
const counts = document.getElementById('upload-counts');
const errors = document.getElementById('upload-errors');

function contentType(file) {
  return /\.csv$/i.test(file.name) || file.type === 'text/csv' ? 'text/csv' : 'application/x-ndjson; charset=UTF-8';
}

function progress(text, fraction) {
  phase.textContent = text;
  const shown = Math.floor(fraction * 100);
  percent.textContent = shown + ' %';
  bar.value = shown;
}

function show(status) {
  const read = status.bytes > 0 ? status.bytes_read / status.bytes : 1;
  progress(status.state === 'processing' ? 'reading' : status.state, status.state === 'done' ? 1 : Math.min(read, 1));
  const facts = [['upload', status.upload_id], ['state', status.state], ['rows read', status.rows_read], ['accepted', status.accepted],
    ['rejected', status.rejected], ['into closed buckets', status.backfill], ...(status.failure ? [['failure', status.failure]] : [])];
  counts.replaceChildren(...facts.flatMap(([k, v]) => [Object.assign(document.createElement('dt'), { textContent: k }),
    Object.assign(document.createElement('dd'), { textContent: v, className: k.replace(/ /g, '-') })]));
  errors.tBodies[0].replaceChildren(...(status.errors || []).flatMap(item => item.errors.map(e => {
    const row = document.createElement('tr');
    row.append(...[item.index, e.field, e.message].map(c => Object.assign(document.createElement('td'), { textContent: c })));
    return row;
  })));
}

let following = null;

async function upload(ingest, report) {
  const type = form.elements.type.value.trim();
  const file = form.elements.file.files[0];
  following?.abort(); // a new upload takes the panel: the last one's events stop updating it
  const controller = new AbortController();
  following = controller;
  panel.hidden = false;
  delete phase.dataset.duplicate;
  errors.tBodies[0].replaceChildren();
  counts.replaceChildren();
  const url = ingest + '/v1/uploads/' + encodeURIComponent(type) + (form.elements.repeat.checked ? '?repeat=true' : '');
  let sent = null;
  try {
    progress('sending', 0);
    sent = await postFile(url, file, contentType(file), fraction => progress('sending', fraction));
    report(null);
    if (sent.body.duplicate) {
      // the same bytes were uploaded before as this type: their upload is followed, nothing is counted twice
      phase.dataset.duplicate = 'true';
    }
    if (sent.body.status) {
      show(sent.body.status);
    }
    await streamEvents(ingest + '/v1/uploads/' + sent.body.upload_id + '/events', (name, id, data) => {
      show(JSON.parse(data));
    }, controller.signal);
    if (sent.body.duplicate) {
      phase.textContent = 'already uploaded: ' + phase.textContent;
    }
  } catch (e) {
    if (controller.signal.aborted) {
      return;
    }
    if (sent) {
      // the file was taken: only following its reading failed, so its status is asked for once more
      phase.textContent = 'accepted, progress lost: ' + e.message;
      getJson(ingest + '/v1/uploads/' + sent.body.upload_id).then(show).catch(report);
    } else {
      phase.textContent = 'refused';
      report(e);
    }
  }
}

export function bind(config, report) {
  form.addEventListener('submit', e => {
    e.preventDefault();
    upload(config.ingest_url.replace(/\/$/, ''), report);
  });
}
