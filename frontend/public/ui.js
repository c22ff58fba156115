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
/* A time in the case's time zone, in the reader's language. */
export function fmtTime(iso, timeZone, dateOnly = false) {
  if (!iso) return '';
  const key = `${lang()}|${timeZone}|${dateOnly}`;
  if (!formatters.has(key)) {
    const opts = dateOnly ? { year: 'numeric', month: '2-digit', day: '2-digit' }
      : { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    try { formatters.set(key, new Intl.DateTimeFormat(lang(), { ...opts, timeZone: timeZone || undefined })); } catch {
      formatters.set(key, new Intl.DateTimeFormat(lang(), opts));
    }
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : formatters.get(key).format(d);
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

/* A simple bar chart as inline SVG. items: [{label, value}]; every bar labelled with its value. */
export function barChart(title, items, { every = 1 } = {}) {
  const titleId = nextId('c');
  const max = Math.max(1, ...items.map((i) => i.value));
  const n = Math.max(items.length, 1);
  const nonZero = items.filter((i) => i.value > 0).length;
  const W = 360, H = 180, top = 18, bottom = 36, left = 4;
  const slot = (W - left) / n;
  const bar = Math.max(2, slot * 0.7);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': titleId, class: 'chart' },
    s('title', { id: titleId }, `${title}: ${items.map((i) => `${i.label} ${i.value}`).join(', ')}`),
    s('line', { x1: 0, y1: H - bottom, x2: W, y2: H - bottom, class: 'axis' }));
  items.forEach((item, i) => {
    const height = ((H - top - bottom) * item.value) / max;
    const x = left + i * slot + (slot - bar) / 2;
    const y = H - bottom - height;
    svg.append(s('rect', { x: x.toFixed(1), y: y.toFixed(1), width: bar.toFixed(1), height: height.toFixed(1), class: item.cls || 'bar' }));
    if (item.value > 0 && (nonZero <= 12 || item.value === max)) {
      svg.append(s('text', { x: (x + bar / 2).toFixed(1), y: (y - 4).toFixed(1), class: 'val' }, String(item.value)));
    }
    if (i % every === 0) svg.append(s('text', { x: (x + bar / 2).toFixed(1), y: H - bottom + 16, class: 'lab' }, item.label));
  });
  return h('figure', { class: 'chart-box' }, h('figcaption', null, title), svg);
}
