// Screens inside one case: timeline, adding files, typing in calls and messages, phone exports,
// numbers, findings and charts, bundles (report, packet, sharing, submissions), invitees.
import { t, lang, label, eventName, directionName, authoritiesFor, discreet } from './i18n.js';
import {
  h, field, check, select, button, link, messageArea, errorText, formValues, busy, fmtSize, fmtTime, time,
  shortHash, progressBar, saveBlob, barChart, everyDay, zoneName, clear, alertBox, add,
} from './ui.js';
import * as api from './api.js';
import * as queue from './queue.js';
import { counterparty, caseName, savedCopyNote } from './views.js';
import { searchForm } from './search-view.js';

const core = () => self.ELCore;
const PAGE = 30;

async function loadCase(id, main, ctx) {
  const msgs = messageArea();
  try {
    const { data, stale, at } = await api.getSaved(`/api/cases/${id}/`);
    if (stale) msgs.set(savedCopyNote(at), 'info');
    core().db.put('kv', id, 'lastCase').catch(() => {}); // where files shared to the app go
    return { kase: data, msgs };
  } catch (err) {
    if (ctx.current()) main.append(h('h1', null, t('case.unavailable')), alertBox(errorText(err)), link('#/cases', t('nav.cases'), 'button-link'));
    return { kase: null, msgs };
  }
}

function back(caseId) {
  return h('p', { class: 'back' }, link(`#/case/${caseId}`, `← ${t('case.back')}`));
}

function subHeader(kase, title) {
  return [back(kase.id), h('h1', null, title), h('p', { class: 'meta' }, caseName(kase))];
}

/* Load thumbnails behind the token, a few at a time, as blob: URLs freed when the screen goes. */
function thumbnailLoader(ctx) {
  const urls = [];
  const waiting = [];
  let active = 0;
  ctx.onCleanup(() => { waiting.length = 0; urls.forEach((u) => URL.revokeObjectURL(u)); });
  function pump() {
    while (active < 3 && waiting.length) {
      const [img, url] = waiting.shift();
      active += 1;
      api.blob(url).then((b) => {
        const u = URL.createObjectURL(b);
        urls.push(u);
        img.src = u;
        img.classList.add('loaded');
      }).catch(() => img.classList.add('failed')).finally(() => { active -= 1; pump(); });
    }
  }
  return (img, url) => { waiting.push([img, url]); pump(); };
}

/* ---------- the case: header, actions, timeline ---------- */

export async function caseView(main, [id], ctx) {
  const { kase, msgs } = await loadCase(id, main, ctx);
  if (!kase || !ctx.current()) return;
  ctx.setTitle(kase.title);
  const counts = (kase.counts && kase.counts.by_kind) || {};
  const countText = Object.entries(counts).filter(([, n]) => n).map(([k, n]) => `${label('kind', k)} ${n}`).join(' · ');
  // add(), not append(): append() would write an absent part (null) as the text "null".
  add(main, [
    h('p', { class: 'back' }, link('#/cases', `← ${t('nav.cases')}`)),
    h('h1', null, caseName(kase)),
    discreet() ? null : h('p', { class: 'meta' }, [counterparty(kase), label('jurisdiction', kase.jurisdiction), zoneName(kase.timezone)].filter(Boolean).join(' · ')),
    countText ? h('p', { class: 'meta' }, countText) : null,
    msgs,
    searchForm(id),
    h('nav', { class: 'actions', 'aria-label': t('case.actions') }, h('ul', null,
      ['upload', 'record', 'import', 'numbers', 'findings', 'bundles', 'invite'].map((a) =>
        h('li', null, link(`#/case/${id}/${a}`, t(`case.action.${a}`), a === 'upload' ? 'action primary' : 'action')))))]);
  main.append(timelineSection(kase, ctx));
}

function timelineSection(kase, ctx, base = '') {
  const list = h('ol', { class: 'timeline' });
  const msgs = messageArea();
  const more = button(t('timeline.older'), () => loadPage(), 'more');
  more.hidden = true;
  const kind = select('kind', [['', t('timeline.all')], ['file', label('type', 'file')], ['call', label('type', 'call')], ['message', label('type', 'message')]], '');
  const number = h('input', { name: 'number', type: 'tel', autocomplete: 'off' });
  const filters = h('form', { class: 'filters' },
    field(t('timeline.kind'), kind), field(t('timeline.number'), number),
    h('button', { type: 'submit' }, t('timeline.apply')));
  const summary = h('p', { class: 'meta', 'aria-live': 'polite' });
  const thumbs = thumbnailLoader(ctx);
  let page = 0;
  let query = base;

  async function loadPage() {
    more.hidden = true;
    try {
      let data;
      if (page === 0) {
        // Newest first: the first page tells how many there are; then read from the end.
        // core.timelineUrl: the same URLs the saved copies are refreshed under.
        const first = (await api.getSaved(core().timelineUrl(kase.id, PAGE, 1, query))).data;
        const last = Math.max(1, Math.ceil(first.count / PAGE));
        summary.textContent = t('timeline.count', { n: first.count });
        page = last;
        data = last === 1 ? first : (await api.getSaved(core().timelineUrl(kase.id, PAGE, last, query))).data;
      } else {
        data = (await api.getSaved(core().timelineUrl(kase.id, PAGE, page, query))).data;
      }
      if (!ctx.current()) return;
      data.results.slice().reverse().forEach((e) => list.append(entry(e, kase, thumbs)));
      page -= 1;
      more.hidden = page < 1;
      if (!list.children.length) list.append(h('li', { class: 'empty' }, t('timeline.empty')));
    } catch (err) {
      msgs.set(errorText(err));
    }
  }
  filters.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(filters);
    query = base + (v.kind ? `&kind=${encodeURIComponent(v.kind)}` : '') + (v.number ? `&number=${encodeURIComponent(v.number)}` : '');
    clear(list);
    msgs.set('');
    page = 0;
    loadPage();
  });
  loadPage();
  return h('section', { class: 'timeline-box', 'aria-labelledby': 'tl-h' },
    h('h2', { id: 'tl-h' }, t('timeline.title')), filters, summary, msgs, list, more);
}

function entry(e, kase, thumbs) {
  const when = time(e.at, kase.timezone);
  if (e.type === 'file') {
    const f = e.file || {};
    const img = h('img', { alt: '', class: 'thumb', width: '72', height: '72' });
    if (f.thumbnail_url) thumbs(img, f.thumbnail_url);
    else img.classList.add('failed');
    return h('li', { class: `entry file kind-${f.kind}`, 'data-sha256': f.sha256 || '' },
      h('div', { class: 'thumb-box' }, img, h('span', { class: 'kind-tag' }, label('kind', f.kind))),
      h('div', { class: 'body' },
        h('p', { class: 'name' }, f.original_name || label('kind', f.kind)),
        h('p', { class: 'meta' }, when),
        e.note ? h('p', null, e.note) : null,
        h('p', { class: 'hash' }, 'SHA-256 ', h('code', null, shortHash(f.sha256))),
        link(`#/case/${kase.id}/item/${e.id}`, t('describe.link'), 'describe-link')));
  }
  const who = [e.contact_name, e.number].filter(Boolean).join(' ');
  const role = e.role ? h('span', { class: `role role-${e.role}` }, label('role', e.role)) : null;
  const head = eventName(e.type, e.direction, e.channel);
  return h('li', { class: `entry ${e.type} dir-${e.direction}` },
    h('div', { class: 'body' },
      h('p', { class: 'what' }, head, e.type === 'call' && e.duration_s ? ` · ${t('timeline.duration', { s: e.duration_s })}` : ''),
      h('p', { class: 'who' }, who, role),
      e.body ? h('p', { class: 'text' }, e.body) : null,
      e.recording_file ? recordingPlayer(e.recording_file) : null,
      e.note ? h('p', { class: 'note' }, e.note) : null,
      h('p', { class: 'meta' }, when)));
}

