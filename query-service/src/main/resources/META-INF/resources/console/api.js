// Calls to Pulse's APIs with the user's key, and their problems as errors that say what went wrong.

const KEY_ITEM = 'pulse.api-key';

/** The key: given in the page's fragment (#key=…, never sent to a server), or kept from an earlier visit. */
export function loadKey() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.has('key')) {
    saveKey(fragment.get('key'));
    fragment.delete('key');
    const rest = fragment.toString();
    history.replaceState(null, '', location.pathname + location.search + (rest ? '#' + rest : ''));
  }
  return localStorage.getItem(KEY_ITEM);
}

export function saveKey(key) {
  if (key) {
    localStorage.setItem(KEY_ITEM, key.trim());
  } else {
    localStorage.removeItem(KEY_ITEM);
  }
}

function headers(extra = {}) {
  const key = localStorage.getItem(KEY_ITEM);
  return key ? { Authorization: 'Bearer ' + key, ...extra } : extra;
}

/** A problem answer (application/problem+json), or a failure to reach the service. */
export class ApiProblem extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || ('HTTP ' + status));
    this.status = status;
    this.problem = problem;
  }
}

async function failure(response) {
  let problem;
  try {
    problem = await response.json();
  } catch (e) {
    problem = { title: response.statusText || ('HTTP ' + response.status) };
  }
  return new ApiProblem(response.status, problem);
}

async function send(url, options) {
  try {
    return await fetch(url, options);
  } catch (e) {
    throw new ApiProblem(0, { title: 'unreachable', detail: 'could not reach ' + new URL(url, location).origin + ': ' + e.message });
  }
}

export async function getJson(url) {
  const response = await send(url, { headers: headers({ Accept: 'application/json' }) });
  if (!response.ok) {
    throw await failure(response);
  }
  return response.json();
}

export async function getBlob(url, accept) {
  const response = await send(url, { headers: headers({ Accept: accept }) });
  if (!response.ok) {
    throw await failure(response);
  }
  return response.blob();
}

/**
 * Follows a server-sent event stream with the key in a header, which EventSource cannot send: calls onOpen once it
 * is answered, then onEvent with each event's name, id and data until the stream ends (resolves) or fails (rejects),
 * or the signal aborts it.
 */
export async function streamEvents(url, onEvent, signal, onOpen = () => {}) {
  const response = await send(url, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!response.ok) {
    throw await failure(response);
  }
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let event = { name: 'message', id: null, data: [] };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, end).replace(/\r$/, '');
      buffer = buffer.slice(end + 1);
      if (line === '') {
        if (event.data.length) {
          onEvent(event.name, event.id, event.data.join('\n'));
        }
        event = { name: 'message', id: null, data: [] };
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') {
          event.name = text;
        } else if (field === 'id') {
          event.id = text;
        } else if (field === 'data') {
          event.data.push(text);
        }
      }
    }
  }
}

/**
 * Sends a file with XMLHttpRequest, the one browser API that reports the bytes sent; onSent gets the fraction.
 * Resolves with the status and the JSON answer, rejects with the problem.
 */
export function postFile(url, file, contentType, onSent) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    for (const [name, value] of Object.entries(headers({ 'Content-Type': contentType }))) {
      request.setRequestHeader(name, value);
    }
    request.upload.onprogress = e => e.lengthComputable && onSent(e.loaded / e.total);
    request.onerror = () => reject(new ApiProblem(0, { title: 'unreachable', detail: 'could not reach ' + new URL(url, location).origin }));
    request.onload = () => {
      let body;
      try {
        body = JSON.parse(request.responseText);
      } catch (e) {
        body = { title: request.statusText || ('HTTP ' + request.status) };
      }
      if (request.status >= 200 && request.status < 300) {
        resolve({ status: request.status, body });
      } else {
        reject(new ApiProblem(request.status, body));
      }
    };
    request.send(file);
  });
}
