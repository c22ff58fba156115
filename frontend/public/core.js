/* 证据柜 Evidence Locker — what the page and the service worker share: IndexedDB (the token,
   a few settings, saved API answers, the upload queue) and sending the queue in order.
   A classic script on purpose: the service worker loads it with importScripts(), the page with
   a plain <script defer>. It defines one global, ELCore. */
(function (g) {
  'use strict';
  var NAME = 'evidence-locker';
  var dbPromise = null;

  function openDB() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var req = indexedDB.open(NAME, 1);
        req.onupgradeneeded = function () {
          var db = req.result;
          db.createObjectStore('kv');                                       // token, lang, lastCase…
          db.createObjectStore('queue', { keyPath: 'id', autoIncrement: true }); // files not yet sent
          db.createObjectStore('refused', { keyPath: 'id', autoIncrement: true }); // permanent refusals
          db.createObjectStore('cache');                                    // saved API answers
        };
        req.onsuccess = function () {
          var db = req.result;
          db.onversionchange = function () { db.close(); dbPromise = null; };
          resolve(db);
        };
        req.onerror = function () { dbPromise = null; reject(req.error); };
      });
    }
    return dbPromise;
  }

  function run(store, mode, fn) {
    return openDB().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode);
        var req = fn(t.objectStore(store));
        var out;
        if (req) req.onsuccess = function () { out = req.result; };
        t.oncomplete = function () { resolve(out); };
        t.onerror = t.onabort = function () { reject(t.error); };
      });
    });
  }

  var db = {
    get: function (store, key) { return run(store, 'readonly', function (s) { return s.get(key); }); },
    put: function (store, value, key) {
      return run(store, 'readwrite', function (s) { return key === undefined ? s.put(value) : s.put(value, key); });
    },
    del: function (store, key) { return run(store, 'readwrite', function (s) { return s.delete(key); }); },
    all: function (store) { return run(store, 'readonly', function (s) { return s.getAll(); }); },
    keys: function (store) { return run(store, 'readonly', function (s) { return s.getAllKeys(); }); },
    count: function (store) { return run(store, 'readonly', function (s) { return s.count(); }); },
    clear: function (store) { return run(store, 'readwrite', function (s) { return s.clear(); }); },
  };

  var HASH_LIMIT = 256 * 1024 * 1024; // larger files are hashed by the server only

  /* Why the phone does not hash a file: '' (it does), 'too-large', or 'no-crypto' (crypto.subtle
     exists only in a secure context: an https:// address or localhost). */
  function hashSkipped(blob) {
    if (blob && blob.size > HASH_LIMIT) return 'too-large';
    if (!g.crypto || !g.crypto.subtle) return 'no-crypto';
    return '';
  }

  function sha256(blob) {
    if (hashSkipped(blob)) return Promise.resolve('');
    return blob.arrayBuffer().then(function (buf) {
      return g.crypto.subtle.digest('SHA-256', buf);
    }).then(function (digest) {
      return Array.from(new Uint8Array(digest), function (b) { return b.toString(16).padStart(2, '0'); }).join('');
    });
  }

  var EXPORT_TYPES = /(xml|csv|html|plain)$/;
  var EXPORT_NAMES = /\.(xml|csv|txt|html?)$/i;

  /* Keep one file in the queue. item: {blob, name, caseId, kind?, note?, target?, url?}. Returns its id.
     url: where it goes when not the case's own endpoint (an invitee's contribution); entries
     kept before this field existed have none and go to the case's endpoint, as before. */
  function enqueue(item) {
    var blob = item.blob;
    var target = item.target ||
      (EXPORT_TYPES.test(blob.type || '') || EXPORT_NAMES.test(item.name || '') ? 'import' : 'evidence');
    return (item.sha256 !== undefined ? Promise.resolve(item.sha256) : sha256(blob)).then(function (hash) {
      return db.put('queue', {
        blob: blob,
        name: item.name || blob.name || 'file',
        type: blob.type || '',
        size: blob.size,
        caseId: item.caseId || null,
        url: item.url || '',
        target: target,
        kind: item.kind || '',
        note: item.note || '',
        sha256: hash,
        occurredAt: item.occurredAt || '',
        chosenAt: new Date().toISOString(),
      });
    });
  }

  /* What an answer means for a queued file. */
  function outcome(status) {
    if (status === 200 || status === 201 || status === 202) return 'done';
    if (status === 401) return 'auth';
    if (status === 0 || status === 408 || status === 429 || status >= 500) return 'retry';
    return 'refused';
  }

  function formFor(item) {
    var form = new FormData();
    form.append('file', item.blob, item.name);
    if (item.target === 'evidence') {
      if (item.kind) form.append('kind', item.kind);
      if (item.note) form.append('note', item.note);
      if (item.sha256) form.append('client_sha256', item.sha256);
      if (item.occurredAt) {
        form.append('occurred_at', item.occurredAt);
        form.append('occurred_at_source', 'client');
      }
    }
    return form;
  }

  /* A file with somewhere to go: a case, or its own endpoint. */
  function placed(item) { return Boolean(item.caseId || item.url); }

  function urlFor(item) {
    if (item.url) return item.url;
    return '/api/cases/' + item.caseId + (item.target === 'import' ? '/imports/' : '/evidence/');
  }

  /* The default sender (the service worker's): fetch, no progress. Resolves {status, body}. */
  function fetchSend(item, token, lang) {
    return fetch(urlFor(item), {
      method: 'POST',
      body: formFor(item),
      headers: { Authorization: 'Token ' + token, 'Accept-Language': lang, Accept: 'application/json' },
      credentials: 'omit',
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) { return { status: r.status, body: body }; });
    });
  }

  /* ---- saved API answers: what the app shows while offline ---- */

  function saveAnswer(url, data) { return db.put('cache', { data: data, at: Date.now() }, url); }

  /* A page of a case's timeline; query is the filters ('&kind=call…'). Page 1 goes without page=. */
  function timelineUrl(caseId, size, page, query) {
    return '/api/cases/' + caseId + '/timeline/?page_size=' + size + (page > 1 ? '&page=' + page : '') + (query || '');
  }
  var FIRST_TIMELINE_PAGE = /^\/api\/cases\/([\w-]+)\/timeline\/\?page_size=(\d+)((?:&(?!page=)[^&]*)*)$/;
  var CASE_PATH = /^\/api\/cases\/([\w-]+)\//;
  var CHANGES_NO_COPY = /^\/api\/cases\/[\w-]+\/(bundles|invitees)\//; // nothing saved shows these

  /* The saved answers a write to these paths makes out of date. The case list always (its counts;
     a new case), and every saved answer of a case that changed. */
  function staleKeys(paths, keys) {
    var out = [];
    function add(key) { if (out.indexOf(key) === -1) out.push(key); }
    paths.forEach(function (p) {
      if (p.indexOf('/api/contributions/') === 0) { if (keys.indexOf('/api/contributions/') !== -1) add('/api/contributions/'); return; }
      if (p.indexOf('/api/cases/') !== 0 || CHANGES_NO_COPY.test(p)) return;
      add('/api/cases/');
      var m = CASE_PATH.exec(p);
      if (!m) return;
      var prefix = '/api/cases/' + m[1] + '/';
      keys.forEach(function (key) { if (typeof key === 'string' && key.indexOf(prefix) === 0) add(key); });
    });
    return out;
  }

  /* Fetch again every saved answer that `paths` (written to just now) made out of date, one at a
     time; a first timeline page brings its new last page along (the app reads newest first).
     Stops quietly at a network error, keeping the older copies. */
  function refreshSaved(paths, token, lang) {
    if (!token) return Promise.resolve(0);
    var headers = { Authorization: 'Token ' + token, 'Accept-Language': lang || 'zh-Hans', Accept: 'application/json' };
    function get(url) {
      return fetch(url, { headers: headers, credentials: 'omit', cache: 'no-store' }).then(function (r) {
        if (r.status === 404) return db.del('cache', url).then(function () { return null; });
        if (!r.ok) return null;
        return r.json().then(function (data) { return saveAnswer(url, data).then(function () { return data; }); });
      });
    }
    return db.keys('cache').then(function (keys) {
      var todo = staleKeys(paths, keys);
      var done = 0;
      function next(i) {
        if (i >= todo.length) return done;
        return get(todo[i]).then(function (data) {
          done += 1;
          var m = FIRST_TIMELINE_PAGE.exec(todo[i]);
          if (m && data && typeof data.count === 'number') {
            var size = Number(m[2]);
            var last = timelineUrl(m[1], size, Math.max(1, Math.ceil(data.count / size)), m[3]);
            if (last !== todo[i] && todo.indexOf(last) === -1) todo.push(last);
          }
          return next(i + 1);
        });
      }
      return next(0);
    }).catch(function () { return 0; });
  }

  var channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('el-queue') : null;
  function announce(message) {
    if (channel) channel.postMessage(message);
  }

  function withLock(fn) {
    var locks = g.navigator && g.navigator.locks;
    return locks ? locks.request('el-upload-queue', fn) : fn();
  }

  /* Send the queue, oldest first; stop at the first file that must wait (network, 5xx, 401).
     opts.send(item, token, lang) may replace the sender (the page uses XHR for progress).
     Resolves {sent, stopped: '' | 'retry' | 'auth' | 'no-token'}. */
  function flush(opts) {
    opts = opts || {};
    var send = opts.send || fetchSend;
    return withLock(function () {
      return Promise.all([db.get('kv', 'token'), db.get('kv', 'lang'), db.all('queue')]).then(function (r) {
        var token = r[0], lang = r[1] || 'zh-Hans';
        var items = r[2].filter(placed).sort(function (a, b) { return a.id - b.id; });
        if (!token) return { sent: 0, stopped: items.length ? 'no-token' : '' };
        var sent = 0;
        var touched = [];
        function next(i) {
          if (i >= items.length) return { sent: sent, stopped: '', touched: touched, token: token, lang: lang };
          var item = items[i];
          return db.get('queue', item.id).then(function (still) {
            if (!still) return next(i + 1); // removed meanwhile
            announce({ type: 'sending', id: item.id });
            return send(item, token, lang).catch(function () { return { status: 0, body: {} }; }).then(function (res) {
              var what = outcome(res.status);
              announce({ type: what, id: item.id, status: res.status, body: res.body, name: item.name, target: item.target });
              if (what === 'done') {
                sent += 1;
                touched.push(urlFor(item));
                return db.del('queue', item.id).then(function () { return next(i + 1); });
              }
              if (what === 'refused') {
                var detail = (res.body && (res.body.detail || res.body.error)) || String(res.status);
                return db.del('queue', item.id).then(function () {
                  return db.put('refused', { name: item.name, caseId: item.caseId, detail: detail, status: res.status, at: new Date().toISOString() });
                }).then(function () { return next(i + 1); });
              }
              return { sent: sent, stopped: what, touched: touched, token: token, lang: lang };
            });
          });
        }
        return next(0);
      });
    }).then(function (result) {
      announce({ type: 'changed' });
      // What was sent changed the case: its saved copies follow (after the lock, so sending never waits).
      var refreshed = result.touched && result.touched.length ? refreshSaved(result.touched, result.token, result.lang) : Promise.resolve(0);
      return refreshed.then(function () { return { sent: result.sent, stopped: result.stopped }; });
    });
  }

  g.ELCore = {
    db: db, sha256: sha256, hashSkipped: hashSkipped, enqueue: enqueue, flush: flush, outcome: outcome,
    saveAnswer: saveAnswer, refreshSaved: refreshSaved, timelineUrl: timelineUrl,
    formFor: formFor, urlFor: urlFor, placed: placed, announce: announce,
    channel: function () { return typeof BroadcastChannel === 'function' ? new BroadcastChannel('el-queue') : null; },
  };
})(self);
