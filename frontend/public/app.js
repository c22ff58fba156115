// 证据柜 Evidence Locker — the borrower's phone app. No framework: a hash router, one
// function per screen, DOM built by ui.js. Navigation replaces the history entry, so the app
// only ever holds one entry (quick exit then leaves nothing to go "back" to).
import { t, lang, setLang, otherLang, discreet, useMeta } from './i18n.js';
import { h, clear, link, add } from './ui.js';
import { loadToken, signedIn, setSignedOutHandler, userRole, getSaved } from './api.js';
import * as queue from './queue.js';
import { signInView, signUpView, casesView, settingsView, queueView, sharedFilesView } from './views.js';
import {
  caseView, uploadView, recordView, importView, numbersView, findingsView, findingView, bundlesView, bundleView, inviteView,
  contributionsView, contributionView,
} from './case-views.js';
import { describeView } from './describe-view.js';
import { searchView } from './search-view.js';

// [pattern, screen, who may see it]: 'out' signed out, 'borrower', 'invitee' (a relative or
// colleague adding to someone else's case: never the borrower's screens), 'all' signed in.
const routes = [
  [/^#\/signin$/, signInView, 'out'],
  [/^#\/signup$/, signUpView, 'out'],
  [/^#\/cases$/, casesView, 'borrower'],
  [/^#\/case\/([\w-]+)$/, caseView, 'borrower'],
  [/^#\/case\/([\w-]+)\/upload$/, uploadView, 'borrower'],
  [/^#\/case\/([\w-]+)\/record$/, recordView, 'borrower'],
  [/^#\/case\/([\w-]+)\/import$/, importView, 'borrower'],
  [/^#\/case\/([\w-]+)\/numbers$/, numbersView, 'borrower'],
  [/^#\/case\/([\w-]+)\/findings$/, findingsView, 'borrower'],
  [/^#\/case\/([\w-]+)\/finding\/([^/]+)$/, findingView, 'borrower'],
  [/^#\/case\/([\w-]+)\/bundles$/, bundlesView, 'borrower'],
  [/^#\/case\/([\w-]+)\/bundle\/([\w-]+)$/, bundleView, 'borrower'],
  [/^#\/case\/([\w-]+)\/invite$/, inviteView, 'borrower'],
  [/^#\/case\/([\w-]+)\/item\/([\w-]+)$/, describeView, 'borrower'],
  [/^#\/case\/([\w-]+)\/search(?:\?q=(.*))?$/, searchView, 'borrower'],
  [/^#\/shared-files$/, sharedFilesView, 'borrower'],
  [/^#\/contributions$/, contributionsView, 'invitee'],
  [/^#\/contribution\/([\w-]+)$/, contributionView, 'invitee'],
  [/^#\/queue$/, queueView, 'all'],
  [/^#\/settings$/, settingsView, 'all'],
];

const home = () => (userRole() === 'invitee' ? '#/contributions' : '#/cases');

const main = document.getElementById('main');
let cleanups = [];
let rendering = 0;

export function go(hash) {
  if (location.hash === hash) render();
  else location.replace(hash); // no new history entry: see quick exit
}

function setTitle(title) {
  const app = discreet() ? t('app.discreet') : t('app.name');
  document.title = title && !discreet() ? `${title} · ${app}` : app;
}

function applyChrome() {
  document.documentElement.lang = lang();
  const quiet = discreet();
  document.getElementById('brand').textContent = quiet ? t('app.discreet') : t('app.short');
  const icon = quiet ? '/icons/notes-192.png' : '/icons/icon-192.png';
  document.getElementById('favicon').href = icon;
  document.getElementById('touch-icon').href = icon;
  const switcher = document.getElementById('lang-switch');
  switcher.textContent = t('lang.other');
  switcher.lang = otherLang();
  switcher.setAttribute('aria-label', t('lang.switch'));
  // In discreet mode the way out stays, under a word any app could show (t() picks "关闭").
  const exit = document.getElementById('quick-exit');
  exit.textContent = t('exit.button');
  exit.classList.toggle('quiet', quiet);
  document.getElementById('skip').textContent = t('skip');
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('nav.label'));
  clear(nav);
  nav.hidden = !signedIn();
  if (signedIn()) {
    add(nav, [h('ul', null,
      userRole() === 'invitee' ? h('li', null, link('#/contributions', t('nav.contributions'))) : h('li', null, link('#/cases', t('nav.cases'))),
      h('li', null, link('#/queue', t('nav.queue'))),
      h('li', null, link('#/settings', t('nav.settings'))))]);
    const here = location.hash.split('/').slice(0, 2).join('/');
    const section = here === '#/contribution' ? '#/contributions' : here;
    nav.querySelectorAll('a').forEach((a) => { if (a.getAttribute('href') === section) a.setAttribute('aria-current', 'page'); });
  }
}

async function updateQueueStatus() {
  const box = document.getElementById('queue-status');
  let items = [], refused = [];
  try { [items, refused] = await Promise.all([queue.waiting(), queue.refusals()]); } catch { /* no IndexedDB */ }
  clear(box);
  if (items.length) {
    const offline = !navigator.onLine;
    box.append(h('a', { href: '#/queue', class: 'waiting' },
      t('queue.waiting', { n: items.length }), offline ? ` · ${t('queue.offline')}` : ''));
  }
  if (refused.length) box.append(h('a', { href: '#/queue', class: 'refused' }, t('queue.refused', { n: refused.length })));
  box.hidden = !items.length && !refused.length;
}

export async function render() {
  const ticket = ++rendering;
  cleanups.forEach((fn) => { try { fn(); } catch { /* ignore */ } });
  cleanups = [];
  let hash = location.hash || '';
  const signedOutScreen = hash === '#/signin' || hash === '#/signup';
  if (!signedIn() && !signedOutScreen) { location.replace('#/signin'); return; }
  if (signedIn() && (hash === '' || hash === '#/' || signedOutScreen)) { location.replace(home()); return; }
  applyChrome();
  updateQueueStatus(); // the bar above the screen follows the language and the network too
  const found = routes.map(([re, view, who]) => [hash.match(re), view, who]).find(([m]) => m);
  clear(main);
  if (!found) { location.replace(signedIn() ? home() : '#/signin'); return; }
  const [match, view, who] = found;
  if (signedIn() && who !== 'all' && who !== 'out' && who !== userRole()) { location.replace(home()); return; }
  const ctx = {
    go, setTitle, render, switchLanguage,
    onCleanup: (fn) => cleanups.push(fn),
    current: () => ticket === rendering,
  };
  try {
    await view(main, match.slice(1), ctx);
  } catch (err) {
    console.error(err);
    if (ticket === rendering) main.append(h('p', { class: 'msg error', role: 'alert' }, t('error.unexpected')));
  }
  if (ticket !== rendering) return;
  const heading = main.querySelector('h1');
  if (heading) { heading.tabIndex = -1; heading.focus({ preventScroll: false }); }
}

function quickExit() {
  // Clear the screen at once, forget the page's state, and leave without a way back.
  document.body.replaceChildren();
  document.title = t('app.discreet');
  try { sessionStorage.clear(); } catch { /* ignore */ }
  location.replace('/quick-exit.html');
}

/* Everything on screen is drawn again in the other language: header, bars, the screen itself. */
async function switchLanguage() {
  await setLang(otherLang());
  await render();
}

/* The server's words for its codes (GET /api/meta/): the saved copy at once, a new one once a
   day. Until the first arrives, the app's own words (the same) serve. */
const META_AGE = 24 * 3600 * 1000;
async function loadMeta() {
  const saved = await self.ELCore.db.get('cache', '/api/meta/').catch(() => null);
  if (saved) useMeta(saved.data);
  if (!saved || Date.now() - saved.at > META_AGE) getSaved('/api/meta/').then(({ data }) => useMeta(data)).catch(() => {});
}

async function start() {
  applyChrome(); // at once: in discreet mode the page's own first words ("证据柜", "快速离开") go
  setTitle('');
  document.getElementById('quick-exit').addEventListener('click', quickExit);
  document.getElementById('lang-switch').addEventListener('click', switchLanguage);
  // Links inside the app replace the entry instead of adding one.
  document.addEventListener('click', (e) => {
    const a = e.target.closest && e.target.closest('a[href^="#/"]');
    if (a && !e.defaultPrevented && e.button === 0 && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      go(a.getAttribute('href'));
    }
  });
  addEventListener('hashchange', render);
  addEventListener('online', updateQueueStatus);
  addEventListener('offline', updateQueueStatus);
  document.addEventListener('el-discreet', () => { applyChrome(); setTitle(''); });
  setSignedOutHandler(() => { applyChrome(); go('#/signin'); });

  await setLang(lang()); // stores the language for the service worker
  await loadToken();
  loadMeta();
  queue.listen();
  queue.onQueue((e) => { if (e.type !== 'progress') updateQueueStatus(); });

  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err) => console.warn('service worker', err));
  }
  if (!signedIn() && /(^|; )csrftoken=/.test(document.cookie)) {
    // Someone signed in on the server pages (/login/): a lawyer belongs at /shared/, not here.
    fetch('/api/shared/', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((r) => { if (r.ok) location.replace('/shared/'); }).catch(() => {});
  }
  setTitle('');
  await render();
  updateQueueStatus();
  if (signedIn()) queue.flush(); // whatever waited since last time
}

start();
