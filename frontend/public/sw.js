/* 证据柜 Evidence Locker — service worker.
   - The app shell is cached (cache-first, versioned: change VERSION whenever a shell file changes).
   - /api/ is never cached here: network only.
   - POST /share-target/ (files shared from the gallery) puts the files in the upload queue.
   - The `sync` event ("upload-queue") sends the queue when the network is back. */
'use strict';
importScripts('/core.js');

var VERSION = 'el-shell-df2147f108df';
var SHELL = [
  '/', '/core.js', '/app.js', '/api.js', '/i18n.js', '/ui.js', '/queue.js', '/views.js', '/case-views.js', '/describe-view.js', '/text-view.js', '/search-view.js',
  '/app.css', '/manifest.webmanifest', '/quick-exit.html', '/quick-exit.css',
  '/icons/icon-192.png', '/icons/notes-192.png',
];

self.addEventListener('install', function (event) {
  event.waitUntil(caches.open(VERSION).then(function (cache) {
    // no-cache: revalidate what the page just loaded (304) rather than download it twice.
    return cache.addAll(SHELL.map(function (url) { return new Request(url, { cache: 'no-cache' }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf('el-shell-') === 0 && k !== VERSION; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function shareTarget(request) {
  return request.formData().then(function (form) {
    var files = form.getAll('files').filter(function (f) { return f && typeof f === 'object' && f.size > 0; });
    var note = [form.get('title'), form.get('text')].filter(Boolean).join(' — ').slice(0, 2000);
    return ELCore.db.get('kv', 'lastCase').then(function (caseId) {
      return files.reduce(function (chain, file) {
        return chain.then(function () {
          return ELCore.enqueue({ blob: file, name: file.name, caseId: caseId || null, note: note,
            occurredAt: file.lastModified ? new Date(file.lastModified).toISOString() : '' });
        });
      }, Promise.resolve());
    });
  }).then(function () {
    ELCore.announce({ type: 'changed' });
    return Response.redirect('/#/shared-files', 303);
  }, function () {
    return Response.redirect('/#/shared-files', 303);
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'POST' && url.pathname === '/share-target/') {
    var answer = shareTarget(request);
    event.respondWith(answer);
    // Send what was shared as soon as possible, even if the app is not opened again.
    event.waitUntil(answer.then(function () { return ELCore.flush(); }).catch(function () {}));
    return;
  }
  if (request.method !== 'GET' || url.pathname.indexOf('/api/') === 0) return; // network only
  var path = url.pathname === '/index.html' ? '/' : url.pathname;
  if (SHELL.indexOf(path) === -1 && path.indexOf('/icons/') !== 0) return; // server pages: not ours
  event.respondWith(caches.open(VERSION).then(function (cache) {
    return cache.match(path).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        if (response.ok && path.indexOf('/icons/') === 0) cache.put(path, response.clone());
        return response;
      });
    });
  }));
});

self.addEventListener('sync', function (event) {
  if (event.tag !== 'upload-queue') return;
  // A rejected promise tells the browser to try again later (with back-off).
  event.waitUntil(ELCore.flush().then(function (result) {
    if (result.stopped === 'retry') throw new Error('upload queue: network not ready');
  }));
});

self.addEventListener('message', function (event) {
  if (event.data === 'flush') event.waitUntil(ELCore.flush().catch(function () {}));
});