/* The recording of a call, beside it: fetched behind the token only when asked for (recordings are large). */
function recordingPlayer(file) {
  const box = h('div', { class: 'recording' });
  const length = file.duration_s ? ` · ${t('timeline.duration', { s: Math.round(file.duration_s) })}` : '';
  const play = button(t('timeline.play_recording'), async () => {
    play.disabled = true;
    try {
      const audio = h('audio', { controls: true, src: URL.createObjectURL(await api.blob(file.original_url)) });
      play.replaceWith(audio);
      audio.play().catch(() => {});
    } catch (err) { play.disabled = false; box.append(alertBox(errorText(err))); }
  });
  box.append(h('p', { class: 'meta' }, `${t('timeline.recording')}: ${file.original_name || ''}${length}`), play);
  return box;
}

/* ---------- adding files ---------- */

const ACCEPT = 'image/*,audio/*,video/*,application/pdf';

function fileRow(file) {
  const bar = progressBar(t('upload.progress_of', { name: file.name }));
  const state = h('span', { class: 'state' }, t('upload.preparing'));
  const hash = h('p', { class: 'hash' });
  const row = h('li', { class: 'file-row upload' },
    h('span', { class: 'name' }, file.name), h('span', { class: 'meta' }, fmtSize(file.size)), bar, state, hash);
  row.update = (what, extra = {}) => {
    row.dataset.state = what;
    if (what === 'sending') state.textContent = t('upload.sending');
    if (what === 'waiting') state.textContent = navigator.onLine ? t('upload.waiting') : t('upload.waiting_offline');
    if (what === 'done') {
      bar.set(100);
      const body = extra.body || {};
      state.textContent = body.duplicate ? t('upload.in_case') : extra.status === 200 ? t('upload.already') : t('upload.saved');
      if (extra.body && extra.body.sha256) row.dataset.serverSha256 = extra.body.sha256;
    }
    if (what === 'refused') { state.textContent = `${t('upload.refused')}: ${extra.detail}`; state.setAttribute('role', 'alert'); }
    if (what === 'auth') state.textContent = t('upload.signin_again');
  };
  row.progress = (loaded, total) => bar.set(total ? (loaded * 100) / total : 0);
  row.setHash = (sha) => {
    row.dataset.sha256 = sha || '';
    add(clear(hash), [sha ? ['SHA-256 ', h('code', null, shortHash(sha))] : t(noHashReason(file))]);
  };
  return row;
}

/* Why there is no phone-side hash: the file is too large, or this browser has no crypto.subtle
   (an address that is not https://), or hashing failed. */
function noHashReason(file) {
  const why = core().hashSkipped(file);
  return why === 'too-large' ? 'upload.too_big_to_hash' : why === 'no-crypto' ? 'upload.no_hash' : 'upload.hash_failed';
}

/* Tie rows to queue ids and follow the queue's events. */
function trackRows(ctx) {
  const rows = new Map();
  ctx.onCleanup(queue.onQueue((e) => {
    const row = rows.get(e.id);
    if (!row) return;
    if (e.type === 'progress') { row.update('sending'); row.progress(e.loaded, e.total); }
    else if (e.type === 'sending') row.update('sending');
    else if (e.type === 'done') row.update('done', e);
    else if (e.type === 'refused') row.update('refused', { detail: (e.body && e.body.detail) || e.status });
    else if (e.type === 'retry') row.update('waiting');
    else if (e.type === 'auth') row.update('auth');
  }));
  return rows;
}

/* The pickers, options and file rows of an upload screen. target: what queue.addFiles needs to
   send the files ({caseId} for the borrower's case, {url} for an invitee's contribution). */
function uploadPanel(ctx, target) {
  const rows = trackRows(ctx);
  const list = h('ul', { class: 'files', 'aria-label': t('upload.list') });
  const kind = select('kind', [['', t('upload.kind_auto')], ...['screenshot', 'photo', 'recording', 'video', 'document'].map((k) => [k, label('kind', k)])], '');
  const note = h('input', { name: 'note', maxlength: '500' });
  const camera = h('input', { type: 'file', multiple: true, accept: ACCEPT, capture: 'environment', class: 'file-input', id: 'pick-camera' });
  const gallery = h('input', { type: 'file', multiple: true, accept: ACCEPT, class: 'file-input', id: 'pick-gallery' });
  const offline = h('p', { class: 'msg info', hidden: navigator.onLine }, t('upload.offline'));
  const onNet = () => { offline.hidden = navigator.onLine; };
  addEventListener('online', onNet);
  addEventListener('offline', onNet);
  ctx.onCleanup(() => { removeEventListener('online', onNet); removeEventListener('offline', onNet); });

  async function picked(input) {
    const files = [...input.files];
    input.value = ''; // the same file may be picked again
    if (!files.length) return;
    const pending = files.map((f) => { const row = fileRow(f); list.append(row); return row; });
    let n = 0;
    await queue.addFiles(files, { ...target, kind: kind.value, note: note.value.trim() }, (file, qid, sha) => {
      const row = pending[n++];
      rows.set(qid, row);
      row.dataset.queueId = qid;
      row.update('waiting');
      row.setHash(sha);
    });
  }
  camera.addEventListener('change', () => picked(camera));
  gallery.addEventListener('change', () => picked(gallery));
  return [
    h('div', { class: 'pickers' },
      camera, h('label', { for: 'pick-camera', class: 'pick primary' }, t('upload.camera')),
      gallery, h('label', { for: 'pick-gallery', class: 'pick' }, t('upload.gallery'))),
    h('details', { class: 'options' }, h('summary', null, t('upload.options')),
      field(t('upload.kind'), kind, t('upload.kind_hint')), field(t('upload.note'), note, t('upload.note_hint'))),
    offline, list];
}

export async function uploadView(main, [id], ctx) {
  const { kase, msgs } = await loadCase(id, main, ctx);
  if (!kase || !ctx.current()) return;
  ctx.setTitle(t('upload.title'));
  main.append(...subHeader(kase, t('upload.title')), msgs,
    h('p', { class: 'lead' }, t('upload.lead')),
    ...uploadPanel(ctx, { caseId: kase.id }),
    h('p', { class: 'hint' }, t('upload.promise')));
}

