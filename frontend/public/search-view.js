// Search one case: messages, call notes, text machine-read in screenshots, and the files' own
// names and descriptions. The server marks where each hit matched ([start, end] in code points);
// the marks are drawn as <mark> elements, never as HTML from the server.
import { t, label } from './i18n.js';
import { h, button, link, messageArea, errorText, time, clear } from './ui.js';
import * as api from './api.js';
import { caseName } from './views.js';

export function searchForm(caseId, query = '') {
  const input = h('input', {
    name: 'q', type: 'search', maxlength: '100', value: query, enterkeyhint: 'search', autocomplete: 'off',
    'aria-label': t('search.label'), placeholder: t('search.placeholder'),
  });
  const form = h('form', { class: 'search-form', role: 'search' }, input, h('button', { type: 'submit' }, t('search.go')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (q) location.hash = `#/case/${caseId}/search?q=${encodeURIComponent(q)}`;
  });
  return form;
}

/* The excerpt with its matches marked. */
export function marked(excerpt, match) {
  const chars = Array.from(excerpt);
  const out = [];
  let at = 0;
  for (const [start, end] of match || []) {
    if (start < at || end > chars.length) continue;
    if (start > at) out.push(chars.slice(at, start).join(''));
    out.push(h('mark', null, chars.slice(start, end).join('')));
    at = end;
  }
  if (at < chars.length) out.push(chars.slice(at).join(''));
  return out;
}

function hitRow(hit, kase) {
  const what = hit.kind === 'screenshot_text' ? t('search.in_picture')
    : hit.kind === 'evidence' ? t('search.in_file', { field: t(`search.field.${hit.field}`) })
      : label('type', hit.kind);
  const where = [hit.number, hit.name].filter(Boolean).join(' · ');
  const side = hit.kind === 'screenshot_text' && hit.side && hit.side !== 'unknown' && hit.side !== 'time'
    ? t(`text.${hit.side}`) : '';
  const body = [
    h('p', { class: 'what' }, what, side ? ` · ${side}` : ''),
    where ? h('p', { class: 'who' }, where) : null,
    h('p', { class: 'text excerpt' }, marked(hit.excerpt, hit.match)),
    hit.kind === 'screenshot_text' ? h('p', { class: 'meta machine-note' }, t('search.machine_read')) : null,
    h('p', { class: 'meta' }, time(hit.occurred_at, kase.timezone)),
  ];
  const open = hit.item_id ? link(`#/case/${kase.id}/item/${hit.item_id}`, t('search.open'), 'describe-link') : null;
  const colour = ['call', 'message'].includes(hit.kind) ? hit.kind : 'file';
  return h('li', { class: `entry hit ${colour} kind-${hit.kind}` }, h('div', { class: 'body' }, body, open));
}

export async function searchView(main, [id, encoded], ctx) {
  const query = decodeURIComponent(encoded || '').trim();
  const msgs = messageArea();
  let kase;
  try {
    kase = (await api.getSaved(`/api/cases/${id}/`)).data;
  } catch (err) {
    if (ctx.current()) main.append(h('h1', null, t('case.unavailable')), msgs);
    msgs.set(errorText(err));
    return;
  }
  if (!ctx.current()) return;
  ctx.setTitle(t('search.title'));
  const summary = h('p', { class: 'meta search-summary', 'aria-live': 'polite' });
  const list = h('ol', { class: 'timeline hits' });
  const more = button(t('search.more'), () => load(), 'more');
  more.hidden = true;
  main.append(
    h('p', { class: 'back' }, link(`#/case/${id}`, `← ${t('case.back')}`)),
    h('h1', null, t('search.title')), h('p', { class: 'meta' }, caseName(kase)),
    searchForm(id, query), summary, msgs, list, more);
  if (!query) { summary.textContent = t('search.hint'); return; }
  let page = 1;
  async function load() {
    more.hidden = true;
    try {
      const data = await api.get(`/api/cases/${id}/search/?q=${encodeURIComponent(query)}&page=${page}`);
      if (!ctx.current()) return;
      if (page === 1) {
        clear(list);
        summary.textContent = data.count ? t('search.count', { n: data.count, q: query }) : t('search.none', { q: query });
      }
      data.results.forEach((hit) => list.append(hitRow(hit, kase)));
      page += 1;
      more.hidden = !data.next;
    } catch (err) {
      msgs.set(errorText(err));
    }
  }
  load();
}
