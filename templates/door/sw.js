// The door page's service worker: the page and everything it runs are kept on the device,
// so a door keeps working, and reloads, with no network. Built from templates/door/sw.js;
// its version changes with every file it keeps, which replaces the old copies.
"use strict";
const VERSION = {{ version|tojson }};
const SHELL = "lanyard-door-" + VERSION;
const PHOTOS = "lanyard-door-photos";
const PAGE = {{ page|tojson }};
const FILES = {{ files|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL);
    await cache.addAll(FILES);
    await cache.add(new Request(PAGE, {credentials: "same-origin"}));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("lanyard-door-") && name !== SHELL && name !== PHOTOS) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    // The page from the network when there is one (fresh token and checkpoints), else the copy.
    event.respondWith((async () => {
      try {
        const response = await fetch(request);
        if (response.ok) (await caches.open(SHELL)).put(PAGE, response.clone());
        return response;
      } catch (error) {
        return (await caches.match(PAGE)) || Response.error();
      }
    })());
  } else if (FILES.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  } else if (url.pathname.startsWith("/api/v1/door/checkpoints/") && url.pathname.includes("/photos/")) {
    // Roster photos: kept once fetched; a new badge version has a new address.
    event.respondWith((async () => {
      const cache = await caches.open(PHOTOS);
      const hit = await cache.match(request);
      if (hit) return hit;
      const response = await fetch(request);
      if (response.ok) cache.put(request, response.clone());
      return response;
    })());
  }
});
