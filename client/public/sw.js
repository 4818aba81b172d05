/**
 * Meshboard's service worker: keeps the app shell on the device so a board opens without a network.
 * The board's content is not here — it lives in IndexedDB (client/lib/local-copy.ts) and syncs over /yjs.
 *
 * - `/assets/*` (hashed file names, never change): cache first.
 * - The page itself (`/`, `/b/*`, one index.html for all): network first, the cached shell when offline.
 *   It is cached under one key, never under the address it was opened with (those carry board tokens).
 * - Everything else — `/api`, `/yjs`, `/socket.io`, other origins — is left to the network, untouched.
 */
const CACHE = 'meshboard-shell-v1';
const SHELL = '/';

/** `/assets/…` paths named in a text (the page, or the entry script that imports the lazy pages). */
const assetsIn = (text) => [...new Set(text.match(/\/?assets\/[\w.-]+\.(?:js|css|svg|png|woff2?)/g) ?? [])].map((p) => (p.startsWith('/') ? p : `/${p}`));

/** Caches the current shell and every asset it names (and what its entry scripts name), dropping old assets. */
async function cacheShell() {
  const cache = await caches.open(CACHE);
  const res = await fetch(SHELL, { cache: 'no-cache' });
  if (!res.ok) return;
  const html = await res.clone().text();
  await cache.put(SHELL, res);
  const wanted = new Set(assetsIn(html));
  for (const entry of [...wanted].filter((p) => p.endsWith('.js'))) {
    const script = await cachedFetch(cache, entry);
    if (script) for (const p of assetsIn(await script.clone().text())) wanted.add(p);
  }
  await Promise.all([...wanted].map((p) => cachedFetch(cache, p)));
  // Assets of earlier builds that this shell no longer names.
  for (const req of await cache.keys()) {
    const { pathname } = new URL(req.url);
    if (pathname.startsWith('/assets/') && !wanted.has(pathname)) await cache.delete(req);
  }
}

async function cachedFetch(cache, path) {
  const hit = await cache.match(path);
  if (hit) return hit;
  try {
    const res = await fetch(path);
    if (res.ok) await cache.put(path, res.clone());
    return res.ok ? res : null;
  } catch {
    return null;
  }
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    cacheShell()
      .catch(() => undefined)
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('meshboard-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

const isPage = (url) => url.pathname === '/' || url.pathname.startsWith('/b/');

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(caches.open(CACHE).then((cache) => cachedFetch(cache, url.pathname).then((res) => res ?? fetch(request))));
    return;
  }

  if (request.mode === 'navigate' && isPage(url)) {
    event.respondWith(
      fetch(request)
        .then(async (res) => {
          if (res.ok && (res.headers.get('content-type') ?? '').includes('text/html')) {
            const cache = await caches.open(CACHE);
            await cache.put(SHELL, res.clone());
          }
          return res;
        })
        .catch(async () => (await caches.match(SHELL)) ?? Response.error()),
    );
  }
  // /api, /yjs, /socket.io and the rest: not handled, straight to the network.
});