/* ---------- an invitee: the cases they may add to, and adding to one ---------- */

function contributionMeta(c, tag = 'span') {
  return [
    h(tag, { class: 'meta' }, t('contrib.invited_by', { who: c.invited_by, name: c.name, relation: label('role', c.relation) })),
    h(tag, { class: 'meta until' }, t('contrib.until', { date: fmtTime(c.expires_at, undefined, true) }))];
}

/* The borrower's case title, or in discreet mode "笔记 1", "笔记 2"… in the list's order. */
function contributionName(c, index) {
  return discreet() ? t('discreet.case', { date: String(index + 1) }) : c.case_title;
}

export async function contributionsView(main, _params, ctx) {
  ctx.setTitle(t('contrib.title'));
  const msgs = messageArea();
  const list = h('ul', { class: 'cards contributions', 'aria-busy': 'true' });
  main.append(h('h1', null, t('contrib.title')), h('p', { class: 'lead' }, t('contrib.lead')), msgs, list);
  try {
    const { data, stale, at } = await api.getSaved('/api/contributions/');
    if (!ctx.current()) return;
    if (stale) msgs.set(savedCopyNote(at), 'info');
    list.removeAttribute('aria-busy');
    if (!data.length) list.append(h('li', null, t('contrib.none')));
    data.forEach((c, i) => list.append(h('li', null, h('a', { href: `#/contribution/${c.id}`, class: 'case-card' },
      h('span', { class: 'case-title' }, contributionName(c, i)), ...contributionMeta(c)))));
  } catch (err) {
    list.removeAttribute('aria-busy');
    msgs.set(errorText(err));
  }
}

export async function contributionView(main, [id], ctx) {
  const msgs = messageArea();
  const backLink = h('p', { class: 'back' }, link('#/contributions', `← ${t('contrib.title')}`));
  let c;
  let all = [];
  try {
    const { data, stale, at } = await api.getSaved('/api/contributions/');
    if (stale) msgs.set(savedCopyNote(at), 'info');
    all = data;
    c = data.find((x) => x.id === id);
  } catch (err) { msgs.set(errorText(err)); }
  if (!ctx.current()) return;
  if (!c) { main.append(backLink, h('h1', null, t('contrib.unavailable')), msgs); return; }
  ctx.setTitle(t('contrib.add'));
  const url = `/api/contributions/${id}/evidence/`;
  const mine = h('ul', { class: 'cards mine', 'aria-labelledby': 'mine-h' });
  const mineMsgs = messageArea();
  async function refresh() {
    let items;
    try { items = await api.get(url); } catch (err) { mineMsgs.set(errorText(err)); return; }
    if (!ctx.current()) return;
    clear(mine);
    if (!items.length) mine.append(h('li', null, t('contrib.nothing_yet')));
    items.forEach((i) => mine.append(h('li', { class: 'card', 'data-sha256': i.sha256 },
      h('p', { class: 'name' }, i.original_name || label('kind', i.kind)),
      h('p', { class: 'meta' }, `${label('kind', i.kind)} · ${fmtSize(i.size)} · ${t('contrib.received')} ${fmtTime(i.received_at)}`),
      i.note ? h('p', null, i.note) : null,
      h('p', { class: 'hash' }, 'SHA-256 ', h('code', null, shortHash(i.sha256))))));
  }
  ctx.onCleanup(queue.onQueue((e) => { if (e.type === 'done') refresh(); }));
  main.append(backLink, h('h1', null, t('contrib.add')),
    h('p', { class: 'meta case-title' }, contributionName(c, all.indexOf(c))), ...contributionMeta(c, 'p'),
    msgs, h('p', { class: 'lead' }, t('contrib.upload_lead', { who: c.invited_by })),
    ...uploadPanel(ctx, { url }),
    h('p', { class: 'hint' }, t('upload.promise')),
    h('section', { 'aria-labelledby': 'mine-h' }, h('h2', { id: 'mine-h' }, t('contrib.mine')), h('p', { class: 'hint' }, t('contrib.mine_hint')), mineMsgs, mine));
  refresh();
}

/* ---------- calls and messages typed in ---------- */

function nowInZone(timeZone) {
  const parts = {};
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date()).forEach((p) => { parts[p.type] = p.value; });
    return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
  } catch { return new Date().toISOString().slice(0, 16); }
}

export async function recordView(main, [id], ctx) {
  const { kase, msgs } = await loadCase(id, main, ctx);
  if (!kase || !ctx.current()) return;
  ctx.setTitle(t('record.title'));
  const zoneHint = t('record.zone', { zone: zoneName(kase.timezone) });
  const callMsgs = messageArea();
  const call = h('form', { class: 'card' },
    h('h2', null, t('record.call')),
    field(t('record.number'), h('input', { name: 'number', type: 'tel', required: true, autocomplete: 'off' })),
    field(t('record.direction'), select('direction', ['missed', 'in', 'out', 'rejected'].map((d) => [d, directionName('call', d)]), 'missed')),
    field(t('record.call_channel'), select('channel', ['phone', 'wechat', 'visit', 'other'].map((c) => [c, label('channel', c)]), 'phone')),
    field(t('record.when'), h('input', { name: 'started_at', type: 'datetime-local', required: true, value: nowInZone(kase.timezone) }), zoneHint),
    field(t('record.minutes'), h('input', { name: 'minutes', type: 'number', min: '0', step: '0.5', inputmode: 'decimal' })),
    field(t('record.note'), h('input', { name: 'note', maxlength: '500' })),
    callMsgs, h('button', { type: 'submit', class: 'primary' }, t('record.save_call')));
  call.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(call);
    if (!v.number || !v.started_at) { callMsgs.set(t('record.missing')); return; }
    const body = { number: v.number, direction: v.direction, channel: v.channel, started_at: v.started_at, note: v.note };
    if (v.minutes) body.duration_s = Math.round(parseFloat(v.minutes) * 60);
    busy(call, async () => {
      try { await api.post(`/api/cases/${id}/calls/`, body); callMsgs.set(t('record.saved'), 'ok'); call.elements.number.value = ''; } catch (err) { callMsgs.set(errorText(err)); }
    });
  });
  const msgMsgs = messageArea();
  const message = h('form', { class: 'card' },
    h('h2', null, t('record.message')),
    field(t('record.msg_channel'), select('channel', ['sms', 'wechat', 'letter', 'email', 'other'].map((c) => [c, label('channel', c)]), 'sms')),
    field(t('record.direction'), select('direction', ['in', 'out'].map((d) => [d, directionName('message', d)]), 'in')),
    field(t('record.address'), h('input', { name: 'address', required: true, autocomplete: 'off' }), t('record.address_hint')),
    field(t('record.body'), h('textarea', { name: 'body', required: true, rows: '4' })),
    field(t('record.when'), h('input', { name: 'sent_at', type: 'datetime-local', required: true, value: nowInZone(kase.timezone) }), zoneHint),
    msgMsgs, h('button', { type: 'submit', class: 'primary' }, t('record.save_message')));
  message.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(message);
    if (!v.address || !v.body || !v.sent_at) { msgMsgs.set(t('record.missing')); return; }
    busy(message, async () => {
      try {
        await api.post(`/api/cases/${id}/messages/`, { channel: v.channel, direction: v.direction, address: v.address, body: v.body, sent_at: v.sent_at });
        msgMsgs.set(t('record.saved'), 'ok');
        message.elements.body.value = '';
      } catch (err) { msgMsgs.set(errorText(err)); }
    });
  });
  main.append(...subHeader(kase, t('record.title')), msgs, h('p', { class: 'lead' }, t('record.lead')), call, message);
}

