// The text a machine read in a picture, shown under it on the item's page: chat bubbles with their
// side and the time above them, each marked as machine-read, with "right" / "wrong" for the borrower.
// A dismissed passage is left out of the findings; a confirmed one is no longer marked uncertain.
import { t } from './i18n.js';
import { h, button, clear, alertBox, errorText } from './ui.js';
import * as api from './api.js';

const POLL_MS = 3000;
const POLL_TIMES = 40; // two minutes: the time limit of one reading

export function pictureBox(item) {
  if (!item.thumbnail_url) return null;
  const img = h('img', { class: 'picture', alt: t('text.picture_alt', { name: item.original_name || '' }) });
  api.blob(item.thumbnail_url).then((b) => { img.src = URL.createObjectURL(b); }).catch(() => img.remove());
  return h('figure', { class: 'picture-box' }, img);
}

export function textSection(item, ctx) {
  if (!item.text) return null;
  const box = h('section', { class: 'card text-box', 'aria-labelledby': 'text-h' });
  let polls = 0;
  function render(text) {
    clear(box);
    box.append(h('h2', { id: 'text-h' }, t('text.title')));
    if (text.status === 'pending') {
      box.append(h('p', { class: 'meta', role: 'status' }, t('text.pending')));
      if (polls++ < POLL_TIMES) setTimeout(refresh, POLL_MS);
      return;
    }
    if (text.status !== 'done') {
      box.append(h('p', { class: 'meta' }, text.error_text || t('text.none')));
      return;
    }
    if (!text.passages.length) {
      box.append(h('p', { class: 'meta' }, t(item.mime === 'application/pdf' ? 'text.pdf_has_text' : 'text.empty')));
      return;
    }
    box.append(h('p', { class: 'machine-note' }, t('text.machine_read')));
    if (text.title) box.append(h('p', { class: 'chat-title' }, t('text.chat_with', { title: text.title })));
    const list = h('ol', { class: `passages layout-${text.layout}`, lang: text.lang || null });
    for (const p of text.passages) list.append(passageRow(item, p, render, box));
    box.append(list, h('p', { class: 'meta engine' }, t('text.engine', { engine: text.engine })));
  }
  async function refresh() {
    if (!ctx.current()) return;
    try { render((await api.get(`/api/evidence/${item.id}/`)).text); } catch { /* the next visit shows it */ }
  }
  render(item.text);
  return box;
}

function passageRow(item, p, render, box) {
  if (p.side === 'time') return h('li', { class: 'passage time' }, p.text);
  const who = p.side === 'theirs' ? t('text.theirs') : p.side === 'mine' ? t('text.mine') : '';
  const head = [p.page ? t('text.page', { n: p.page }) : '', who, p.time].filter(Boolean).join(' ');
  const row = h('li', { class: `passage side-${p.side} review-${p.review || 'none'}`, 'data-n': String(p.n) },
    head ? h('span', { class: 'who' }, `${head}：`) : null, h('span', { class: 'said' }, p.text));
  if (item.can_edit === false) return row;
  const review = async (value) => {
    try {
      render(await api.post(`/api/evidence/${item.id}/text/passages/${p.n}/`, { review: value }));
    } catch (err) { box.append(alertBox(errorText(err))); }
  };
  const state = p.review === 'confirmed' ? t('text.confirmed') : p.review === 'dismissed' ? t('text.dismissed') : '';
  row.append(h('span', { class: 'review' },
    state ? h('span', { class: 'state' }, state) : null,
    p.review ? button(t('text.undo'), () => review(null), 'small')
      : [button(t('text.confirm'), () => review('confirmed'), 'small'), button(t('text.dismiss'), () => review('dismissed'), 'small')]));
  return row;
}
