// Một Cửa service worker. The server prepends `const BUILD = {version, precache, routes}`, so
// any change to a shell file or an address changes these bytes and browsers install the new
// version. `routes`: the app's addresses as url_for renders them (app/pwa/routes.py), a part
// to fill as "{code}"; this file writes none of its own.
//
// What it promises (DESIGN.md, "Offline-first"):
// - the app shell, the catalogue and every procedure's form open with no signal (rule 7);
// - nothing person-specific is ever stored here: receipts, status pages, staff pages and
//   API answers other than the public catalogue go to the network only, and even a public
//   page is kept only as rendered for nobody (`X-Signed-In: 0`, app/pwa/device.py): a copy
//   rendered for a signed-in person carries their name, organisation or identity, and would
//   be served to the next person on the phone. (Whose things the page then shows is read
//   from a cookie, static/js/owner.js, so a kept page serves every person alike.)
// - a new version waits until the page, at a quiet moment, asks it to take over (rule 8).
// The outbox does not live here: the page drives sync (rule 5); a `sync` event only
// tells open pages to flush.

const PREFIX = "motcua-";
const SHELL = `${PREFIX}shell-${BUILD.version}`;
const PAGES = `${PREFIX}pages-${BUILD.version}`;
const NAV_TIMEOUT_MS = 3000; // on flaky 3G, a stored page now beats a fresh page much later
const WARM_EVERY_MS = 24 * 60 * 60 * 1000; // pages a person opens online are refreshed anyway
const WARMED = "/__motcua/warmed"; // a marker in PAGES: when the catalogue was last fetched
const ROUTES = BUILD.routes;
const CATALOGUE_API = ROUTES.api_procedures;

// An address with its parts filled in, each encoded; and one matching any value of them.
const fill = (route, parts) => route.replace(/\{(\w+)\}/g, (whole, part) => encodeURIComponent(parts[part]));
const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const pattern = (route) => new RegExp(`^${route.split(/\{\w+\}/).map(literal).join("[^/]+")}$`);

// The only pages kept: the same for everybody, so keeping them leaks nothing.
const PUBLIC_PAGES = [ROUTES.home, ROUTES.procedures, ROUTES.procedure, ROUTES.apply_form,
  ROUTES.outbox, ROUTES.my_dossiers, ROUTES.offline].map(pattern);
const isPublicPage = (path) => PUBLIC_PAGES.some((re) => re.test(path));
const forNobody = (response) => response.headers.get("X-Signed-In") === "0";
// Stored responses vary on Accept-Encoding and HX-Request; any stored copy will do.
const ANY = { ignoreVary: true };
// What the worker fetches on its own (install, warming the catalogue) goes without cookies:
// the copies it keeps are nobody's, and an answer cannot overwrite the session cookie that
// a sign-in set meanwhile (that race signed people out right after signing in).
const ANONYMOUS = { credentials: "omit" };

self.addEventListener("install", (event) => {
  event.waitUntil(precache()); // no skipWaiting(): the new version waits (rule 8)
});