/* ---------- phone exports ---------- */

function importStatus(job) {
  const bar = job.status === 'needs_mapping' ? null : progressBar(t('import.progress'));
  if (bar) bar.set(job.status === 'done' ? 100 : job.progress || 0);
  const c = job.counts || {};
  const problems = [...(job.errors || []), ...(job.warnings || [])];
  return h('div', { class: `import-status status-${job.status}` },
    h('p', { class: 'name' }, job.original_name || job.format_label || ''),
    h('p', null, `${label('status', job.status)}${job.format_label ? ` · ${job.format_label}` : ''}`),
    bar,
    h('p', { class: 'meta' }, t('import.counts', { calls: c.calls || 0, messages: c.messages || 0, attachments: c.attachments || 0, duplicates: c.duplicates || 0, skipped: c.skipped || 0 })),
    problems.length ? h('ul', { class: 'problems' }, problems.slice(0, 20).map((p) => h('li', null, p.detail || p.code))) : null);
}

/* A CSV whose columns the server does not know: the borrower says which column is which.
   A mapping confirmed once is remembered (on this phone) for files with the same header. */
const MAP_FIELDS = ['time', 'number', 'direction', 'duration_s', 'name', 'body', 'kind'];
const MAP_REQUIRED = ['time', 'direction'];
const DIRECTIONS = ['in', 'out', 'missed', 'rejected', 'blocked', 'voicemail'];
const FILE_KINDS = ['', 'call', 'sms', 'wechat', 'other'];
const mappingKey = (columns) => `el-mapping:${JSON.stringify(columns)}`;

function rememberedMapping(columns) {
  try { return JSON.parse(localStorage.getItem(mappingKey(columns)) || 'null'); } catch { return null; }
}

