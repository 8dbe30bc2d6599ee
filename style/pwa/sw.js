// The service worker: after one visit the app opens and works with no network.
//
// - Installing, it fetches every file of its build (the list below, written by
//   scripts/split.mjs with each file's SHA-256, cut to 128 bits) into a cache named after the
//   build.
// - It answers the app's requests from that cache, checking each file's hash first: an entry that
//   does not match is fetched again (and checked) and never handed to the page. The same holds for
//   the previous build's files, served to a page still running it: each build's list of files and
//   hashes is kept beside its cache.
// - A new build (a new sw.js) installs beside the running one and waits: the page offers a reload,
//   and only when the user takes it does the new worker take over. Every page therefore runs the
//   files of one build: the app's module, chunks and workers live in a folder named after their
//   content (app-<hash>/), and the previous build's cache stays until the build after it, so a
//   page still open on it can load its chunks.
//
// - Answering a navigation, it starts reading the store for the page it opens (see `startEarlyRead`).
//
// Paths are relative to the worker's scope, so the app works from any folder of a static host.

self.BUILD = null;

const { version, files } = self.BUILD;
const PREFIX = 'pocket-crm-';
const CACHE = PREFIX + version;
// The builds activated here, newest last (to know which cache is the previous build's).
const HISTORY = PREFIX + 'history';
const KEEP_BUILDS = 2;

const scope = new URL(self.registration.scope);
const url = (path) => new URL(path, scope).href;
const pathOf = (href) => {
  const u = new URL(href);
  return u.origin === scope.origin && u.pathname.startsWith(scope.pathname) ? u.pathname.slice(scope.pathname.length) : null;
};

/** The first 128 bits of the SHA-256 of `buffer`, in hex (as the list gives them). */
async function sha256(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The file from the network, if its hash is `hash` (this build's, by default); else null. */
async function fetchChecked(path, hash = files[path]) {
  const response = await fetch(url(path), { cache: 'no-store' });
  if (!response.ok) return null;
  const body = await response.arrayBuffer();
  if ((await sha256(body)) !== hash) return null;
  return new Response(body, { status: 200, headers: response.headers });
}

const UNAVAILABLE = () => new Response('This file could not be loaded for this version of the app.', { status: 503 });

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      const history = await caches.open(HISTORY);
      await history.put('files-' + version, new Response(JSON.stringify(files)));
      for (const path of Object.keys(files)) {
        const response = await fetchChecked(path);
        // A file that is not this build's (a deploy under way): fail; the browser tries again later.
        if (!response) throw new Error(`${path} does not match build ${version}`);
        await cache.put(url(path), response);
      }
    })(),
  );
});

/* early-read.js */

// Each page's first read of the store, by the id of the page: started as the worker answers its
// navigation, some 40 ms before the page's first script could start it, and handed over when that
// script asks (index.html), or dropped after a while if it never does.
const earlyReads = new Map();
const EARLY_READ_KEPT_MS = 10_000;
const EARLY_READS_KEPT = 4;

function startEarlyRead(clientId) {
  let first, later;
  const read = { first: new Promise((ok) => { first = ok; }), later: new Promise((ok) => { later = ok; }) };
  earlyOpen(indexedDB, (db) => {
    if (!db) {
      first(null);
      later(null);
      return;
    }
    earlyRead(db, first, later, () => db.close());
  });
  // (A page that never asks, reloaded again and again: only the latest few are kept.)
  if (earlyReads.size >= EARLY_READS_KEPT) earlyReads.delete(earlyReads.keys().next().value);
  earlyReads.set(clientId, read);
  setTimeout(() => earlyReads.delete(clientId), EARLY_READ_KEPT_MS);
}

/** Answers a page's 'early-read' on `port`: whether there is a read for it ('reading' at once,
 *  so that a slow read is waited for), the read (null if there is none), then its deals. */
async function handEarlyRead(clientId, port) {
  const read = earlyReads.get(clientId);
  earlyReads.delete(clientId);
  if (read) port.postMessage('reading');
  const first = read ? await read.first : null;
  port.postMessage(first, earlyBuffers(first && first.values));
  if (!first) return;
  const values = await read.later;
  port.postMessage({ later: values }, earlyBuffers(values));
}

self.addEventListener('message', (event) => {
  if (event.data === 'take-over') self.skipWaiting();
  if (event.data === 'early-read' && event.ports[0] && event.source) {
    event.waitUntil(handEarlyRead(event.source.id, event.ports[0]));
  }
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const history = await caches.open(HISTORY);
      const stored = await history.match('builds');
      const builds = (stored ? await stored.json() : []).filter((v) => v !== version);
      builds.push(version);
      const keep = new Set(builds.slice(-KEEP_BUILDS).map((v) => PREFIX + v));
      await history.put('builds', new Response(JSON.stringify([...builds.slice(-KEEP_BUILDS)])));
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== HISTORY && !keep.has(name)) await caches.delete(name);
      }
      for (const request of await history.keys()) {
        const name = new URL(request.url).pathname.split('/').pop();
        if (name.startsWith('files-') && !keep.has(PREFIX + name.slice(6))) await history.delete(request);
      }
      await self.clients.claim();
    })(),
  );
});

/** This build's file `path`: from the cache if its hash matches, else fetched again and kept. */
async function serve(path) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(url(path));
  if (cached) {
    const body = await cached.arrayBuffer();
    if ((await sha256(body)) === files[path]) return new Response(body, { status: 200, headers: cached.headers });
    await cache.delete(url(path));
  }
  const fresh = await fetchChecked(path);
  if (!fresh) return UNAVAILABLE();
  await cache.put(url(path), fresh.clone());
  return fresh;
}

/** A file of an earlier build still kept (for a page running it), checked against that build's
 * list as this build's files are; a path no kept build lists is left to the network. */
async function servePrevious(path) {
  const history = await caches.open(HISTORY);
  for (const request of await history.keys()) {
    const name = new URL(request.url).pathname.split('/').pop();
    if (!name.startsWith('files-')) continue;
    const list = await (await history.match(request)).json();
    const hash = list[path];
    if (!hash) continue;
    const cache = await caches.open(PREFIX + name.slice(6));
    const cached = await cache.match(url(path));
    if (cached) {
      const body = await cached.arrayBuffer();
      if ((await sha256(body)) === hash) return new Response(body, { status: 200, headers: cached.headers });
      await cache.delete(url(path));
    }
    const fresh = await fetchChecked(path, hash);
    if (!fresh) return UNAVAILABLE();
    await cache.put(url(path), fresh.clone());
    return fresh;
  }
  return fetch(url(path));
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const path = pathOf(request.url);
  if (path === null) return;
  if (request.mode === 'navigate') {
    if (event.resultingClientId) startEarlyRead(event.resultingClientId);
    event.respondWith(serve('index.html'));
  } else if (path in files) {
    event.respondWith(serve(path));
  } else if (path.startsWith('app-')) {
    // A file of the previous build, for a page still running it.
    event.respondWith(servePrevious(path));
  }
});
