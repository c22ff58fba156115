// The page's side of the upload queue. Every chosen file goes into IndexedDB first (core.js),
// then the queue is sent in order: by this page (XMLHttpRequest, with progress) when online,
// by the service worker's Background Sync, on the `online` event, and when the app starts.
import { upload, expire } from './api.js';

const core = () => self.ELCore;
const listeners = new Set();
let flushing = null;
let again = false;

export const onQueue = (fn) => { listeners.add(fn); return () => listeners.delete(fn); };
const emit = (event) => listeners.forEach((fn) => { try { fn(event); } catch (e) { console.error(e); } });

export function listen() {
  const channel = core().channel();
  if (channel) channel.onmessage = (e) => emit(e.data);
  addEventListener('online', () => { flush(); });
}

export const waiting = () => core().db.all('queue');
export const refusals = () => core().db.all('refused');

/* files: FileList/array; opts: {caseId, kind, note, url}; url when the endpoint is not the case's
   own (an invitee's contribution). onAdded(file, id) for each, in order. */
export async function addFiles(files, { caseId = null, kind = '', note = '', url = '' }, onAdded) {
  for (const file of files) {
    let sha = '';
    try { sha = await core().sha256(file); } catch { /* the server hashes it anyway */ }
    const id = await core().enqueue({
      blob: file, name: file.name, caseId, url, kind, note, sha256: sha,
      occurredAt: file.lastModified ? new Date(file.lastModified).toISOString() : '',
    });
    if (onAdded) onAdded(file, id, sha);
  }
  emit({ type: 'changed' });
  return flush();
}

function xhrSend(item, token, lang) {
  return upload(core().urlFor(item), core().formFor(item),
    (loaded, total) => emit({ type: 'progress', id: item.id, loaded, total }), token, lang);
}

async function registerSync() {
  try {
    const reg = await navigator.serviceWorker.ready;
    if (reg.sync) await reg.sync.register('upload-queue');
  } catch { /* no Background Sync: the `online` event and the next start will send */ }
}

/* Send what waits. Calls made while a send runs are folded into one more round. */
export function flush() {
  if (flushing) { again = true; return flushing; }
  flushing = (async () => {
    let result = { sent: 0, stopped: '' };
    do {
      again = false;
      if (!navigator.onLine) { result = { sent: 0, stopped: 'retry' }; break; }
      try { result = await core().flush({ send: xhrSend }); } catch (e) { console.error(e); result = { sent: 0, stopped: 'retry' }; }
    } while (again && !result.stopped);
    if (result.stopped === 'retry' && (await core().db.count('queue'))) await registerSync();
    if (result.stopped === 'auth') await expire(); // the files wait for the next sign-in
    return result;
  })().finally(() => { flushing = null; emit({ type: 'changed' }); });
  return flushing;
}

export async function assign(ids, caseId) {
  const { db } = core();
  for (const id of ids) {
    const item = await db.get('queue', id);
    if (item) { item.caseId = caseId; await db.put('queue', item); }
  }
  emit({ type: 'changed' });
  return flush();
}

export async function remove(id) {
  await core().db.del('queue', id);
  emit({ type: 'changed' });
}

export async function dismissRefusal(id) {
  await core().db.del('refused', id);
  emit({ type: 'changed' });
}