function mappingStep(job, onSent) {
  const saved = rememberedMapping(job.columns);
  const chosen = (saved && saved.mapping) || job.suggested || {};
  const savedWords = (saved && saved.values && saved.values.direction) || {};
  const suggestedWords = (job.suggested_values && job.suggested_values.direction) || {};
  const out = messageArea();
  const columnOptions = [['', t('map.none')], ...job.columns.map((c) => [c, c])];
  const selects = {};
  const fields = MAP_FIELDS.map((f) => {
    selects[f] = select(`map-${f}`, columnOptions, typeof chosen[f] === 'string' ? chosen[f] : '');
    return field(`${t(`map.field.${f}`)}${MAP_REQUIRED.includes(f) ? ' *' : ''}`, selects[f]);
  });
  const kind = select('map-default-kind', FILE_KINDS.map((k) => [k, t(`map.kind.${k || 'auto'}`)]),
    (saved && saved.defaults && saved.defaults.kind) || '');
  const words = h('div', { class: 'map-words' });
  function showWords() {
    clear(words);
    const column = selects.direction.value;
    const values = (job.distinct || {})[column];
    if (!column || !values) return;
    words.append(h('p', { class: 'hint' }, t('map.words', { column })));
    for (const value of values) {
      const guess = savedWords[value] || (column === (job.suggested || {}).direction ? suggestedWords[value] : '') || '';
      const pick = select('map-word', [['', t('map.word_skip')], ...DIRECTIONS.map((d) => [d, t(`map.dir.${d}`)])], guess);
      pick.dataset.word = value;
      words.append(field(value, pick));
    }
  }
  selects.direction.addEventListener('change', showWords);
  Object.values(selects).forEach((s) => s.addEventListener('change', () => out.set('')));
  showWords();
  const remember = h('input', { name: 'remember', checked: true });
  const sample = h('div', { class: 'table-scroll' }, h('table', { class: 'sample' },
    h('caption', null, t('map.sample')),
    h('thead', null, h('tr', null, job.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, (job.sample || []).map((row) => h('tr', null, job.columns.map((_, i) => h('td', null, row[i] || '')))))));
  const form = h('form', { class: 'mapping' },
    h('h3', null, t('map.title')), h('p', null, t(saved ? 'map.lead_saved' : 'map.lead')), sample,
    ...fields, field(t('map.default_kind'), kind), words, check(t('map.remember'), remember), out,
    h('button', { type: 'submit', class: 'primary' }, t('map.confirm')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const mapping = {};
    for (const f of MAP_FIELDS) if (selects[f].value) mapping[f] = selects[f].value;
    const missing = MAP_REQUIRED.filter((f) => !mapping[f]);
    if (!mapping.number && !mapping.name) missing.push('number');
    if (missing.length) { out.set(t('map.missing', { fields: missing.map((f) => t(`map.field.${f}`)).join('、') })); return; }
    const direction = {};
    for (const pick of words.querySelectorAll('select')) if (pick.value) direction[pick.dataset.word] = pick.value;
    const body = { mapping, values: { direction }, defaults: kind.value ? { kind: kind.value } : {} };
    busy(form, async () => {
      try {
        await api.post(`/api/imports/${job.id}/mapping/`, body);
        if (remember.checked) localStorage.setItem(mappingKey(job.columns), JSON.stringify(body));
        onSent();
      } catch (err) { out.set(errorText(err)); }
    });
  });
  return form;
}

export async function importView(main, [id], ctx) {
  const { kase, msgs } = await loadCase(id, main, ctx);
  if (!kase || !ctx.current()) return;
  ctx.setTitle(t('import.title'));
  const rows = trackRows(ctx);
  const list = h('ul', { class: 'files' });
  const current = h('div', { 'aria-live': 'polite' });
  const input = h('input', { type: 'file', class: 'file-input', id: 'pick-export', accept: '.xml,.csv,.txt,.html,.htm,text/xml,application/xml,text/csv,text/plain,text/html' });
  let stopped = false;
  ctx.onCleanup(() => { stopped = true; });
  async function follow(importId) {
    for (let n = 0; n < 600 && !stopped; n += 1) {
      let job;
      try { job = await api.get(`/api/imports/${importId}/`); } catch (err) { current.replaceChildren(alertBox(errorText(err))); return; }
      if (stopped) return;
      current.replaceChildren(importStatus(job));
      if (job.status === 'needs_mapping') { current.append(mappingStep(job, () => follow(importId))); return; }
      if (job.status === 'done') { api.refreshCase(id); return; } // the timeline, numbers and charts grew
      if (job.status === 'failed') return;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  ctx.onCleanup(queue.onQueue((e) => {
    if (e.type === 'done' && rows.has(e.id) && e.body && e.body.id) follow(e.body.id);
  }));
  input.addEventListener('change', async () => {
    const files = [...input.files];
    input.value = '';
    const pending = files.map((f) => { const row = fileRow(f); list.append(row); return row; });
    let n = 0;
    await queue.addFiles(files, { caseId: id }, (file, qid, sha) => { const row = pending[n++]; rows.set(qid, row); row.update('waiting'); row.setHash(sha); });
  });
  main.append(...subHeader(kase, t('import.title')), msgs, h('p', { class: 'lead' }, t('import.lead')),
    h('ul', { class: 'plain' }, ['import.f1', 'import.f2', 'import.f3', 'import.f4'].map((k) => h('li', null, t(k)))),
    h('div', { class: 'pickers' }, input, h('label', { for: 'pick-export', class: 'pick primary' }, t('import.choose'))),
    list, current);
  try {
    const earlier = await api.get(`/api/cases/${id}/imports/`);
    const jobs = Array.isArray(earlier) ? earlier : earlier.results;
    if (!jobs.length || !ctx.current()) return;
    main.append(h('h2', null, t('import.earlier')), ...jobs.slice(0, 10).map((job) => {
      const shown = importStatus(job);
      if (job.status === 'needs_mapping') shown.append(mappingStep(job, () => { shown.remove(); follow(job.id); }));
      return shown;
    }));
  } catch { /* offline: the list can wait */ }
}

/* ---------- numbers and labels ---------- */

const ROLES = ['collector', 'lender', 'self', 'relative', 'employer', 'colleague', 'friend', 'other'];

export async function numbersView(main, [id], ctx) {
  const { kase, msgs } = await loadCase(id, main, ctx);
  if (!kase || !ctx.current()) return;
  ctx.setTitle(t('numbers.title'));
  const list = h('ul', { class: 'cards numbers' });
  main.append(...subHeader(kase, t('numbers.title')), msgs, h('p', { class: 'lead' }, t('numbers.lead')),
    h('p', { class: 'hint' }, t('numbers.counts_hint')), list);
  let numbers;
  try { numbers = (await api.getSaved(`/api/cases/${id}/numbers/`)).data; } catch (err) { msgs.set(errorText(err)); return; }
  if (!ctx.current()) return;
  if (!numbers.length) list.append(h('li', null, t('numbers.none')));
  for (const n of numbers) {
    const out = messageArea();
    const role = select('role', [['', t('numbers.no_label')], ...ROLES.map((r) => [r, label('role', r)])], n.role || '');
    const form = h('form', { class: 'label-form' },
      field(t('numbers.role_for', { number: n.number }), role),
      field(t('numbers.name'), h('input', { name: 'name', value: n.name || '', maxlength: '100' })),
      out, h('button', { type: 'submit' }, t('numbers.save')));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const v = formValues(form);
      if (!v.role) { out.set(t('numbers.pick_role')); return; }
      busy(form, async () => {
        try { await api.post(`/api/cases/${id}/labels/`, { number: n.number, role: v.role, name: v.name }); out.set(t('numbers.saved'), 'ok'); } catch (err) { out.set(errorText(err)); }
      });
    });
    list.append(h('li', { class: 'card' },
      h('p', { class: 'name' }, n.number, n.contact_name ? ` (${n.contact_name})` : ''),
      h('p', { class: 'meta counts' }, numberCounts(n)),
      h('p', { class: 'meta' }, fmtTime(n.first_at, kase.timezone, true), ' – ', fmtTime(n.last_at, kase.timezone, true)),
      form));
  }
}

/* "来电 3 · 去电 1 · 收到信息 2 · 发出信息 0": who placed what (older servers: everything as incoming). */
function numberCounts(n) {
  const has = n.calls_in !== undefined;
  return t('numbers.counts', {
    calls_in: has ? n.calls_in : n.calls, calls_out: has ? n.calls_out : 0,
    messages_in: has ? n.messages_in : n.messages, messages_out: has ? n.messages_out : 0,
  });
}

/* ---------- findings and charts ---------- */

const pick = (obj) => (obj && typeof obj === 'object' ? obj[lang()] || obj.en || obj['zh-Hans'] || '' : obj || '');

export async function findingsView(main, [id], ctx) {
  const { kase, msgs } = await loadCase(id, main, ctx);
  if (!kase || !ctx.current()) return;
  ctx.setTitle(t('findings.title'));
  main.append(...subHeader(kase, t('findings.title')), msgs);
  const [findings, charts] = await Promise.all([
    api.getSaved(`/api/cases/${id}/findings/`).then((r) => r.data).catch((err) => { msgs.set(errorText(err)); return []; }),
    api.getSaved(`/api/cases/${id}/charts/`).then((r) => r.data).catch(() => null),
  ]);
  if (!ctx.current()) return;
  if (charts) main.append(chartsSection(charts, id));
  const box = h('section', { 'aria-labelledby': 'fi-h' }, h('h2', { id: 'fi-h' }, t('findings.list')));
  if (!findings.length) box.append(h('p', null, t('findings.none')));
  box.append(h('ul', { class: 'cards findings' }, findings.map((f) => h('li', { class: 'card finding' },
    h('h3', null, pick(f.title)),
    h('p', { class: 'count' }, t('findings.count', { n: f.count }), f.first_at ? [' · ', fmtTime(f.first_at, kase.timezone, true), ' – ', fmtTime(f.last_at, kase.timezone, true)] : ''),
    h('p', null, pick(f.summary)),
    f.threshold_text ? h('p', { class: 'meta' }, pick(f.threshold_text)) : null,
    h('p', { class: 'citation' }, f.citation),
    f.note && pick(f.note) ? h('details', null, h('summary', null, t('findings.about')), h('p', null, pick(f.note))) : null,
    f.support ? perDay(f.support.per_day) : null,
    f.support ? link(`#/case/${id}/finding/${encodeURIComponent(f.rule)}`, t('findings.open', { n: f.support.total }), 'button-link') : null))));
  main.append(box);
}

/* What the charts count, said in their titles: totals of all calls and messages (both ways), then
   contacts placed by collectors (per day, by hour, at night), then who called or wrote most. */
function chartsSection(charts, caseId) {
  const tot = charts.totals || {};
  const night = charts.night_contacts || {};
  const collected = tot.collection_contacts || 0;
  const section = h('section', { class: 'charts', 'aria-labelledby': 'ch-h' }, h('h2', { id: 'ch-h' }, t('charts.title')),
    h('ul', { class: 'totals' },
      h('li', null, h('strong', null, String(tot.calls || 0)), ' ', t('charts.calls')),
      h('li', null, h('strong', null, String(tot.messages || 0)), ' ', t('charts.messages')),
      h('li', null, h('strong', null, String(collected)), ' ', t('charts.contacts')),
      h('li', { class: 'night' }, h('strong', null, String(night.count || 0)), ' ', t('charts.night', { from: night.from || '22:00', to: night.to || '08:00' }))));
  if (!collected && tot.events) {
    section.append(h('p', { class: 'msg info' }, t('charts.no_collectors'), ' ', link(`#/case/${caseId}/numbers`, t('case.action.numbers'))));
  }
  const days = everyDay(charts.calls_per_day || []);
  if (days.length) {
    section.append(dayChart(t('charts.per_day'), days.map(([day, d]) => [day, d ? d.calls + (d.messages || 0) : 0])));
  }
  const hours = charts.contacts_by_hour || [];
  if (hours.length) section.append(barChart(t('charts.by_hour'), hours.map((v, hr) => ({ label: String(hr), value: v, cls: hr >= 22 || hr < 8 ? 'bar night' : 'bar' })), { every: 3 }));
  const top = charts.top_numbers || [];
  if (top.length) {
    // The engine counts what the other side placed (direction not "out"), as the numbers screen's 来电 and 收到信息.
    section.append(h('h3', null, t('charts.top')), h('ol', { class: 'top' }, top.slice(0, 10).map((n) => h('li', null,
      n.number, ' — ', t('charts.top_counts', { calls: n.calls, messages: n.messages }),
      n.role ? ` · ${label('role', n.role)}` : (n.inferred_collector ? ` · ${t('charts.inferred')}` : '')))));
  }
  return section;
}

/* A bar a day, every day from the first to the last: a long run scrolls sideways (opened at the
   latest day) and the note under it says how many days it covers. days: [[YYYY-MM-DD, n], …] */
function dayChart(title, days) {
  const said = { n: days.length, from: days[0][0], to: days[days.length - 1][0] };
  const note = (scrolls) => t(scrolls ? 'charts.days_scroll' : 'charts.days', said);
  return barChart(title, days.map(([day, value]) => ({ label: day.slice(5), value })), { minSlot: 10, note, anchor: 'end' });
}

function perDay(days) {
  if (!days || !days.length) return null;
  const shown = days.slice(0, 10).map((d) => t('findings.on_day', { day: d.day.slice(5), n: d.count })).join(' · ');
  return h('p', { class: 'meta per-day' }, `${t('findings.per_day')}: ${shown}${days.length > 10 ? ' …' : ''}`);
}

/* One finding opened onto its events: what it counts, day by day, then those calls and messages. */
export async function findingView(main, [id, rule], ctx) {
  const { kase, msgs } = await loadCase(id, main, ctx);
  if (!kase || !ctx.current()) return;
  rule = decodeURIComponent(rule);
  let findings = [];
  try { findings = (await api.getSaved(`/api/cases/${id}/findings/`)).data; } catch (err) { msgs.set(errorText(err)); }
  if (!ctx.current()) return;
  const f = findings.find((x) => x.rule === rule);
  ctx.setTitle(f ? pick(f.title) : t('findings.title'));
  main.append(h('p', { class: 'back' }, link(`#/case/${id}/findings`, `← ${t('findings.title')}`)),
    h('h1', { class: f ? null : 'gone' }, f ? pick(f.title) : t('findings.gone')), msgs);
  if (!f) return;
  const days = (f.support && f.support.per_day) || [];
  main.append(
    h('p', { class: 'count' }, t('findings.count', { n: f.count }), f.first_at ? [' · ', fmtTime(f.first_at, kase.timezone, true), ' – ', fmtTime(f.last_at, kase.timezone, true)] : ''),
    h('p', null, pick(f.summary)),
  );
  if (days.length) main.append(dayChart(t('findings.per_day'), everyDay(days, 'day').map(([day, d]) => [day, d ? d.count : 0])));
  main.append(timelineSection(kase, ctx, `&finding=${encodeURIComponent(rule)}`));
}

/* ---------- bundles: report, packet, sharing, submissions ---------- */

export async function bundlesView(main, [id], ctx) {
  const { kase, msgs } = await loadCase(id, main, ctx);
  if (!kase || !ctx.current()) return;
  ctx.setTitle(t('bundles.title'));
  const offered = authoritiesFor(kase.jurisdiction);
  const authority = select('authority', offered.map((a) => [a, label('authority', a)]), offered[0]);
  const authorityField = field(t('bundles.authority'), authority);
  authorityField.hidden = true;
  const purpose = select('purpose', ['lawyer', 'authority', 'self'].map((p) => [p, label('purpose', p)]), 'lawyer');
  purpose.addEventListener('change', () => { authorityField.hidden = purpose.value !== 'authority'; });
  const out = messageArea();
  const form = h('form', { class: 'card' },
    h('h2', null, t('bundles.new')),
    field(t('bundles.purpose'), purpose), authorityField,
    field(t('bundles.language'), select('language', [['zh-Hans', '中文'], ['en', 'English']], lang())),
    field(t('bundles.name'), h('input', { name: 'borrower_name', maxlength: '100', autocomplete: 'name' }), t('bundles.name_hint')),
    out, h('button', { type: 'submit', class: 'primary' }, t('bundles.build')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    const body = { purpose: v.purpose, language: v.language };
    if (v.purpose === 'authority') body.authority = v.authority;
    if (v.borrower_name) body.borrower_name = v.borrower_name;
    busy(form, async () => {
      try { const b = await api.post(`/api/cases/${id}/bundles/`, body); ctx.go(`#/case/${id}/bundle/${b.id}`); } catch (err) { out.set(errorText(err)); }
    });
  });
  const list = h('ul', { class: 'cards' });
  main.append(...subHeader(kase, t('bundles.title')), msgs, h('p', { class: 'lead' }, t('bundles.lead')), form, h('h2', null, t('bundles.earlier')), list);
  try {
    const bundles = await api.getAll(`/api/cases/${id}/bundles/`);
    if (!ctx.current()) return;
    if (!bundles.length) list.append(h('li', null, t('bundles.none')));
    bundles.forEach((b) => list.append(h('li', null, h('a', { href: `#/case/${id}/bundle/${b.id}`, class: 'case-card' },
      h('span', { class: 'case-title' }, `${label('purpose', b.purpose)}${b.authority ? ` · ${label('authority', b.authority)}` : ''}`),
      h('span', { class: 'meta' }, `${label('status', b.status)} · ${fmtTime(b.created_at, kase.timezone)}`)))));
  } catch (err) { msgs.set(errorText(err)); }
}

function fileDate() { return new Date().toISOString().slice(0, 10); }
function daysAhead(n) { const d = new Date(Date.now() + n * 86400000); return d.toISOString().slice(0, 10); }
function endOfDay(date) { return new Date(`${date}T23:59:59`).toISOString(); }

function copyBox(url, title) {
  const input = h('input', { readOnly: true, value: url, class: 'copy' });
  const done = h('span', { class: 'meta', 'aria-live': 'polite' });
  return h('div', { class: 'card invite-link' },
    field(title, input),
    button(t('copy'), async () => {
      try { await navigator.clipboard.writeText(url); done.textContent = t('copied'); } catch { input.select(); done.textContent = t('copy_by_hand'); }
    }), done);
}

export async function bundleView(main, [id, bundleId], ctx) {
  const { kase, msgs } = await loadCase(id, main, ctx);
  if (!kase || !ctx.current()) return;
  ctx.setTitle(t('bundle.title'));
  const statusBox = h('div', { 'aria-live': 'polite' });
  const after = h('div');
  main.append(h('p', { class: 'back' }, link(`#/case/${id}/bundles`, `← ${t('bundles.title')}`)), h('h1', null, t('bundle.title')), h('p', { class: 'meta' }, caseName(kase)), msgs, statusBox, after);
  const bar = progressBar(t('bundle.progress'));
  const state = h('p', { class: 'state' });
  statusBox.append(state, bar);
  let stopped = false;
  ctx.onCleanup(() => { stopped = true; });
  let bundle;
  for (let n = 0; n < 900 && !stopped; n += 1) {
    try { bundle = await api.get(`/api/bundles/${bundleId}/`); } catch (err) { msgs.set(errorText(err)); return; }
    if (stopped) return;
    bar.set(bundle.status === 'done' ? 100 : bundle.progress || 0);
    state.textContent = `${label('purpose', bundle.purpose)}${bundle.authority ? ` · ${label('authority', bundle.authority)}` : ''} — ${label('status', bundle.status)}`;
    if (bundle.status === 'done' || bundle.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 1200));
  }
  if (!bundle || stopped || !ctx.current()) return;
  if (bundle.status === 'failed') { after.append(alertBox(bundle.error || t('bundle.failed'))); return; }
  const dl = messageArea();
  const download = (url, name) => async () => {
    dl.set(t('bundle.downloading'), 'info');
    try { saveBlob(await api.blob(url), name); dl.set(t('bundle.downloaded', { name }), 'ok'); } catch (err) { dl.set(errorText(err)); }
  };
  after.append(
    h('section', { class: 'card' }, h('h2', null, t('bundle.files')),
      h('p', null, button(t('bundle.report'), download(bundle.report_url, bundle.report_name || `report-${fileDate()}.pdf`), 'primary')),
      h('p', null, button(t('bundle.packet'), download(bundle.packet_url, bundle.packet_name || `packet-${fileDate()}.zip`))),
      dl,
      h('dl', { class: 'hashes' },
        h('dt', null, t('bundle.set_hash')), h('dd', null, h('code', null, bundle.evidence_set_sha256)),
        h('dt', null, t('bundle.report_hash')), h('dd', null, h('code', null, bundle.report_sha256)),
        h('dt', null, t('bundle.packet_hash')), h('dd', null, h('code', null, bundle.packet_sha256)))),
    shareSection(bundle, kase, ctx), submissionSection(bundle, kase, ctx));
}

