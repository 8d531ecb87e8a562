// The phone app's service worker: it keeps the app shell for use offline. The API (/m/api/) always
// goes to the network; records made offline wait in the page's outbox (app.js).
'use strict';
const CACHE = 'fq-phone-__VERSION__';
const SHELL = ['./', 'app.js', 'app.css', 'manifest.webmanifest', 'icon-192.png', 'icon-512.png'];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('fq-phone-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || !url.pathname.startsWith('/m/') ||
      url.pathname.startsWith('/m/api/')) {
    return;
  }
  // The shell, cache first: it changes only with a new service worker (a new cache name).
  const key = req.mode === 'navigate' ? new URL('./', self.registration.scope).href : req;
  e.respondWith(caches.open(CACHE).then((c) => c.match(key, {ignoreSearch: true}).then((hit) => hit || fetch(req))));
});
