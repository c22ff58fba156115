// Describing one file for the exhibit list (证据目录): what it proves (证明目的) and what it holds
// (内容摘要). Left empty, the report writes a careful default for the kind of file.
import { t, label } from './i18n.js';
import { h, field, link, messageArea, errorText, formValues, busy, shortHash, fmtTime } from './ui.js';
import * as api from './api.js';
import { pictureBox, textSection } from './text-view.js';

const LIMIT = '500'; // the server's limit for both (EvidenceItem.purpose and .summary)

export async function describeView(main, [caseId, itemId], ctx) {
  const back = h('p', { class: 'back' }, link(`#/case/${caseId}`, `← ${t('case.back')}`));
  const msgs = messageArea();
  ctx.setTitle(t('describe.title'));
  let item;
  try {
    item = await api.get(`/api/evidence/${itemId}/`);
  } catch (err) {
    if (ctx.current()) { main.append(back, h('h1', null, t('describe.title')), msgs); msgs.set(errorText(err)); }
    return;
  }
  if (!ctx.current()) return;
  const form = h('form', { class: 'card describe' },
    field(t('describe.purpose'), h('textarea', { name: 'purpose', rows: '3', maxlength: LIMIT }), t('describe.purpose_hint')),
    field(t('describe.summary'), h('textarea', { name: 'summary', rows: '4', maxlength: LIMIT }), t('describe.summary_hint')),
    msgs, h('button', { type: 'submit', class: 'primary' }, t('describe.save')));
  form.elements.purpose.value = item.purpose || '';
  form.elements.summary.value = item.summary || '';
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const { purpose = '', summary = '' } = formValues(form);
    busy(form, async () => {
      try {
        await api.patch(`/api/evidence/${itemId}/`, { purpose, summary });
        msgs.set(t('describe.saved'), 'ok');
      } catch (err) { msgs.set(errorText(err)); }
    });
  });
  main.append(back, h('h1', null, t('describe.title')),
    h('p', { class: 'meta' }, `${label('kind', item.kind)} · ${item.original_name || ''}`),
    h('p', { class: 'hash' }, 'SHA-256 ', h('code', null, shortHash(item.sha256))),
    twinsNote(item, caseId), pictureBox(item), textSection(item, ctx),
    h('p', { class: 'lead' }, t('describe.lead')), form);
}

/* The same picture kept more than once (a copy, a resize, a crop): said, linked, never merged. */
function twinsNote(item, caseId) {
  if (!item.twins || !item.twins.length) return null;
  return h('div', { class: 'msg info twins' },
    h('p', null, t('twins.lead')),
    h('ul', null, item.twins.map((twin) => h('li', null,
      link(`#/case/${caseId}/item/${twin.id}`, twin.original_name || t('twins.unnamed')),
      ` · ${t(`twins.${twin.how}`)} · ${t('twins.received', { at: fmtTime(twin.received_at) })}`))),
    h('p', { class: 'meta' }, t('twins.kept')));
}