function shareSection(bundle, kase, ctx) {
  const out = messageArea();
  const list = h('ul', { class: 'cards' });
  const created = h('div');
  // Ticked only once the account is known to have an e-mail address: a notice needs somewhere to go.
  const notify = h('input', { name: 'notify', checked: false, disabled: true });
  const notifyHint = h('p', { class: 'hint', id: 'notify-hint', hidden: true }, t('share.notify_no_email'));
  const form = h('form', { class: 'card' },
    field(t('share.lawyer'), h('input', { name: 'lawyer', required: true, autocomplete: 'off', autocapitalize: 'none' }), t('share.lawyer_hint')),
    field(t('share.until'), h('input', { name: 'until', type: 'date', required: true, value: daysAhead(30), min: daysAhead(1), max: daysAhead(365) })),
    check(t('share.download'), h('input', { name: 'can_download', checked: true })),
    check(t('share.notify'), notify), notifyHint,
    out, h('button', { type: 'submit', class: 'primary' }, t('share.submit')));
  api.me().then((who) => {
    if (!ctx.current()) return;
    if (who && who.email) { notify.disabled = false; notify.checked = true; return; }
    notifyHint.hidden = false;
    notify.setAttribute('aria-describedby', 'notify-hint');
  }).catch(() => { notifyHint.hidden = false; notify.setAttribute('aria-describedby', 'notify-hint'); });
  async function refresh() {
    let shares;
    try { shares = await api.get(`/api/bundles/${bundle.id}/shares/`); } catch (err) { out.set(errorText(err)); return; }
    if (!ctx.current()) return;
    clear(list);
    if (!shares.length) list.append(h('li', null, t('share.none')));
    shares.forEach((sh) => list.append(shareCard(sh, kase, refresh)));
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    if (!v.lawyer || !v.until) { out.set(t('share.missing')); return; }
    const body = { lawyer: v.lawyer, expires_at: endOfDay(v.until), can_download: form.elements.can_download.checked, notify: !notify.disabled && notify.checked };
    busy(form, async () => {
      try {
        const sh = await api.post(`/api/bundles/${bundle.id}/shares/`, body);
        out.set(t('share.done'), 'ok');
        clear(created);
        if (sh.invite_url) created.append(copyBox(sh.invite_url, t('share.invite_link')));
        refresh();
      } catch (err) { out.set(errorText(err)); }
    });
  });
  refresh();
  return h('section', { 'aria-labelledby': 'sh-h' }, h('h2', { id: 'sh-h' }, t('share.title')), h('p', { class: 'hint' }, t('share.lead')), form, created, list);
}