async function precache() {
  const cache = await caches.open(SHELL);
  await Promise.all(BUILD.precache.map(async (url) => {
    // Hashed URLs never change, so the copy the page just loaded will do; pages must be fresh.
    const response = await fetch(url, { ...ANONYMOUS, cache: url.includes("?v=") ? "default" : "no-cache" });
    if (!response.ok) throw new Error(`precache ${url}: ${response.status}`);
    await cache.put(url, response);
  }));
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const pages = await caches.open(PAGES);
    for (const name of await caches.keys()) {
      if (!name.startsWith(PREFIX) || name === SHELL || name === PAGES) continue;
      // Keep the catalogue readable offline across the update; it is re-fetched soon anyway.
      if (name.startsWith(`${PREFIX}pages-`)) await carryOver(await caches.open(name), pages);
      await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function carryOver(from, to) {
  for (const request of await from.keys()) {
    if (new URL(request.url).pathname === WARMED) continue; // so the new version re-warms
    const kept = await from.match(request, ANY);
    // A page an older version kept from a signed-in visit: not carried (the catalogue re-warms).
    const page = (kept.headers.get("Content-Type") || "").startsWith("text/html");
    if (page && !forNobody(kept)) continue;
    if (!(await to.match(request, ANY))) await to.put(request, kept);
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(ROUTES.static)) event.respondWith(staticFile(request));
  else if (url.pathname === CATALOGUE_API || url.pathname === ROUTES.manifest) {
    event.respondWith(networkThenCache(request, url.pathname));
  } else if (isPage(request)) event.respondWith(page(event, url));
  // Anything else (API, receipts, status, staff): the network only, never stored.
});

// A navigation, or an htmx-boosted link / history restore, both of which get a full page.
function isPage(request) {
  const h = request.headers;
  return request.mode === "navigate" || h.get("HX-Boosted") === "true" ||
    h.get("HX-History-Restore-Request") === "true";
}

async function staticFile(request) {
  const hit = await caches.match(request, ANY);
  if (hit) return hit;
  try {
    return await fetch(request);
  } catch (error) {
    // A page kept from an older build names an older hash: the current file will do.
    const any = await caches.match(request, { ignoreSearch: true, ignoreVary: true });
    if (any) return any;
    throw error;
  }
}

async function networkThenCache(request, key) {
  try {
    const response = await fetch(request);
    if (response.ok) await (await caches.open(PAGES)).put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await caches.match(key, ANY);
    if (cached) return cached;
    throw error;
  }
}

async function page(event, url) {
  const keep = isPublicPage(url.pathname) && !url.search;
  const network = fetch(event.request).then(async (response) => {
    if (keep && response.ok && response.type === "basic" && !response.redirected && forNobody(response) &&
        (response.headers.get("Content-Type") || "").startsWith("text/html")) {
      await (await caches.open(PAGES)).put(url.pathname, response.clone());
    }
    return response;
  });
  event.waitUntil(network.catch(() => null)); // keep storing after answering from the cache
  try {
    const response = await Promise.race([network, timeout(NAV_TIMEOUT_MS)]);
    // A server in trouble (5xx from the app or a proxy): the stored page reads better.
    return (response.status >= 500 && (await stored(url))) || response;
  } catch {
    const cached = await stored(url);
    if (cached) return cached;
    try {
      return await network; // nothing stored: a slow answer is still better than none
    } catch {
      return (await caches.match(ROUTES.offline, ANY)) || Response.error();
    }
  }
}

function timeout(ms) {
  return new Promise((_resolve, reject) => setTimeout(() => reject(new Error("timeout")), ms));
}

async function stored(url) {
  if (!isPublicPage(url.pathname)) return null;
  // The copy refreshed on the last visit first, then the one kept at install. And
  // `/thu-tuc?q=...` offline: the whole list is more use than the offline page.
  const pages = await caches.open(PAGES);
  const kept = (await pages.match(url.pathname, ANY)) || (await caches.match(url.pathname, ANY));
  // Answered as the address asked for, not the stored one: htmx then keeps `?q=` in the
  // address bar, and the page searches it on the device (static/js/catalogue-search.js).
  return kept && url.search ? new Response(kept.body, kept) : kept;
}

// The catalogue is small: once the app has been opened online, fetch every procedure and
// its form, one at a time so the person's own requests are not slowed down.
let warming = null;

async function warm(force) {
  const cache = await caches.open(PAGES);
  const marker = await cache.match(WARMED);
  if (!force && marker && Date.now() - Number(await marker.text()) < WARM_EVERY_MS) return;
  const list = await fetch(CATALOGUE_API, ANONYMOUS);
  if (!list.ok) return;
  await cache.put(CATALOGUE_API, list.clone());
  const urls = [ROUTES.procedures];
  for (const p of await list.json()) {
    urls.push(fill(ROUTES.procedure, { code: p.code }), fill(ROUTES.apply_form, { code: p.code }));
  }
  for (const url of urls) {
    const response = await fetch(url, ANONYMOUS); // offline again: throw, and try on the next page
    if (response.ok && !response.redirected && forNobody(response)) await cache.put(url, response);
  }
  await cache.put(WARMED, new Response(String(Date.now())));
  for (const client of await self.clients.matchAll()) client.postMessage({ type: "warmed" });
}

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "skip-waiting") self.skipWaiting();
  if (type === "warm") {
    warming = warming || warm(event.data.force).catch(() => null).finally(() => { warming = null; });
    event.waitUntil(warming);
  }
});

// Background Sync exists only in some browsers; where it does, it is one more trigger.
self.addEventListener("sync", (event) => {
  if (event.tag !== "outbox") return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((pages) => {
    for (const client of pages) client.postMessage({ type: "flush" });
  }));
});
