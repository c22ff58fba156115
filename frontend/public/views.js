// Screens outside a case: sign-in, the case list, settings, the queue, files shared to the app.
import { t, lang, label, discreet } from './i18n.js';
import { h, field, check, select, button, link, messageArea, alertBox, errorText, formValues, busy, fmtSize, fmtTime, clear } from './ui.js';
import * as api from './api.js';
import * as queue from './queue.js';

const core = () => self.ELCore;

export async function signInView(main, _params, ctx) {
  ctx.setTitle(t('signin.title'));
  const msgs = messageArea();
  const otp = h('input', { name: 'otp_code', inputmode: 'numeric', autocomplete: 'one-time-code' });
  const otpField = field(t('signin.otp'), otp, t('signin.otp_hint'));
  otpField.hidden = true;
  const form = h('form', { class: 'card', novalidate: true },
    field(t('signin.username'), h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' })),
    field(t('signin.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    otpField,
    msgs,
    h('button', { type: 'submit', class: 'primary' }, t('signin.submit')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    if (!v.username || !v.password) { msgs.set(t('signin.missing')); return; }
    busy(form, async () => {
      msgs.set(t('signin.working'), 'info');
      try {
        const answer = await api.signIn(v.username, v.password, v.otp_code);
        if (answer.role === 'lawyer') {
          msgs.set(t('signin.lawyer'), 'info');
          msgs.append(link('/login/?next=/shared/', t('signin.lawyers'), 'button-link'));
          return;
        }
        if (answer.role !== 'borrower' && answer.role !== 'invitee') { msgs.set(t('signin.not_borrower')); return; }
        ctx.go(answer.role === 'invitee' ? '#/contributions' : '#/cases');
        queue.flush(); // files kept while signed out
      } catch (err) {
        if (err.body && (err.body.error === 'otp_required' || err.body.error === 'otp_invalid')) {
          otpField.hidden = false;
          otp.focus();
        }
        msgs.set(errorText(err));
      }
    });
  });
  main.append(
    h('h1', null, t('signin.title')),
    h('p', { class: 'lead' }, t('signin.lead')),
    form,
    h('section', { class: 'notes', 'aria-labelledby': 'no-account' },
      h('h2', { id: 'no-account' }, t('signin.no_account')),
      h('p', null, link('#/signup', t('signup.open'), 'button-link')),
      h('p', null, t('signin.accounts')),
      h('p', null, link('/login/?next=/shared/', t('signin.lawyers'), 'button-link'))));
}

/* A borrower opens their own account (the server may not take sign-ups: 403 signup_closed). */
const USERNAME = /^[\p{L}\p{N}_.@+-]{3,150}$/u; // the server's ^[\w.@+-]{3,150}$

export async function signUpView(main, _params, ctx) {
  ctx.setTitle(t('signup.title'));
  const msgs = messageArea();
  const form = h('form', { class: 'card', novalidate: true },
    field(t('signin.username'), h('input', { name: 'username', autocomplete: 'username', required: true, maxlength: '150', autocapitalize: 'none', spellcheck: 'false' }), t('signup.username_hint')),
    field(t('signin.password'), h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true }), t('signup.password_hint')),
    field(t('signup.password_again'), h('input', { name: 'password_again', type: 'password', autocomplete: 'new-password', required: true })),
    field(t('signup.email'), h('input', { name: 'email', type: 'email', inputmode: 'email', autocomplete: 'email', autocapitalize: 'none', spellcheck: 'false' }), t('signup.email_hint')),
    msgs,
    h('button', { type: 'submit', class: 'primary' }, t('signup.submit')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    // Trimmed like the sign-in form trims it, so the password chosen here is the one that signs in.
    let problem = '';
    if (!v.username || !v.password || !v.password_again) problem = t('signup.missing');
    else if (!USERNAME.test(v.username)) problem = t('signup.username_bad');
    else if (v.password !== v.password_again) problem = t('signup.mismatch');
    if (problem) {
      msgs.set(problem);
      return;
    }
    busy(form, async () => {
      msgs.set(t('signup.working'), 'info');
      try {
        await api.signUp(v.username, v.password, v.email);
        ctx.go('#/cases');
        queue.flush(); // files kept while signed out
      } catch (err) {
        msgs.set(errorText(err));
      }
    });
  });
  main.append(
    h('h1', null, t('signup.title')),
    h('p', { class: 'lead' }, t('signup.lead')),
    form,
    h('section', { class: 'notes', 'aria-labelledby': 'have-account' },
      h('h2', { id: 'have-account' }, t('signup.have_account')),
      h('p', null, link('#/signin', t('signup.to_signin'), 'button-link')),
      h('p', null, t('signup.closed_note'))));
}

const JURISDICTIONS = ['CN', 'US', 'UK', 'OTHER'];

export async function casesView(main, _params, ctx) {
  ctx.setTitle(t('cases.title'));
  const list = h('div', { class: 'list', 'aria-busy': 'true' }, h('p', { class: 'loading' }, t('loading')));
  const msgs = messageArea();
  main.append(h('h1', null, t('cases.title')), msgs, list);
  const createBox = newCaseForm(ctx);
  main.append(createBox);
  try {
    const { data, stale, at } = await api.getSaved('/api/cases/');
    if (!ctx.current()) return;
    if (stale) {
      msgs.set(savedCopyNote(at), 'info');
      createBox.offline(); // opening a case needs the server: no invitation that can only fail
      const back = () => { if (ctx.current()) ctx.render(); };
      addEventListener('online', back, { once: true });
      ctx.onCleanup(() => removeEventListener('online', back));
    }
    const cases = Array.isArray(data) ? data : data.results;
    clear(list).removeAttribute('aria-busy');
    if (!cases.length) {
      list.append(h('p', null, t('cases.none')));
      if (!stale && !discreet()) createBox.open = true;
    }
    list.append(h('ul', { class: 'cards' }, cases.map((c) => h('li', null,
      h('a', { href: `#/case/${c.id}`, class: 'case-card' },
        h('span', { class: 'case-title' }, caseName(c)),
        discreet() ? null : h('span', { class: 'meta' }, [counterparty(c), label('jurisdiction', c.jurisdiction)].filter(Boolean).join(' · ')),
        h('span', { class: 'meta' }, t(discreet() ? 'discreet.items' : 'cases.items', { n: (c.counts && c.counts.evidence) || 0 })))))));
  } catch (err) {
    clear(list).removeAttribute('aria-busy');
    if (err.status === 0) {
      list.append(h('p', null, t('cases.none_offline')));
      createBox.offline();
    } else msgs.set(errorText(err));
  }
}

/* "Offline: showing the copy saved at 2026-11-02 23:40." */
export function savedCopyNote(at) {
  return at ? t('offline.saved_at', { time: fmtTime(new Date(at).toISOString()) }) : t('offline.saved_copy');
}

export function counterparty(c) {
  const cp = c.counterparty || {};
  return [cp.lender, cp.app, cp.agency].filter(Boolean).join(' / ');
}

/* A case as shown: its title, or in discreet mode a plain "笔记 2026-11-02" (the day it was opened). */
export function caseName(c) {
  if (!discreet()) return c.title;
  return t('discreet.case', { date: fmtTime(c.created_at, c.timezone, true) }).trim();
}

function newCaseForm(ctx) {
  const msgs = messageArea();
  const form = h('form', { class: 'card' },
    field(t('case.title_field'), h('input', { name: 'title', required: true, maxlength: '200' }), t('case.title_hint')),
    field(t('case.jurisdiction'), select('jurisdiction', JURISDICTIONS.map((j) => [j, label('jurisdiction', j)]), lang() === 'zh-Hans' ? 'CN' : 'US')),
    field(t('case.lender'), h('input', { name: 'lender', maxlength: '200' })),
    field(t('case.app'), h('input', { name: 'app', maxlength: '200' })),
    field(t('case.agency'), h('input', { name: 'agency', maxlength: '200' })),
    msgs,
    h('button', { type: 'submit', class: 'primary' }, t('case.create')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const v = formValues(form);
    if (!v.title) { msgs.set(t('case.title_missing')); return; }
    const body = { title: v.title, jurisdiction: v.jurisdiction, counterparty: { lender: v.lender, app: v.app, agency: v.agency } };
    if (v.jurisdiction === 'US' || v.jurisdiction === 'OTHER') {
      body.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone; // this phone's zone
    }
    busy(form, async () => {
      try {
        const created = await api.post('/api/cases/', body);
        await api.refreshing(); // the saved list (shown offline) now holds the new case
        ctx.go(`#/case/${created.id}`);
      } catch (err) { msgs.set(errorText(err)); }
    });
  });
  const box = h('details', { class: 'create' }, h('summary', null, t('cases.new')), form);
  box.offline = () => {
    form.prepend(alertBox(t('cases.offline_create'), 'info'));
    form.querySelector('button[type=submit]').disabled = true;
  };
  return box;
}

export async function settingsView(main, _params, ctx) {
  ctx.setTitle(t('settings.title'));
  const quiet = h('input', { name: 'discreet', checked: discreet() });
  quiet.addEventListener('change', () => {
    localStorage.setItem('el-discreet', quiet.checked ? '1' : '0');
    document.dispatchEvent(new Event('el-discreet'));
  });
  const msgs = messageArea();
  const confirmBox = h('div', { class: 'confirm', hidden: true });
  async function doSignOut(dropQueue) {
    await api.signOut({ dropQueue });
    ctx.go('#/signin');
  }
  const signOut = button(t('settings.signout'), async () => {
    const waiting = await queue.waiting();
    if (!waiting.length) { await doSignOut(false); return; }
    clear(confirmBox).hidden = false;
    confirmBox.append(
      h('p', { role: 'alert' }, t('settings.signout_warning', { n: waiting.length })),
      button(t('settings.signout_anyway'), () => doSignOut(true), 'danger'),
      button(t('settings.keep'), () => { confirmBox.hidden = true; }));
    confirmBox.querySelector('button').focus();
  });
  main.append(
    h('h1', null, t('settings.title')),
    h('section', { class: 'card' },
      h('h2', null, t('settings.language')),
      h('p', null, t('settings.language_now', { name: t('lang.name') })),
      button(t('settings.language_switch', { name: t('lang.other') }), () => ctx.switchLanguage())),
    h('section', { class: 'card' },
      h('h2', null, t('settings.safety')),
      check(t('settings.discreet'), quiet),
      h('p', { class: 'hint' }, t('settings.discreet_hint')),
      h('p', { class: 'hint' }, t('settings.exit_hint'))),
    h('section', { class: 'card' },
      h('h2', null, t('settings.account')),
      msgs, signOut, confirmBox),
    verifyCard());
}

/* The server's signing root: a lawyer or an authority compares this fingerprint with the
   packet's certs/ca.pem, so the borrower can read it out or send it along with the packet. */
function verifyCard() {
  const value = h('p', null, t('settings.fingerprint_loading'));
  api.getSaved('/api/verify/ca/').then(({ data }) => {
    clear(value);
    if (!data.fingerprint_sha256) { value.append(t('settings.fingerprint_none')); return; }
    value.append(h('code', { class: 'fingerprint' }, data.fingerprint_sha256));
  }).catch(() => { clear(value).append(t('settings.fingerprint_offline')); });
  return h('section', { class: 'card verify' },
    h('h2', null, t('settings.verify')),
    h('p', { class: 'hint' }, t('settings.verify_hint')),
    h('p', null, t('settings.fingerprint')), value,
    h('p', null, link('/verify/', t('settings.verify_link'))));
}

export async function queueView(main, _params, ctx) {
  ctx.setTitle(t('queue.title'));
  const box = h('div');
  main.append(h('h1', null, t('queue.title')), h('p', { class: 'lead' }, t('queue.lead')), box);
  async function draw() {
    const [items, refused] = await Promise.all([queue.waiting(), queue.refusals()]);
    if (!ctx.current()) return;
    clear(box);
    if (!items.length && !refused.length) box.append(h('p', { class: 'msg ok' }, t('queue.empty')));
    if (items.length) {
      box.append(h('p', { class: 'waiting-note' }, t('queue.waiting', { n: items.length })),
        h('ul', { class: 'files' }, items.map((i) => h('li', { class: 'file-row', 'data-queue-id': i.id },
          h('span', { class: 'name' }, i.name),
          h('span', { class: 'meta' }, `${fmtSize(i.size)} · ${t('queue.chosen')} ${fmtTime(i.chosenAt)}`,
            core().placed(i) ? '' : ` · ${t('queue.no_case')}`),
          button(t('queue.remove'), () => queue.remove(i.id), 'small')))),
        button(t('queue.send_now'), () => queue.flush(), 'primary'));
    }
    if (refused.length) {
      box.append(h('h2', null, t('queue.refused_title')), h('ul', { class: 'files' }, refused.map((r) => h('li', { class: 'file-row refused' },
        h('span', { class: 'name' }, r.name),
        h('span', { class: 'detail' }, r.detail),
        button(t('queue.dismiss'), () => queue.dismissRefusal(r.id), 'small')))));
    }
  }
  ctx.onCleanup(queue.onQueue((e) => { if (e.type !== 'progress' && e.type !== 'sending') draw(); }));
  await draw();
}

/* Where files shared from the gallery land (the service worker redirects here). */
export async function sharedFilesView(main, _params, ctx) {
  ctx.setTitle(t('shared.title'));
  const box = h('div');
  const msgs = messageArea();
  main.append(h('h1', null, t('shared.title')), msgs, box);
  let cases = null;
  async function draw() {
    const items = await queue.waiting();
    if (!ctx.current()) return;
    clear(box);
    const lost = items.filter((i) => !core().placed(i));
    const pending = items.filter((i) => core().placed(i));
    if (!items.length) {
      box.append(h('p', { class: 'msg ok' }, t('shared.all_sent')), link('#/cases', t('nav.cases'), 'button-link'));
      return;
    }
    if (pending.length) {
      box.append(h('p', { class: 'waiting-note' }, t('queue.waiting', { n: pending.length })),
        h('ul', { class: 'files' }, pending.map((i) => h('li', { class: 'file-row', 'data-queue-id': i.id },
          h('span', { class: 'name' }, i.name), h('span', { class: 'meta' }, fmtSize(i.size))))));
    }
    if (lost.length) {
      if (!cases) {
        try { cases = (await api.getSaved('/api/cases/')).data; cases = Array.isArray(cases) ? cases : cases.results; } catch (err) { msgs.set(errorText(err)); cases = []; }
      }
      const pick = select('case', cases.map((c) => [c.id, caseName(c)]), cases[0] && cases[0].id);
      const form = h('form', { class: 'card' },
        h('p', null, t('shared.which_case', { n: lost.length })),
        h('ul', { class: 'files' }, lost.map((i) => h('li', { class: 'file-row' }, h('span', { class: 'name' }, i.name), h('span', { class: 'meta' }, fmtSize(i.size))))),
        field(t('shared.case'), pick),
        h('button', { type: 'submit', class: 'primary', disabled: !cases.length }, t('shared.send')));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        core().db.put('kv', pick.value, 'lastCase');
        queue.assign(lost.map((i) => i.id), pick.value);
      });
      box.append(form);
    }
  }
  ctx.onCleanup(queue.onQueue((e) => { if (e.type !== 'progress' && e.type !== 'sending') draw(); }));
  await draw();
  queue.flush();
}
