// The door screen: scan a badge (USB scanner, camera or a typed serial), see the verdict
// fill the screen. Online, the server decides; when the network is gone the page decides
// itself from its last sync (rules.js), queues the scan, and uploads it when back online.
(function () {
  "use strict";
  const form = document.querySelector("[data-door-form]");
  if (!form) return;
  const input = form.querySelector("input[name=code]");
  const select = form.querySelector("select[name=checkpoint]");
  const verdictBox = document.querySelector("[data-verdict]");
  const statusBox = document.querySelector("[data-status]");
  const manualForm = document.querySelector("[data-manual-form]");
  const rules = window.LanyardRules;
  const secure = window.isSecureContext && !!window.crypto && !!crypto.subtle;

  const SYNC_EVERY = 30000;
  const UPLOAD_EVERY = 10000;
  const ANSWER_WITHIN = 4000;  // longer than this and the door decides itself
  const CLEAR_AFTER = {accepted: 4000, refused: 7000};

  const state = {
    csrf: form.querySelector("input[name=csrf_token]").value,
    snapshot: null,
    online: navigator.onLine,
    syncedAt: null,
    queued: 0,
    blocked: 0,
    loggedOut: false,
    mayOverride: false,
    store: null,
    clearTimer: null,
  };

  // ---- small helpers -------------------------------------------------------------------

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function checkpointId() {
    return Number(select.value);
  }

  function direction() {
    const checked = form.querySelector("input[name=direction]:checked");
    return checked ? checked.value : "in";
  }

  function newNonce() {
    return (crypto.randomUUID ? crypto.randomUUID()
      : Date.now().toString(36) + Math.random().toString(36).slice(2)).slice(0, 64);
  }

  async function call(url, options, timeout) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeout || ANSWER_WITHIN);
    try {
      return await fetch(url, Object.assign({credentials: "same-origin", signal: controller.signal},
                                            options || {}));
    } finally {
      clearTimeout(timer);
    }
  }

  function post(url, body, timeout) {
    return call(url, {method: "POST", body: JSON.stringify(body),
                      headers: {"Content-Type": "application/json", "X-CSRFToken": state.csrf}},
                timeout);
  }

  // ---- status line ---------------------------------------------------------------------

  function showStatus() {
    if (!statusBox) return;
    const parts = [];
    parts.push(el("span", state.online ? "online" : "offline", state.online ? "Online" : "OFFLINE"));
    const synced = state.syncedAt
      ? "synced " + state.syncedAt.toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"})
      : "not synced yet";
    parts.push(el("span", "synced", synced));
    parts.push(el("span", state.queued ? "queued waiting" : "queued",
                  state.queued + (state.queued === 1 ? " scan" : " scans") + " waiting to upload"));
    if (state.loggedOut) parts.push(el("span", "warning", "Log in again to upload them"));
    if (state.blocked) parts.push(el("span", "warning", state.blocked + " refused by the server: tell security"));
    statusBox.replaceChildren(...parts);
    statusBox.dataset.online = String(state.online);
    statusBox.dataset.queued = String(state.queued);
  }

  // ---- storage and sync ----------------------------------------------------------------

  async function openStore() {
    if (!window.indexedDB) return;
    try {
      state.store = await window.LanyardStore.open();
    } catch (error) {
      state.store = null;  // private mode on some browsers: online only
    }
  }

  async function loadSnapshot() {
    state.snapshot = state.store ? await state.store.get("state", "snapshot:" + checkpointId()) : null;
    state.syncedAt = state.snapshot ? new Date(state.snapshot.synced_at) : null;
    await countQueue();
  }

  async function countQueue() {
    const queue = state.store ? await state.store.all("queue") : [];
    state.queued = queue.filter((item) => !item.refused).length;
    state.blocked = queue.filter((item) => item.refused).length;
    showStatus();
  }

  async function refreshSession() {
    try {
      const response = await call("/api/v1/door/session");
      if (response.status === 401) { state.loggedOut = true; showStatus(); return false; }
      if (!response.ok) return false;
      const session = await response.json();
      state.csrf = session.csrf_token;
      state.mayOverride = session.may_override;
      state.loggedOut = false;
      state.online = true;
      return true;
    } catch (error) {
      state.online = false;
      showStatus();
      return false;
    }
  }

  async function sync() {
    const id = checkpointId();
    if (!id) return;
    const started = Date.now();
    try {
      const response = await call("/api/v1/door/sync?checkpoint=" + id, {}, 15000);
      if (response.status === 401) { state.loggedOut = true; showStatus(); return; }
      if (!response.ok) return;
      const snapshot = await response.json();
      state.online = true;
      if (id !== checkpointId()) return;  // the guard switched checkpoints meanwhile
      state.snapshot = snapshot;
      state.syncedAt = new Date(snapshot.synced_at);
      if (state.store) {
        await state.store.put("state", snapshot, "snapshot:" + id);
        // What the server now knows replaces what this device saw before the sync began.
        for (const move of await state.store.all("moves")) {
          if (move.uploaded && move.at < started) await state.store.remove("moves", move.nonce);
        }
      }
      keepPhotos(snapshot);
    } catch (error) {
      state.online = false;
    }
    showStatus();
  }

  // Photos of the roster, fetched ahead so the service worker keeps them for offline use.
  let photoWork = null;
  function keepPhotos(snapshot) {
    if (photoWork || !("caches" in window)) return;
    const urls = snapshot.roster.map((entry) => entry.photo_url).filter(Boolean);
    photoWork = (async () => {
      const cache = await caches.open("lanyard-door-photos");
      for (let i = 0; i < urls.length; i += 4) {
        await Promise.all(urls.slice(i, i + 4).map(async (url) => {
          if (!(await cache.match(url))) {
            try { await cache.add(new Request(url, {credentials: "same-origin"})); } catch (e) { /* next sync */ }
          }
        }));
      }
    })().finally(() => { photoWork = null; });
  }

  // ---- uploading offline scans ---------------------------------------------------------

  let flushing = false;
  async function flush() {
    if (flushing || !state.store) return;
    flushing = true;
    try {
      const queue = (await state.store.all("queue")).filter((item) => !item.refused);
      if (queue.length && !(await refreshSession())) return;
      let sent = 0;
      for (const item of queue.sort((a, b) => a.scanned_at.localeCompare(b.scanned_at))) {
        let response;
        try {
          response = await post("/api/v1/scans", item.body, 10000);
        } catch (error) {
          state.online = false;
          break;
        }
        if (response.status === 401 || response.status === 403) { state.loggedOut = true; break; }
        if (response.status >= 500) break;
        if (response.ok || response.status === 409) {
          // Recorded (or recorded before: the nonce answers once). The move it made stays
          // known until the next sync has it from the server.
          await state.store.remove("queue", item.nonce);
          const move = await state.store.get("moves", item.nonce);
          if (move) { move.uploaded = true; await state.store.put("moves", move); }
          sent += 1;
        } else {
          // The server refused what this device sent: kept, counted, never dropped.
          item.refused = (await response.json().catch(() => ({}))).message || response.statusText;
          await state.store.put("queue", item);
        }
      }
      if (sent) await sync();
    } finally {
      flushing = false;
      await countQueue();
    }
  }

  // ---- deciding ------------------------------------------------------------------------

  async function presenceOf(personId) {
    // Inside as the server said at the last sync, then every move this device saw since.
    const known = state.snapshot.inside[String(personId)];
    let inside = known ? {at: known.at, checkpoint: known.checkpoint} : null;
    const moves = state.store ? await state.store.all("moves") : [];
    for (const move of moves.sort((a, b) => a.at - b.at)) {
      if (move.person_id !== personId || move.zone !== state.snapshot.checkpoint.zone) continue;
      inside = move.moved === "in" ? {at: new Date(move.at).toISOString(), checkpoint: move.checkpoint} : null;
    }
    return inside;
  }

  async function decideOffline(text, manual, dir, when) {
    const snapshot = state.snapshot;
    const found = await rules.identify(snapshot, text, manual);
    const inside = found.entry && found.entry.person_id ? await presenceOf(found.entry.person_id) : null;
    const verdict = rules.decide(snapshot, {refusal: found.refusal, stopped: found.stopped,
                                            entry: found.entry, direction: dir, when: when,
                                            inside: !!inside});
    const entry = found.entry && found.entry.name ? found.entry : null;
    let detail = "";
    if (verdict === "already_inside" && inside) {
      detail = "Entered at " + new Date(inside.at).toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"})
        + " through " + inside.checkpoint + ".";
    } else if (verdict === "accepted" && dir === "out" && !inside) {
      detail = "No entry was recorded: let them out, and tell the security office.";
    }
    return {
      verdict: verdict, accepted: verdict === "accepted", title: snapshot.rules.titles[verdict],
      detail: detail, alert: verdict === "reported_lost", offline: true, manual: manual,
      checkpoint_name: snapshot.checkpoint.name, direction: dir,
      person: entry && {
        name: entry.name, honorific: entry.honorific, native_name: entry.native_name,
        organisation: entry.organisation, country_name: entry.country_name,
        category: entry.category, category_name: entry.category_name,
        category_colour: entry.category_colour, zones: entry.zones, photo_url: entry.photo_url,
        person_id: entry.person_id,
      },
      personId: found.entry ? found.entry.person_id : null,
    };
  }

  async function rememberMove(nonce, personId, moved, uploaded) {
    if (!state.store || !personId || !state.snapshot) return;
    await state.store.put("moves", {nonce: nonce, person_id: personId, moved: moved, at: Date.now(),
                                    zone: state.snapshot.checkpoint.zone,
                                    checkpoint: state.snapshot.checkpoint.name, uploaded: uploaded});
  }

  async function scan(text, manual) {
    text = String(text || "").trim();
    if (!text) return;
    const dir = direction();
    const nonce = newNonce();
    const when = new Date();
    const body = {checkpoint: checkpointId(), direction: dir, nonce: nonce,
                  scanned_at: when.toISOString()};
    body[manual ? "serial" : "code"] = text;
    let result = null;
    try {
      const response = await post("/api/v1/scans", body);
      if (response.status >= 500) throw new Error("server error " + response.status);
      const answer = await response.json();
      state.online = true;
      if (!response.ok) {
        if (response.status === 401) state.loggedOut = true;
        result = {accepted: false, verdict: "error", title: answer.message || response.statusText};
      } else {
        result = answer;
        const personId = answer.person ? answer.person.person_id : null;
        if (answer.accepted && personId) await rememberMove(nonce, personId, dir, true);
      }
    } catch (error) {
      state.online = false;
      if (!state.snapshot || !secure) {
        result = {accepted: false, verdict: "error",
                  title: "No network, and this device cannot decide offline"
                    + (secure ? " yet: it has not synced." : " (it needs a secure https address).")};
      } else {
        result = await decideOffline(text, manual, dir, when);
        body.offline_verdict = result.verdict;
        if (state.store) await state.store.put("queue", {nonce: nonce, body: body, scanned_at: body.scanned_at});
        if (result.accepted) {
          const inside = result.personId ? await presenceOf(result.personId) : null;
          if (dir === "in" || inside) await rememberMove(nonce, result.personId, dir, false);
        }
        await countQueue();
      }
    }
    show(result);
    showStatus();
  }

  // ---- the verdict on screen -----------------------------------------------------------

  let audio = null;
  function signal(accepted) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tones = accepted ? [[880, 0, 0.12]] : [[220, 0, 0.25], [180, 0.32, 0.35]];
      for (const [frequency, start, length] of tones) {
        const oscillator = audio.createOscillator();
        const gain = audio.createGain();
        oscillator.type = accepted ? "sine" : "square";
        oscillator.frequency.value = frequency;
        gain.gain.value = 0.15;
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(audio.currentTime + start);
        oscillator.stop(audio.currentTime + start + length);
      }
    } catch (error) { /* no sound on this device */ }
    if (!accepted && navigator.vibrate) navigator.vibrate([200, 100, 200, 100, 300]);
  }

  function clearVerdict() {
    clearTimeout(state.clearTimer);
    verdictBox.hidden = true;
    verdictBox.replaceChildren();
    input.focus();
  }

  function show(result) {
    clearTimeout(state.clearTimer);
    verdictBox.hidden = false;
    verdictBox.className = "verdict " + (result.accepted ? "ok" : "refused") + (result.alert ? " alert" : "");
    verdictBox.dataset.code = result.verdict;
    verdictBox.dataset.offline = String(!!result.offline);
    const p = result.person;
    const children = [
      el("div", "verdict-word", result.accepted ? "ACCEPTED" : "REFUSED"),
      el("div", "verdict-reason", result.accepted
        ? (result.checkpoint_name || "") + " · " + (result.direction === "out" ? "exit" : "entry")
        : result.title),
    ];
    if (result.detail) children.push(el("div", "verdict-detail", result.detail));
    if (result.offline) children.push(el("div", "verdict-offline", "Decided on this device (offline): uploads later"));
    if (result.manual) children.push(el("div", "verdict-offline", "Typed serial: compare the photo carefully"));
    if (p) {
      const row = el("div", "verdict-person");
      if (p.category_colour) row.style.setProperty("--cat", p.category_colour);
      if (p.photo_url) {
        const img = el("img");
        img.src = p.photo_url;
        img.alt = "Badge holder photo";
        row.append(img);
      }
      const text = el("div", "verdict-text");
      text.append(el("strong", "verdict-name", (p.honorific ? p.honorific + " " : "") + p.name));
      if (p.native_name) text.append(el("div", "native", p.native_name));
      text.append(el("div", "", p.organisation));
      text.append(el("div", "", p.country_name + " · "));
      const category = el("span", "cat", p.category);
      category.style.setProperty("--cat", p.category_colour);
      text.lastChild.append(category, " " + p.category_name);
      if (p.zones && p.zones.length) {
        const zones = el("div", "verdict-zones");
        for (const zone of p.zones) zones.append(el("span", "zone", zone.code), " ");
        text.append(zones);
      }
      row.append(text);
      children.push(row);
    }
    if (result.verdict === "already_inside" && state.mayOverride && result.scan_id && !result.offline) {
      children.push(overrideForm(result.scan_id));
    }
    const dismiss = el("button", "verdict-dismiss", "Next badge");
    dismiss.type = "button";
    dismiss.addEventListener("click", clearVerdict);
    children.push(dismiss);
    verdictBox.replaceChildren(...children);
    signal(result.accepted);
    const overriding = verdictBox.querySelector("[data-override]");
    if (!overriding) {
      state.clearTimer = setTimeout(clearVerdict, result.accepted ? CLEAR_AFTER.accepted : CLEAR_AFTER.refused);
    }
    input.value = "";
    if (!overriding) input.focus();
  }

  function overrideForm(scanId) {
    const box = el("form", "override");
    box.dataset.override = "";
    const reason = el("input");
    reason.name = "reason";
    reason.required = true;
    reason.maxLength = 300;
    reason.placeholder = "Why may they enter? (recorded)";
    reason.setAttribute("aria-label", "Reason to let them through");
    const button = el("button", "danger", "Let through");
    button.type = "submit";
    box.append(reason, button);
    box.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const response = await post("/api/v1/scans/" + scanId + "/override", {reason: reason.value});
        const answer = await response.json();
        show(response.ok ? answer : {accepted: false, verdict: "error", title: answer.message});
      } catch (error) {
        show({accepted: false, verdict: "error", title: "No network: an override needs the server."});
      }
    });
    return box;
  }

  // ---- wiring --------------------------------------------------------------------------

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    scan(text, false);
  });

  if (manualForm) {
    manualForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const field = manualForm.querySelector("input[name=serial]");
      scan(field.value, true);
      field.value = "";
    });
  }

  select.addEventListener("change", async () => {
    // The checkpoint stays chosen on this device (a cookie survives the logout's erasing).
    document.cookie = "lanyard_checkpoint=" + checkpointId() + "; path=/door/; max-age=31536000; samesite=strict";
    await loadSnapshot();
    await sync();
    input.focus();
  });

  // A door phone with scans still to upload does not log out: they would be lost.
  const logout = document.querySelector("form.logout");
  if (logout) {
    logout.addEventListener("submit", async (event) => {
      if (logout.dataset.confirmed) return;
      event.preventDefault();
      await flush();
      if (state.queued) {
        show({accepted: false, verdict: "error",
              title: state.queued + " scans still wait to upload. Connect to the network, then log out."});
        return;
      }
      logout.dataset.confirmed = "1";
      logout.submit();
    });
  }

  window.addEventListener("online", () => { state.online = true; flush(); sync(); });
  window.addEventListener("offline", () => { state.online = false; showStatus(); });

  const insecure = document.querySelector("[data-insecure]");
  if (insecure) insecure.hidden = secure;

  async function start() {
    // The page may come from the device's copy, made before the checkpoint was chosen.
    const saved = /(?:^|; )lanyard_checkpoint=(\d+)/.exec(document.cookie);
    if (saved && select.querySelector('option[value="' + saved[1] + '"]')) select.value = saved[1];
    await openStore();
    await loadSnapshot();
    if (secure && "serviceWorker" in navigator) {
      navigator.serviceWorker.register("/door/sw.js", {scope: "/door/"}).catch(() => {});
    }
    if (await refreshSession()) {
      await flush();
      await sync();
    }
    showStatus();
    setInterval(sync, SYNC_EVERY);
    setInterval(flush, UPLOAD_EVERY);
  }

  // For tests and the console: what this device would decide offline for a code.
  window.LanyardDoor = {
    decideOffline: (text, dir, manual) => decideOffline(text, !!manual, dir || "in", new Date()),
    sync: sync,
    flush: flush,
    state: state,
  };
  state.ready = start();

  // ---- phone camera (camera.js): a code the camera reads goes through the same path ----
  const camera = window.LanyardCamera;
  const cameraBox = document.querySelector("[data-camera]");
  if (camera && cameraBox) {
    const stillWorks = " The USB scanner and typing a code still work.";
    const cameraProblems = {
      NotAllowedError: "The camera was not allowed. Allow it for this site in the browser settings.",
      NotFoundError: "This device has no camera.",
      NotReadableError: "The camera is in use by another app.",
    };
    const tell = camera.button(cameraBox, {
      startLabel: "Scan with camera",
      stopLabel: "Stop camera",
      onCode: function (text) {
        input.value = text;
        form.requestSubmit();
      },
      shown: function (on) {
        // The code field keeps focus for a USB scanner (typing into this button would press it),
        // without a phone keyboard popping up over the video.
        if (on) input.inputMode = "none"; else input.removeAttribute("inputmode");
        input.focus();
      },
      problem: function (error) {
        return (cameraProblems[error.name] || "The camera could not start (" + error.message + ").") +
          stillWorks;
      },
      ended: "The camera stopped." + stillWorks,
    });
    cameraBox.hidden = false;
    if (!camera.supported()) {
      cameraBox.querySelector("[data-camera-toggle]").hidden = true;
      tell("The camera needs a secure address (one starting with https://)." + stillWorks);
    }
  }
})();
