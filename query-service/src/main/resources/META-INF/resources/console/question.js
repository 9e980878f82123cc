// A question to the query API, as the console's form, the page's URL (so a view can be shared) and the API's URL.

const FIELDS = ['metric', 'view', 'agg', 'step', 'window', 'k', 'from', 'to', 'tz', 'group_by', 'where', 'live'];

/** The question the page's URL holds. */
export function fromUrl(search = location.search) {
  const params = new URLSearchParams(search);
  const question = { view: 'series', where: [] };
  for (const field of FIELDS) {
    if (field === 'where') {
      question.where = params.getAll('where');
    } else if (params.has(field)) {
      question[field] = params.get(field);
    }
  }
  return question;
}

/** Writes the question into the page's URL without reloading, keeping the open tab. */
export function toUrl(question, tab) {
  const params = new URLSearchParams();
  if (tab && tab !== 'metrics') {
    params.set('tab', tab);
  }
  for (const field of FIELDS) {
    const value = question[field];
    if (field === 'where') {
      (value || []).forEach(w => params.append('where', w));
    } else if (value !== undefined && value !== null && value !== '' && value !== false) {
      params.set(field, value);
    }
  }
  history.replaceState(null, '', location.pathname + '?' + params.toString() + location.hash);
}

/** The query API's URL answering the question. */
export function apiUrl(question) {
  const params = new URLSearchParams();
  const set = (name, value) => value && params.set(name, value);
  set('agg', question.agg);
  set('from', question.from);
  set('to', question.to);
  set('tz', question.tz);
  (question.where || []).forEach(w => params.append('where', w));
  if (question.view === 'top') {
    set('by', question.group_by);
    set('k', question.k);
  } else {
    set('step', question.step);
    set('group_by', question.group_by);
    if (question.view === 'moving') {
      set('window', question.window);
    }
  }
  const path = { series: 'series', moving: 'moving', top: 'top' }[question.view] || 'series';
  return '/v1/metrics/' + encodeURIComponent(question.metric) + '/' + path + '?' + params.toString();
}

/** The live stream of the buckets the question reads. */
export function liveUrl(question) {
  const params = new URLSearchParams();
  if (question.group_by) {
    params.set('group_by', question.group_by);
  }
  (question.where || []).forEach(w => params.append('where', w));
  return '/v1/metrics/' + encodeURIComponent(question.metric) + '/live?' + params.toString();
}

/** The where filters of the form's text: separated by semicolons, as field:value or field:a|b. */
export function parseWhere(text) {
  return text.split(';').map(w => w.trim()).filter(w => w.length);
}