function shareCard(sh, kase, refresh) {
  const log = h('div');
  const out = messageArea();
  const card = h('li', { class: 'card share' },
    h('p', { class: 'name' }, sh.lawyer || sh.invited_email),
    h('p', { class: 'meta' }, `${label('share', sh.state)} · ${t('share.until_short')} ${fmtTime(sh.expires_at, kase.timezone, true)} · ${t('share.accesses', { n: sh.accesses })}`),
    out);
  card.append(button(t('share.log'), async () => {
    try {
      const rows = await api.getAll(`/api/shares/${sh.id}/accesses/`); // paginated
      clear(log).append(rows.length ? h('ul', { class: 'log' }, rows.map((a) => h('li', null,
        h('span', null, fmtTime(a.at, kase.timezone)), ' · ', a.who, ' · ', a.what_text || a.what, a.ip ? ` · ${a.ip}` : ''))) : h('p', null, t('share.no_access')));
    } catch (err) { out.set(errorText(err)); }
  }, 'small'));
  if (sh.state === 'active' || sh.state === 'invited') {
    const confirmBox = h('div', { class: 'confirm', hidden: true },
      h('p', null, t('share.revoke_confirm')),
      button(t('share.revoke_yes'), async () => {
        try { await api.del(`/api/shares/${sh.id}/`); refresh(); } catch (err) { out.set(errorText(err)); }
      }, 'danger'));
    card.append(button(t('share.revoke'), () => { confirmBox.hidden = !confirmBox.hidden; }, 'small'), confirmBox);
  }
  card.append(log);
  return card;
}

const CHANNELS = ['online_portal', 'hotline', 'post', 'in_person', 'email'];

