/* Sajja's service worker. webapp/pwa.py serves it at /sw.js (scope "/") and fills in the
   version (a hash of the app shell), the shell's files and where the outbox script lives.

   - install: store the app shell in a cache named after the version; take over at once.
   - activate: delete the shells of older versions; control the open pages.
   - pages: network first, stored as they are visited; without a signal the stored copy, or the
     offline page. Static files: from the cache first. Never /api/, never anything but GET.
   - the outbox (static/outbox.js, shared with the pages) is flushed when the worker starts and
     on Background Sync ("sajja-outbox"); after a flush that sent something, the pages for the
     next meeting are stored again.
   - push: show the notice the server sent (core/store/notices.py message_for: id, title, body,
     url, tag); a newer notice of the same tag replaces the older one. A tap on it brings an
     open window of the app to its page, or opens one. */
"use strict";

const VERSION = "__SAJJA_VERSION__";
const SHELL = ["__SAJJA_SHELL__"];
const OFFLINE_URL = "__SAJJA_OFFLINE__";
const ICON_URL = "__SAJJA_ICON__";
importScripts("__SAJJA_OUTBOX__");

const Outbox = self.SajjaOutbox;
const SHELL_CACHE = `sajja-shell-${VERSION}`;
const PAGES_CACHE = Outbox.PAGES_CACHE;
const SLOW_MS = 8000; // a page the network has not answered by then comes from the cache
const NEVER_STORED = ["/login", "/logout", OFFLINE_URL];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: "reload", credentials: "same-origin" })));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("sajja-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // entries go through the outbox, never a request queue
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/") ||
      url.pathname.startsWith("/pwa/") || url.pathname === "/sw.js") return;
  if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(cacheFirst(event));
  }
  // anything else (htmx fragments, searches as you type) goes to the network as it is
});

function pageKey(url) {
  return url.origin + url.pathname + url.search;
}

function storable(response, url) {
  const type = response.headers.get("Content-Type") || "";
  return response.ok && response.type === "basic" && !response.redirected &&
    type.includes("text/html") && !NEVER_STORED.includes(url.pathname);
}

let wentHome = false; // "/" redirects to the person's start page: remember which it is
let networkDown = null;

function noteNetwork(down) {
  if (networkDown === down) return Promise.resolve();
  networkDown = down;
  return (down ? Outbox.setMeta("network_down_at", Date.now()) : Outbox.deleteMeta("network_down_at"))
    .catch(() => {});
}

async function page(event, url) {
  const key = pageKey(url);
  const network = fetch(event.request).then((response) => {
    if (url.pathname === "/") {
      wentHome = response.type === "opaqueredirect";
    } else if (storable(response, url)) {
      const copy = response.clone();
      event.waitUntil(caches.open(PAGES_CACHE).then((cache) => cache.put(key, copy)));
      if (wentHome) {
        wentHome = false;
        event.waitUntil(Outbox.setMeta("home", key).catch(() => {}));
      }
    }
    return response;
  });
  event.waitUntil(network.then(() => noteNetwork(false), () => noteNetwork(true)));
  const slow = new Promise((resolve) => { setTimeout(resolve, SLOW_MS); })
    .then(() => stored(url, key))
    .then((copy) => copy || network);
  try {
    return await Promise.race([network, slow]);
  } catch (error) {
    return (await stored(url, key)) || (await caches.match(OFFLINE_URL)) || Response.error();
  }
}

// The stored copy of a page; for "/" the start page it led to; for an entry form not stored
// for this member, the same form stored for another member (the page puts the right name in).
async function stored(url, key) {
  const cache = await caches.open(PAGES_CACHE);
  const copy = await cache.match(key, { ignoreVary: true });
  if (copy) return copy;
  if (url.pathname === "/") {
    const home = await Outbox.getMeta("home").catch(() => null);
    if (home && (await cache.match(home, { ignoreVary: true }))) return Response.redirect(home, 302);
    return null;
  }
  if (url.pathname.endsWith("/entries/new")) {
    const type = url.searchParams.get("type");
    for (const request of await cache.keys()) {
      const other = new URL(request.url);
      if (other.pathname === url.pathname && other.searchParams.get("type") === type) {
        return cache.match(request, { ignoreVary: true });
      }
    }
  }
  return null;
}

async function cacheFirst(event) {
  const copy = await caches.match(event.request, { ignoreVary: true });
  if (copy) return copy;
  const response = await fetch(event.request);
  if (response.ok && response.type === "basic") {
    const clone = response.clone();
    event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.put(event.request, clone)));
  }
  return response;
}

async function flushAndRefresh(from) {
  const summary = await Outbox.flush({ from });
  if (summary.sent) await Outbox.refreshPages().catch(() => {});
  if (!summary.ok && ["network", "server", "later"].includes(summary.error)) {
    throw new Error(`outbox not sent (${summary.error}): Background Sync will try again`);
  }
  return summary;
}

self.addEventListener("sync", (event) => {
  if (event.tag === Outbox.SYNC_TAG) event.waitUntil(flushAndRefresh("background-sync"));
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "flush") {
    event.waitUntil(flushAndRefresh("message").catch(() => {}));
  }
});

function pushMessage(data) {
  if (!data) return {};
  try {
    return data.json() || {};
  } catch (error) {
    return { body: data.text() };
  }
}

self.addEventListener("push", (event) => {
  const message = pushMessage(event.data);
  const options = {
    body: message.body || "",
    icon: ICON_URL,
    badge: ICON_URL,
    lang: "th",
    data: { url: message.url || "/", id: message.id },
  };
  if (message.tag) {
    options.tag = message.tag;
    options.renotify = true; // the replacing notice is announced too, not swapped in silently
  }
  event.waitUntil(self.registration.showNotification(message.title || "สัจจะ", options));
});

function sameOriginUrl(url) {
  try {
    const target = new URL(url || "/", self.location.origin);
    return target.origin === self.location.origin ? target.href : self.location.origin + "/";
  } catch (error) {
    return self.location.origin + "/";
  }
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = sameOriginUrl(event.notification.data && event.notification.data.url);
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (open) {
      try {
        const focused = await open.focus();
        if (focused.url === target || (await focused.navigate(target))) return;
      } catch (error) {
        // a window this worker does not control cannot be navigated: open the page instead
      }
    }
    await self.clients.openWindow(target);
  })());
});

// The worker starts (installed, woken for an event, or the browser opened): send what waits.
Outbox.flush({ from: "worker-start" }).catch(() => {});
