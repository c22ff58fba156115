// DOM helpers: every element is built with DOM methods and text nodes, never innerHTML,
// so nothing that came from the server or a file name can become markup.
import { t, lang } from './i18n.js';

let uid = 0;
export const nextId = (prefix = 'f') => `${prefix}-${++uid}`;

const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'required', 'multiple', 'hidden', 'readOnly']);

export function h(tag, attrs, ...kids) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  add(el, kids);
  return el;
}

export function s(tag, attrs, ...kids) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v != null) el.setAttribute(k, String(v));
  add(el, kids);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (PROPS.has(k)) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

export function add(el, kids) {
  for (const kid of kids.flat(Infinity)) {
    if (kid == null || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/* A labelled form field: <div class=field><label for>…</label>{input}<p hint></div>. */
export function field(label, input, hint) {
  if (!input.id) input.id = nextId();
  const kids = [h('label', { for: input.id }, label), input];
  if (hint) {
    const hintId = nextId('h');
    input.setAttribute('aria-describedby', hintId);
    kids.push(h('p', { class: 'hint', id: hintId }, hint));
  }
  return h('div', { class: 'field' }, kids);
}

export function check(label, input) {
  input.type = 'checkbox';
  if (!input.id) input.id = nextId();
  return h('div', { class: 'field check' }, input, h('label', { for: input.id }, label));
}

/* options: [[value, text], …] */
export function select(name, options, value) {
  return h('select', { name }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}

export function button(text, onclick, cls = '') {
  return h('button', { type: 'button', class: cls || null, onclick }, text);
}

export function link(href, text, cls) {
  return h('a', { href, class: cls || null }, text);
}

export function alertBox(message, kind = 'error') {
  return h('p', { class: `msg ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
}

/* A message area whose content can be replaced: .set(text, kind) / .clear(). */
export function messageArea() {
  const el = h('div', { class: 'msgs', 'aria-live': 'polite' });
  el.set = (text, kind = 'error') => { clear(el); if (text) el.append(alertBox(text, kind)); };
  return el;
}

export function errorText(err) {
  if (!err) return '';
  if (err.status === 0) return t('error.network');
  const body = err.body || {};
  const fields = body.fields && typeof body.fields === 'object'
    ? Object.entries(body.fields).map(([k, v]) => `${k}: ${[].concat(v).join(' ')}`).join('; ') : '';
  return [body.detail || t('error.status', { status: err.status }), fields].filter(Boolean).join(' — ');
}

export function formValues(form) {
  const out = {};
  for (const [k, v] of new FormData(form).entries()) if (typeof v === 'string') out[k] = v.trim();
  return out;
}

/* Disable a form's buttons while `work` runs. */
export async function busy(form, work) {
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach((b) => { b.disabled = true; });
  try { return await work(); } finally { buttons.forEach((b) => { b.disabled = false; }); }
}

export function fmtSize(n) {
  if (n == null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

const formatters = new Map();
/* A moment's wall-clock parts in a time zone ({year, month, day, hour, minute}). strict: throw
   for a zone the browser does not know rather than fall back to the phone's own. */
function partsIn(date, timeZone, strict = false) {
  const key = timeZone || '';
  if (!formatters.has(key)) {
    const opts = { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    try { formatters.set(key, new Intl.DateTimeFormat('en-US', { ...opts, timeZone: timeZone || undefined })); } catch (err) {
      if (strict) throw err;
      return partsIn(date, undefined);
    }
  }
  const parts = {};
  formatters.get(key).formatToParts(date).forEach((p) => { parts[p.type] = p.value; });
  if (parts.hour === '24') parts.hour = '00';
  return parts;
}

/* A time in the case's time zone, the same way in every language: 2026-11-02 23:40 (or the day
   alone). Month/day order differs between readers; this one cannot be misread. */
export function fmtTime(iso, timeZone, dateOnly = false) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = partsIn(d, timeZone);
  const day = `${p.year}-${p.month}-${p.day}`;
  return dateOnly ? day : `${day} ${p.hour}:${p.minute}`;
}

/* "+08:00": how far a zone's wall clock is from UTC at a moment. */
export function utcOffset(timeZone, at = new Date()) {
  const p = partsIn(at, timeZone, true);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute));
  const minutes = Math.round((wall - Math.floor(at.getTime() / 60000) * 60000) / 60000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

const BEIJING = new Set(['Asia/Shanghai', 'Asia/Chongqing', 'Asia/Chungking', 'Asia/Harbin', 'PRC']);

/* A time zone as people say it: "北京时间 (UTC+08:00)", "Eastern Standard Time (UTC-05:00)";
   the zone's id only when the browser has no name for it. */
export function zoneName(timeZone) {
  if (!timeZone) return '';
  let offset;
  try { offset = utcOffset(timeZone); } catch { return timeZone; }
  if (BEIJING.has(timeZone)) return `${t('zone.beijing')} (UTC${offset})`;
  let name = '';
  try {
    const part = new Intl.DateTimeFormat(lang(), { timeZone, timeZoneName: 'long' }).formatToParts(new Date()).find((p) => p.type === 'timeZoneName');
    name = part ? part.value : '';
  } catch { /* no names in this browser */ }
  if (!name || /^(GMT|UTC)[+-−]/.test(name)) name = timeZone;
  return `${name} (UTC${offset})`;
}

export function time(iso, timeZone, dateOnly) {
  return h('time', { datetime: iso || '' }, fmtTime(iso, timeZone, dateOnly));
}

export function shortHash(hash) {
  return hash ? `${hash.slice(0, 12)}…${hash.slice(-6)}` : '';
}

/* A <progress> with a visible percentage, tied together for screen readers. */
export function progressBar(label) {
  const bar = h('progress', { max: '100', value: '0', 'aria-label': label });
  const pct = h('span', { class: 'pct' }, '0%');
  const wrap = h('div', { class: 'progress' }, bar, pct);
  wrap.set = (value) => {
    const v = Math.max(0, Math.min(100, Math.round(value)));
    bar.value = v;
    pct.textContent = `${v}%`;
  };
  return wrap;
}

/* Save a blob as a file: a temporary download link, clicked, then forgotten. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, class: 'hidden' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/* Rows keyed by day ('YYYY-MM-DD'), one entry for every day from the first to the last, so a day
   without any is a visible gap rather than two bars side by side: [[day, row or null], …]. */
export function everyDay(rows, key = 'date') {
  const sorted = rows.filter((r) => r && r[key]).sort((a, b) => (a[key] < b[key] ? -1 : 1));
  if (!sorted.length) return [];
  const byDay = new Map(sorted.map((r) => [r[key], r]));
  const start = Date.parse(`${sorted[0][key]}T00:00:00Z`);
  const end = Date.parse(`${sorted[sorted.length - 1][key]}T00:00:00Z`);
  const out = [];
  for (let at = start; at <= end; at += 86400000) {
    const day = new Date(at).toISOString().slice(0, 10);
    out.push([day, byDay.get(day) || null]);
  }
  return out;
}

const CHAR_W = 6.6; // width of an 11px digit or dash, a little generous
const STEPS = [1, 2, 3, 4, 5, 6, 7, 10, 14, 15, 20, 28, 30, 60, 90, 180, 365];

/* A bar chart as inline SVG. items: [{label, value, cls?}]. Every text stays inside the frame;
   labels are spaced so they never overlap. With minSlot (px per bar) a long series is drawn at
   full width in a box that scrolls sideways, opened at its end (the latest), never cut.
   note: a line under the chart saying what it covers (or a function of whether it scrolls).
   anchor 'end': the labelled bars are counted from the last one, so the latest day has its label. */
export function barChart(title, items, { every = 0, minSlot = 0, note = '', anchor = 'start' } = {}) {
  const titleId = nextId('c');
  const max = Math.max(1, ...items.map((i) => i.value));
  const n = Math.max(items.length, 1);
  const H = 180, top = 18, bottom = 36, pad = 4;
  const widest = Math.max(1, ...items.map((i) => String(i.label).length)) * CHAR_W;
  const W = Math.max(360, Math.ceil(n * minSlot + widest + 2));
  // Room at both ends for half a label, so the first and last sit centred under their bars.
  const side = Math.max(pad, widest / 2 + 1 - (W - 2 * pad) / n / 2);
  const slot = (W - 2 * side) / n;
  const bar = Math.max(2, slot * 0.7);
  const step = every || STEPS.find((k) => k * slot >= widest + 6) || Math.ceil((widest + 6) / slot);
  const inside = (x, width) => Math.min(Math.max(x, width / 2 + 1), W - width / 2 - 1);
  const valueFits = slot >= String(max).length * CHAR_W;
  const lastMax = items.map((i) => i.value).lastIndexOf(max);
  const wide = W > 360;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: wide ? W : null, height: wide ? H : null, role: 'img', 'aria-labelledby': titleId, class: wide ? 'chart wide' : 'chart' },
    s('title', { id: titleId }, `${title}: ${items.map((i) => `${i.label} ${i.value}`).join(', ')}`),
    s('line', { x1: 0, y1: H - bottom, x2: W, y2: H - bottom, class: 'axis' }));
  // Labels every `step` bars counted from `anchor` (the latest day is at the end), none on another.
  const order = items.map((_, i) => i).filter((i) => (anchor === 'end' ? items.length - 1 - i : i) % step === 0);
  if (anchor === 'end') order.reverse();
  const taken = [];
  for (const i of order) {
    const text = String(items[i].label);
    const width = text.length * CHAR_W;
    const x = inside(side + i * slot + slot / 2, width);
    if (taken.some(([a, b]) => x - width / 2 < b + 4 && x + width / 2 > a - 4)) continue;
    taken.push([x - width / 2, x + width / 2]);
    svg.append(s('text', { x: x.toFixed(1), y: H - bottom + 16, class: 'lab' }, text));
  }
  items.forEach((item, i) => {
    const height = ((H - top - bottom) * item.value) / max;
    const x = side + i * slot + (slot - bar) / 2;
    const y = H - bottom - height;
    const centre = x + bar / 2;
    svg.append(s('rect', { x: x.toFixed(1), y: y.toFixed(1), width: bar.toFixed(1), height: height.toFixed(1), class: item.cls || 'bar' }));
    if (item.value > 0 && (valueFits || i === lastMax)) {
      const text = String(item.value);
      svg.append(s('text', { x: inside(centre, text.length * CHAR_W).toFixed(1), y: (y - 4).toFixed(1), class: 'val' }, text));
    }
  });
  const drawing = wide
    ? h('div', { class: 'chart-scroll', tabindex: '0', role: 'group', 'aria-label': title }, svg)
    : svg;
  const said = typeof note === 'function' ? note(wide) : note;
  return h('figure', { class: 'chart-box' }, h('figcaption', null, title), drawing, said ? h('p', { class: 'meta chart-note' }, said) : null);
}