function submissionSection(bundle, kase, ctx) {
  const out = messageArea();
  const list = h('ul', { class: 'cards' });
  const form = h('form', { class: 'card' },
    field(t('submit.authority'), select('authority', authoritiesFor(kase.jurisdiction).map((a) => [a, label('authority', a)]), bundle.authority || authoritiesFor(kase.jurisdiction)[0])),
    field(t('submit.channel'), select('channel', CHANNELS.map((c) => [c, label('subchannel', c)]), 'online_portal')),
    field(t('submit.reference'), h('input', { name: 'reference', maxlength: '200', autocomplete: 'off' }), t('submit.reference_hint')),
    field(t('submit.note'), h('input', { name: 'note', maxlength: '500' })),
    out, h('button', { type: 'submit' }, t('submit.save')));
  async function refresh() {
    try {
      const subs = await api.get(`/api/bundles/${bundle.id}/submissions/`);
      if (!ctx.current()) return;
      clear(list);
      subs.forEach((sub) => list.append(submissionCard(sub, kase, refresh)));
    } catch (err) { out.set(errorText(err)); }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    busy(form, async () => {
      try {
        await api.post(`/api/bundles/${bundle.id}/submissions/`, v);
        out.set(t('submit.saved'), 'ok');
        form.elements.reference.value = '';
        form.elements.note.value = ''; // it is kept, and shown on the submission below
        refresh();
      } catch (err) { out.set(errorText(err)); }
    });
  });
  refresh();
  return h('section', { 'aria-labelledby': 'su-h' }, h('h2', { id: 'su-h' }, t('submit.title')), h('p', { class: 'hint' }, t('submit.lead')), form, list);
}

/* A wall-clock time typed in the case's time zone ("2026-11-05T09:30") as an ISO instant. */
function zonedIso(local, timeZone) {
  const [d, tm] = local.split('T');
  const [y, mo, da] = d.split('-').map(Number);
  const [hh, mi] = (tm || '0:0').split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, da, hh, mi);
  const offset = (at) => {
    const p = {};
    new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
      .formatToParts(new Date(at)).forEach((x) => { p[x.type] = Number(x.value); });
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - at;
  };
  try {
    let at = wall - offset(wall);
    at = wall - offset(at); // once more, across a change of offset
    return new Date(at).toISOString();
  } catch { return new Date(local).toISOString(); }
}

const STEPS = ['acknowledged', 'answered', 'closed', 'submitted'];

/* A recorded submission: its history (oldest first), and a form to add the next step. */
function submissionCard(sub, kase, refresh) {
  const out = messageArea();
  const receipt = h('input', { type: 'file', name: 'receipt', accept: 'image/*,application/pdf', class: 'receipt-input' });
  const form = h('form', { class: 'step-form' },
    field(t('submit.step_status'), select('status', STEPS.map((st) => [st, label('substatus', st)]), 'acknowledged')),
    field(t('submit.step_at'), h('input', { name: 'at', type: 'datetime-local' }), t('submit.step_at_hint', { zone: zoneName(kase.timezone) })),
    field(t('submit.step_note'), h('input', { name: 'note', maxlength: '500' })),
    field(t('submit.step_receipt'), receipt, t('submit.step_receipt_hint')),
    out, h('button', { type: 'submit' }, t('submit.step_save')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    const at = v.at ? zonedIso(v.at, kase.timezone) : '';
    let body;
    if (receipt.files.length) {
      body = new FormData();
      body.append('status', v.status);
      if (at) body.append('at', at);
      if (v.note) body.append('note', v.note);
      body.append('receipt', receipt.files[0]);
    } else {
      body = { status: v.status, note: v.note };
      if (at) body.at = at;
    }
    busy(form, async () => {
      try {
        await api.post(`/api/submissions/${sub.id}/updates/`, body);
        if (receipt.files.length) api.refreshCase(kase.id); // the receipt is kept in the case as evidence
        refresh();
      } catch (err) { out.set(errorText(err)); }
    });
  });
  const updates = sub.updates || [];
  return h('li', { class: 'card submission', 'data-id': sub.id },
    h('p', { class: 'name' }, sub.authority_label), h('p', { class: 'meta' }, `${sub.channel_label} · ${fmtTime(sub.submitted_at, kase.timezone)} · ${sub.status_label}`),
    sub.reference ? h('p', null, t('submit.reference'), ': ', h('code', null, sub.reference)) : null,
    sub.note ? h('p', { class: 'note' }, t('submit.note'), ': ', sub.note) : null,
    updates.length ? [h('h3', null, t('submit.history')), h('ol', { class: 'history' }, updates.map((u) => h('li', { class: `step status-${u.status}` },
      h('p', null, h('strong', null, u.status_label), ' · ', time(u.at, kase.timezone)),
      u.note ? h('p', null, u.note) : null,
      u.receipt ? h('p', { class: 'hash', 'data-sha256': u.receipt.sha256 }, `${t('submit.receipt')}: ${u.receipt.original_name} · SHA-256 `, h('code', null, shortHash(u.receipt.sha256))) : null)))] : null,
    h('details', { class: 'options' }, h('summary', null, t('submit.add_step')), form));
}

/* ---------- invitees ---------- */

export async function inviteView(main, [id], ctx) {
  const { kase, msgs } = await loadCase(id, main, ctx);
  if (!kase || !ctx.current()) return;
  ctx.setTitle(t('invite.title'));
  const out = messageArea();
  const created = h('div');
  const list = h('ul', { class: 'cards' });
  const form = h('form', { class: 'card' },
    field(t('invite.name'), h('input', { name: 'name', required: true, maxlength: '100' }), t('invite.name_hint')),
    field(t('invite.relation'), select('relation', ['relative', 'employer', 'colleague', 'friend', 'other'].map((r) => [r, label('role', r)]), 'relative')),
    field(t('invite.email'), h('input', { name: 'email', type: 'email', autocomplete: 'off' }), t('invite.email_hint')),
    field(t('share.until'), h('input', { name: 'until', type: 'date', required: true, value: daysAhead(30), min: daysAhead(1) })),
    out, h('button', { type: 'submit', class: 'primary' }, t('invite.submit')));
  async function refresh() {
    try {
      const people = await api.get(`/api/cases/${id}/invitees/`);
      if (!ctx.current()) return;
      clear(list);
      people.forEach((p) => list.append(h('li', { class: 'card' },
        h('p', { class: 'name' }, p.name), h('p', { class: 'meta' }, `${label('role', p.relation)} · ${label('share', p.state)} · ${t('invite.items', { n: p.items })}`),
        p.state === 'active' || p.state === 'invited' ? button(t('invite.withdraw'), async () => {
          try { await api.del(`/api/invitees/${p.id}/`); refresh(); } catch (err) { out.set(errorText(err)); }
        }, 'small') : null)));
    } catch (err) { out.set(errorText(err)); }
  }
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    if (!v.name || !v.until) { out.set(t('invite.missing')); return; }
    const body = { name: v.name, relation: v.relation, expires_at: endOfDay(v.until) };
    if (v.email) body.email = v.email;
    busy(form, async () => {
      try {
        const inv = await api.post(`/api/cases/${id}/invitees/`, body);
        out.set(inv.email_sent ? t('invite.sent') : t('invite.done'), 'ok');
        clear(created).append(copyBox(inv.invite_url, t('invite.link')));
        refresh();
      } catch (err) { out.set(errorText(err)); }
    });
  });
  main.append(...subHeader(kase, t('invite.title')), msgs, h('p', { class: 'lead' }, t('invite.lead')), form, created, h('h2', null, t('invite.list')), list);
  refresh();
}
