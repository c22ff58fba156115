// The server's API: the token (kept in IndexedDB so the service worker can send the queue),
// Accept-Language on every call, errors as ApiError {status, body: {error, detail, fields}}.
import { langCode } from './i18n.js';

const core = () => self.ELCore;
let token = null;
let role = 'borrower';
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.detail) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

/* The server no longer knows the token: forget it (the queue stays) and ask to sign in again. */
export async function expire() {
  token = null;
  await core().db.del('kv', 'token').catch(() => {});
  onSignedOut();
}

export const setSignedOutHandler = (fn) => { onSignedOut = fn; };
export const signedIn = () => Boolean(token);
/* 'borrower' or 'invitee' (a relative or colleague adding to someone's case). */
export const userRole = () => role;
export async function loadToken() {
  try {
    token = (await core().db.get('kv', 'token')) || null;
    role = (await core().db.get('kv', 'role')) || 'borrower'; // kept before roles were: a borrower
  } catch { token = null; }
  return token;
}

function headers(extra = {}) {
  const out = { Accept: 'application/json', 'Accept-Language': langCode(), ...extra };
  if (token) out.Authorization = `Token ${token}`;
  return out;
}

/* Server URLs come absolute (http://host/api/…): call them on our own origin, by path. */
export function path(url) {
  try { const u = new URL(url, location.origin); return u.pathname + u.search; } catch { return url; }
}

export async function request(method, url, body, { raw = false } = {}) {
  const init = { method, headers: headers(), credentials: 'omit', cache: 'no-store' };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try { response = await fetch(path(url), init); } catch { throw new ApiError(0, {}); }
  if (response.status === 401 && token) await expire();
  if (!response.ok) {
    let data = {};
    try { data = await response.json(); } catch { /* not JSON */ }
    throw new ApiError(response.status, data);
  }
  if (method !== 'GET') changed(path(url));
  if (raw) return response;
  return response.status === 204 ? null : response.json();
}

/* The saved copies (what the app shows offline) follow every change the app makes: after a write,
   each saved answer it touches is fetched again (core.js refreshSaved). refreshing() resolves when
   those fetches are done. */
const pending = new Set();
function changed(changedPath) {
  if (!token) return;
  const work = core().refreshSaved([changedPath], token, langCode()).catch(() => {});
  pending.add(work);
  work.finally(() => pending.delete(work));
}
export const refreshing = () => Promise.all([...pending]);
/* What changed a case without a write of ours to one of its URLs (an import finishing). */
export const refreshCase = (caseId) => changed(`/api/cases/${caseId}/`);

/* GET that keeps a copy of the answer, and offers the copy when the network is down.
   Resolves {data, stale, at}: at is when the copy was saved (ms). */
export async function getSaved(url) {
  try {
    const data = await request('GET', url);
    core().saveAnswer(url, data).catch(() => {});
    return { data, stale: false, at: Date.now() };
  } catch (err) {
    if (err.status !== 0) throw err;
    const saved = await core().db.get('cache', url).catch(() => null);
    if (!saved) throw err;
    return { data: saved.data, stale: true, at: saved.at };
  }
}

/* Who is signed in: {username, role, email} (the saved copy when offline). */
export const me = () => getSaved('/api/auth/me/').then((r) => r.data);

export const get = (url) => request('GET', url);
export const post = (url, body) => request('POST', url, body);
export const del = (url) => request('DELETE', url);
export const patch = (url, body) => request('PATCH', url, body);

/* Every page of a paginated list (or a plain list). */
export async function getAll(url, limit = 10) {
  const first = await request('GET', url);
  if (Array.isArray(first)) return first;
  const out = [...first.results];
  let next = first.next;
  for (let n = 1; next && n < limit; n += 1) {
    const page = await request('GET', next);
    out.push(...page.results);
    next = page.next;
  }
  return out;
}

/* A file behind the token (thumbnail, report, packet) as a Blob. */
export async function blob(url) {
  const response = await request('GET', url, undefined, { raw: true });
  return response.blob();
}

/* POST a form with upload progress. Never rejects: resolves {status, body}; status 0 = network. */
export function upload(url, form, onProgress, authToken = token, language = langCode()) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path(url));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', language);
    if (authToken) xhr.setRequestHeader('Authorization', `Token ${authToken}`);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable && onProgress) onProgress(e.loaded, e.total); };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = xhr.ontimeout = xhr.onabort = () => resolve({ status: 0, body: {} });
    xhr.send(form);
  });
}

export async function signIn(username, password, otpCode) {
  const body = { username, password };
  if (otpCode) body.otp_code = otpCode;
  const answer = await request('POST', '/api/auth/token/', body);
  if (answer.role === 'borrower' || answer.role === 'invitee') await keepToken(answer);
  return answer;
}

/* A borrower opens their own account (201 {token, username, role}); kept as a sign-in is. */
export async function signUp(username, password, email) {
  const body = { username, password };
  if (email) body.email = email;
  const answer = await request('POST', '/api/auth/signup/', body);
  if (answer.role === 'borrower') await keepToken(answer);
  return answer;
}

async function keepToken(answer) {
  token = answer.token;
  role = answer.role;
  await core().db.put('kv', answer.role, 'role');
  await core().db.put('kv', answer.token, 'token');
  await core().db.put('kv', answer.username, 'username');
}

/* Forget the token and every saved API answer; the queue only when asked. */
export async function signOut({ dropQueue }) {
  // Sign this device out on the server too, when it can be reached: the token stops working at once.
  if (token && navigator.onLine) {
    try {
      const devices = await request('GET', '/api/auth/tokens/');
      const mine = Array.isArray(devices) ? devices.find((d) => d.current) : null;
      if (mine) await request('DELETE', `/api/auth/tokens/${mine.id}/`);
    } catch (err) { /* offline or already signed out: it lapses after TOKEN_DAYS unused */ }
  }
  token = null;
  const { db } = core();
  await Promise.all([db.del('kv', 'token'), db.del('kv', 'role'), db.del('kv', 'username'), db.del('kv', 'lastCase'), db.clear('cache'), db.clear('refused')]);
  if (dropQueue) await db.clear('queue');
}
