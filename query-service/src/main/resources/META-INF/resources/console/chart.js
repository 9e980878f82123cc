// Charts of answers with uPlot: a line per group for series and moving windows, bars for top groups.

const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f', '#78716c', '#0f172a'];

export function colour(n) {
  return COLOURS[n % COLOURS.length];
}

/** {"client_name":"airliberty"} as client_name=airliberty; the roll-up of every group as "all". */
export function groupLabel(group) {
  const entries = Object.entries(group || {});
  return entries.length ? entries.map(([k, v]) => k + '=' + v).join(', ') : 'all';
}

function size(container) {
  return { width: Math.max(container.clientWidth, 480), height: 320 };
}

/**
 * Seconds to a Date whose local fields read the time in the zone, as uPlot draws times: a region
 * (Europe/Lisbon) through the browser's time zones, an offset (+05:30, UTC+01:00, Z) by shifting; UTC otherwise.
 */
function zoned(zone) {
  const offset = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(zone || '');
  let shift = 0;
  if (offset) {
    shift = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3] || 0) * 60);
  } else if (zone && zone !== 'Z') {
    try {
      Intl.DateTimeFormat(undefined, { timeZone: zone });
      return ts => uPlot.tzDate(new Date(ts * 1000), zone);
    } catch (e) {
      // a zone the browser does not know: the axis stays in UTC
    }
  }
  return ts => {
    const shifted = new Date((ts + shift) * 1000);
    return new Date(shifted.getTime() + shifted.getTimezoneOffset() * 60000);
  };
}

/** Times on the axis in 24-hour clock, with the date where the ticks are days apart or the day changes. */
function timeAxis(toDate) {
  const time = uPlot.fmtDate('{HH}:{mm}');
  const day = uPlot.fmtDate('{YYYY}-{MM}-{DD}');
  const both = uPlot.fmtDate('{YYYY}-{MM}-{DD} {HH}:{mm}');
  return {
    values: (u, splits, axis, space, increment) => splits.map((s, i) => {
      const date = toDate(s);
      if (increment >= 86400) {
        return day(date);
      }
      return i === 0 || date.getHours() === 0 && date.getMinutes() === 0 ? both(date) : time(date);
    }),
  };
}

/**
 * One line per group of a series or moving-window answer. Distinct counts get a band of their relative error;
 * points holding late events or revised after they were final get a ring, so the chart says which points moved.
 */
export function seriesChart(container, answer) {
  const times = [...new Set(answer.series.flatMap(s => s.points.map(p => Date.parse(p.ts) / 1000)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const data = [times];
  const series = [{}];
  const bands = [];
  const rings = [];
  answer.series.forEach((s, n) => {
    const values = new Array(times.length).fill(null);
    const low = new Array(times.length).fill(null);
    const high = new Array(times.length).fill(null);
    let banded = false;
    for (const p of s.points) {
      const i = index.get(Date.parse(p.ts) / 1000);
      values[i] = p.value;
      if (p.value !== null && p.error && p.error.relative !== undefined) {
        low[i] = p.value * (1 - p.error.relative);
        high[i] = p.value * (1 + p.error.relative);
        banded = true;
      }
      if (p.late > 0 || p.revised) {
        rings.push({ series: data.length, i });
      }
    }
    data.push(values);
    series.push({ label: groupLabel(s.group), stroke: colour(n), width: 2, points: { show: times.length <= 120 } });
    if (banded) {
      const line = data.length - 1;
      data.push(high, low);
      series.push({ label: 'upper bound', stroke: colour(n), width: 1, dash: [4, 4], points: { show: false } },
        { label: 'lower bound', stroke: colour(n), width: 1, dash: [4, 4], points: { show: false } });
      bands.push({ series: [line + 1, line + 2], fill: colour(n) + '22' });
    }
  });
  const drawRings = u => {
    const ctx = u.ctx;
    ctx.save();
    ctx.lineWidth = 2 * devicePixelRatio;
    ctx.strokeStyle = '#f59e0b';
    for (const ring of rings) {
      const value = u.data[ring.series][ring.i];
      if (value !== null && value !== undefined) {
        ctx.beginPath();
        ctx.arc(u.valToPos(u.data[0][ring.i], 'x', true), u.valToPos(value, 'y', true), 6 * devicePixelRatio, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    ctx.restore();
  };
  const toDate = zoned(answer.tz);
  return new uPlot({
    ...size(container),
    tzDate: toDate,
    series,
    bands,
    scales: { x: { time: true } },
    axes: [timeAxis(toDate), { label: answer.agg }],
    hooks: { draw: [drawRings] },
  }, data, container);
}

/** The ranked groups of a top answer as bars, best first. */
export function topChart(container, answer) {
  const labels = answer.top.map(t => groupLabel(t.group));
  const xs = labels.map((_, i) => i);
  return new uPlot({
    ...size(container),
    series: [{}, {
      label: answer.agg, stroke: colour(0), fill: colour(0) + '99', width: 1,
      paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false },
    }],
    scales: { x: { time: false, range: () => [-0.5, labels.length - 0.5] } },
    axes: [{ splits: () => xs, values: (u, splits) => splits.map(i => labels[i] ?? '') }, { label: answer.agg }],
  }, [xs, answer.top.map(t => t.value)], container);
}
