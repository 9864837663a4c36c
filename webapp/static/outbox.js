/* Sajja's outbox: the entries recorded on this phone, kept in IndexedDB until the server has
   given each one a final answer (DESIGN.md, "The sync contract" and "The offline client").

   Loaded by the pages (<script src>) and by the service worker (importScripts), so both send
   the same way: one flush at a time across every page and the worker (a Web Lock), batches of
   at most 500 ops in the order they were recorded, and only a final status from the server
   takes an op out of the outbox. Plain ES2020; no library. Exposes self.SajjaOutbox. */
(function (global) {
  "use strict";

  const DB_NAME = "sajja";
  const DB_VERSION = 1;
  const OUTBOX = "outbox"; // ops keyed by op_id, index device_seq
  const META = "meta"; // device_id, next_seq, cursor, csrf_token, signin_needed, problem, ...
  const RESULTS = "results"; // needs_review / rejected ops, kept until a person dismisses them
  const PUSH_URL = "/api/v1/sync/push";
  const PULL_URL = "/api/v1/sync/pull";
  const TOKEN_URL = "/pwa/csrf-token";
  const PAGES_CACHE = "sajja-pages";
  const SYNC_TAG = "sajja-outbox";
  const LOCK = "sajja-flush";
  const BATCH = 500;
  const TIMEOUT_MS = 120000; // a 500-op push on a slow server; a resend is harmless anyway
  const OLD_MS = 3 * 24 * 3600 * 1000; // entries older than this get a warning
  const MEMBER_TYPES = ["savings.deposit", "savings.withdraw", "shares.buy", "fine.charge",
    "fine.pay", "welfare.contribute"];
  const GROUP_TYPES = ["group.income", "group.expense"];
  const MAX_SATANG = 1000000000000; // core.money.DEFAULT_MAX_SATANG: ten billion baht

  const inWorker = typeof global.ServiceWorkerGlobalScope === "function" &&
    global instanceof global.ServiceWorkerGlobalScope;
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("sajja-outbox") : null;
  const listeners = new Set();
  const CONTEXT = Math.random().toString(36).slice(2); // which page (or the worker) said it
  const REFRESH_GAP_MS = 120000; // the pages are stored again at most this often, unless asked

  /* ------------------------------------------------------------------ events */

  // Tell this context's listeners and every other page (and the worker) what happened.
  function emit(event) {
    event.source = CONTEXT;
    for (const listener of listeners) {
      try { listener(event); } catch (error) { /* a broken listener must not stop a flush */ }
    }
    if (channel) {
      try { channel.postMessage(event); } catch (error) { /* closed */ }
    }
  }
  if (channel) {
    channel.onmessage = (message) => {
      for (const listener of listeners) {
        try { listener(message.data); } catch (error) { /* see emit */ }
      }
    };
  }
  function on(listener) { listeners.add(listener); return () => listeners.delete(listener); }

  /* --------------------------------------------------------------- IndexedDB */

  let dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains(OUTBOX)) {
            db.createObjectStore(OUTBOX, { keyPath: "op_id" })
              .createIndex("device_seq", "device_seq", { unique: true });
          }
          if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
          if (!db.objectStoreNames.contains(RESULTS)) db.createObjectStore(RESULTS, { keyPath: "op_id" });
        };
        request.onsuccess = () => {
          const db = request.result;
          db.onversionchange = () => { db.close(); dbPromise = null; };
          db.onclose = () => { dbPromise = null; };
          resolve(db);
        };
        request.onerror = () => { dbPromise = null; reject(request.error); };
      });
    }
    return dbPromise;
  }

  function req(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  // fn(tx) may await only IndexedDB requests of tx; the promise resolves once tx has committed.
  async function transact(names, mode, fn) {
    const db = await openDb();
    const tx = db.transaction(names, mode);
    const committed = new Promise((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("IndexedDB transaction aborted"));
    });
    committed.catch(() => {});
    let value;
    try {
      value = await fn(tx);
    } catch (error) {
      try { tx.abort(); } catch (ignored) { /* already finished */ }
      throw error;
    }
    await committed;
    return value;
  }

  const getMeta = (key) => transact(META, "readonly", (tx) => req(tx.objectStore(META).get(key)));
  const setMeta = (key, value) =>
    transact(META, "readwrite", (tx) => req(tx.objectStore(META).put(value, key)));
  const deleteMeta = (key) => transact(META, "readwrite", (tx) => req(tx.objectStore(META).delete(key)));

  let knownDeviceId = null;

  // Made once per install with crypto.randomUUID(), kept in IndexedDB.
  async function deviceId() {
    if (knownDeviceId) return knownDeviceId;
    knownDeviceId = await transact(META, "readwrite", async (tx) => {
      const store = tx.objectStore(META);
      let id = await req(store.get("device_id"));
      if (!id) {
        id = global.crypto.randomUUID();
        store.put(id, "device_id");
      }
      return id;
    });
    return knownDeviceId;
  }

  /* ------------------------------------------------------------ times, money */

  function pad(number, width = 2) { return String(number).padStart(width, "0"); }

  // 2026-11-20T09:15:02+07:00: the device's clock with its offset.
  function isoWithOffset(date = new Date()) {
    const offset = -date.getTimezoneOffset();
    const sign = offset >= 0 ? "+" : "-";
    const abs = Math.abs(offset);
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
      `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
      `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
  }

  const MONEY_MESSAGES = {
    empty: ["กรุณากรอกจำนวนเงิน", "Please enter an amount"],
    not_a_number: ["กรุณากรอกจำนวนเงินเป็นตัวเลข เช่น 1,234.50",
      "Please enter the amount as a number, e.g. 1,234.50"],
    too_many_decimals: ["จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง",
      "An amount may have at most 2 decimal places"],
    bad_commas: ["ใส่เครื่องหมายจุลภาค (,) คั่นทุกสามหลักเท่านั้น เช่น 1,234,567.50",
      "Commas may only separate groups of three digits, e.g. 1,234,567.50"],
    negative: ["จำนวนเงินต้องไม่ติดลบ", "The amount cannot be negative"],
    zero: ["จำนวนเงินต้องไม่เป็นศูนย์", "The amount cannot be zero"],
    too_large: ["จำนวนเงินต้องไม่เกิน ฿10,000,000,000.00",
      "The amount cannot be more than ฿10,000,000,000.00"],
  };

  class MoneyError extends Error {
    constructor(code) {
      super(MONEY_MESSAGES[code][1]);
      this.code = code;
      this.messageTh = MONEY_MESSAGES[code][0];
      this.messageEn = MONEY_MESSAGES[code][1];
    }
    text(lang) { return lang === "en" ? this.messageEn : this.messageTh; }
  }

  const THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙";
  const MINUS = ["-", "\u2212"];

  /* An amount a person typed, in satang: core/money.parse_baht's rules. "1,234.50", "1234.5",
     ".5", Thai digits, "฿1,234.50", "1,234.50 บาท"; anything ambiguous is refused. */
  function parseBaht(text, { allowZero = false, allowNegative = false } = {}) {
    let body = String(text).replace(/[๐-๙]/g, (digit) => String(THAI_DIGITS.indexOf(digit))).trim();
    if (!body) throw new MoneyError("empty");
    let negative = false;
    if (MINUS.includes(body[0])) {
      negative = true;
      body = body.slice(1).trimStart();
    } else if (body[0] === "+") {
      body = body.slice(1).trimStart();
    }
    if (body.startsWith("฿")) {
      body = body.slice(1).trimStart();
      if (!negative && MINUS.includes(body[0])) {
        negative = true;
        body = body.slice(1).trimStart();
      }
    }
    if (body.endsWith("บาท")) body = body.slice(0, -3).trimEnd();
    const match = /^([0-9,]*)(?:\.([0-9]*))?$/.exec(body);
    if (!match || !/[0-9]/.test(body)) throw new MoneyError("not_a_number");
    let whole = match[1];
    const fraction = match[2] || "";
    if (whole.includes(",")) {
      if (!/^[1-9][0-9]{0,2}(?:,[0-9]{3})+$/.test(whole)) throw new MoneyError("bad_commas");
      whole = whole.replace(/,/g, "");
    }
    if (fraction.length > 2) throw new MoneyError("too_many_decimals");
    whole = whole.replace(/^0+/, "");
    if (whole.length > String(MAX_SATANG / 100).length) throw new MoneyError("too_large");
    const satang = Number(whole || "0") * 100 + Number(fraction.padEnd(2, "0"));
    if (satang > MAX_SATANG) throw new MoneyError("too_large");
    if (negative && !allowNegative) throw new MoneyError("negative");
    if (satang === 0 && !allowZero) throw new MoneyError("zero");
    return negative ? -satang : satang;
  }

  // 123450 -> "฿1,234.50", as core.money.format_baht.
  function formatBaht(satang) {
    const abs = Math.abs(satang);
    const baht = Math.floor(abs / 100);
    const rest = abs % 100;
    const grouped = String(baht).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${satang < 0 ? "-" : ""}฿${grouped}.${pad(rest)}`;
  }

  /* ------------------------------------------------------------------ the outbox */

  function online() {
    return !(global.navigator && global.navigator.onLine === false);
  }

  // What the server gets: the op without what only this phone needs (labels for the screen).
  function wire(op) {
    const { local, ...sent } = op; // eslint-disable-line no-unused-vars
    return sent;
  }

  /* Record an entry: op_id made now with crypto.randomUUID(), the next device_seq and the
     device's time, written to IndexedDB before anything is sent. entry: {group_id, type,
     business_date, payload, base_version?, local?}. Resolves with the stored op. */
  async function add(entry) {
    await deviceId();
    const now = new Date();
    const op = {
      op_id: global.crypto.randomUUID(),
      device_seq: 0,
      group_id: entry.group_id,
      type: entry.type,
      business_date: entry.business_date,
      recorded_at: isoWithOffset(now),
      payload: entry.payload,
      base_version: entry.base_version === undefined ? null : entry.base_version,
      local: Object.assign({ queued_at: now.getTime() }, entry.local || {}),
    };
    await transact([OUTBOX, META], "readwrite", async (tx) => {
      const meta = tx.objectStore(META);
      const next = (await req(meta.get("next_seq"))) || 1;
      op.device_seq = next;
      meta.put(next + 1, "next_seq");
      tx.objectStore(OUTBOX).add(op);
    });
    emit({ type: "changed" });
    return op;
  }

  const count = () => transact(OUTBOX, "readonly", (tx) => req(tx.objectStore(OUTBOX).count()));

  // The waiting ops in the order they were recorded.
  const waiting = (limit) => transact(OUTBOX, "readonly",
    (tx) => req(tx.objectStore(OUTBOX).index("device_seq").getAll(null, limit)));

  // Everything the header shows, read in one transaction.
  function snapshot() {
    return transact([OUTBOX, META, RESULTS], "readonly", async (tx) => {
      const meta = tx.objectStore(META);
      const ops = await req(tx.objectStore(OUTBOX).index("device_seq").getAll());
      const results = await req(tx.objectStore(RESULTS).getAll());
      const signin = await req(meta.get("signin_needed"));
      const problem = await req(meta.get("problem"));
      let oldest = null;
      for (const op of ops) {
        const at = recordedTime(op);
        if (at !== null && (oldest === null || at < oldest)) oldest = at;
      }
      results.sort((a, b) => (a.at || 0) - (b.at || 0));
      return { ops, results, oldest, old: oldest !== null && Date.now() - oldest > OLD_MS,
        signinNeeded: Boolean(signin), problem: problem || null };
    });
  }

  function recordedTime(op) {
    const parsed = Date.parse(op.recorded_at);
    if (!Number.isNaN(parsed)) return parsed;
    return op.local && op.local.queued_at ? op.local.queued_at : null;
  }

  /* A final answer for each op of a batch, in one transaction: accepted and duplicate leave;
     needs_review leaves and is kept in results with its reason; rejected moves to results;
     retry_later (or no answer) stays. */
  async function settle(ops, results) {
    const byId = new Map();
    results.forEach((result, index) => {
      if (result && typeof result.op_id === "string" && result.op_id) byId.set(result.op_id, result);
      else if (result && ops[index]) byId.set(ops[index].op_id, result);
    });
    const outcome = { settled: 0, kept: 0, accepted: 0, duplicate: 0, needs_review: 0, rejected: 0,
      settledIds: [] };
    await transact([OUTBOX, RESULTS], "readwrite", async (tx) => {
      const outbox = tx.objectStore(OUTBOX);
      const kept = tx.objectStore(RESULTS);
      for (const op of ops) {
        const result = byId.get(op.op_id);
        const status = result && result.status;
        if (status === "accepted" || status === "duplicate" || status === "needs_review" ||
            status === "rejected") {
          if (!(await req(outbox.get(op.op_id)))) continue; // settled already (a pull, a page)
          outbox.delete(op.op_id);
          if (status === "needs_review" || status === "rejected") {
            kept.put({ op_id: op.op_id, status, reason: result.reason || "",
              message: result.message || "", op, at: Date.now() });
          }
          outcome[status] += 1;
          outcome.settled += 1;
          outcome.settledIds.push(op.op_id);
        } else {
          outcome.kept += 1;
        }
      }
    });
    return outcome;
  }

  function withLock(fn, options) {
    const locks = global.navigator && global.navigator.locks;
    if (locks && typeof locks.request === "function") {
      return options ? locks.request(LOCK, options, fn) : locks.request(LOCK, fn);
    }
    return fn(true);
  }

  async function post(url, body, token) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      return await fetch(url, {
        method: "POST", credentials: "same-origin", cache: "no-store", signal: controller.signal,
        headers: { "Content-Type": "application/json", "X-CSRFToken": token || "" },
        body: JSON.stringify(body),
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async function freshToken() {
    try {
      const response = await fetch(TOKEN_URL, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return null;
      const token = (await response.json()).csrf_token;
      if (token) await setMeta("csrf_token", token);
      return token || null;
    } catch (error) {
      return null;
    }
  }

  let flushing = null;
  let flushAgain = false;
  let retryTimer = null;
  let retryAttempt = 0;

  /* Send what waits, batch by batch. Only one flush at a time: calls in this context share the
     running one (and run once more after it when asked meanwhile); other pages and the worker
     wait for the Web Lock. Resolves with a summary: {ok, sent, accepted, duplicate,
     needs_review, rejected, error: null | "offline" | "network" | "server" | "later" | "auth" |
     "refused", message}. */
  function flush(options = {}) {
    if (flushing) {
      flushAgain = true;
      return flushing;
    }
    flushing = (async () => {
      let summary;
      do {
        flushAgain = false;
        summary = await withLock(() => flushLocked(options));
      } while (flushAgain && summary.ok);
      return summary;
    })().finally(() => { flushing = null; });
    return flushing;
  }

  async function flushLocked(options) {
    const summary = { ok: true, sent: 0, accepted: 0, duplicate: 0, needs_review: 0, rejected: 0,
      error: null, message: "", from: options.from || "" };
    let total = await count();
    if (!total) return summary;
    if (!online()) {
      return Object.assign(summary, { ok: false, error: "offline" });
    }
    const device = await deviceId();
    let token = await getMeta("csrf_token");
    let tokenRenewed = false;
    let done = 0;
    emit({ type: "progress", done, total });
    try {
      for (;;) {
        const batch = await waiting(BATCH);
        if (!batch.length) break;
        let response;
        try {
          response = await post(PUSH_URL, { device_id: device, device_now: isoWithOffset(),
            ops: batch.map(wire) }, token);
        } catch (error) {
          return Object.assign(summary, { ok: false, error: "network" });
        }
        if (response.status === 401) {
          await setMeta("signin_needed", Date.now());
          return Object.assign(summary, { ok: false, error: "auth" });
        }
        let body = null;
        try { body = await response.json(); } catch (error) { body = null; }
        const problem = body && body.error ? body.error : null;
        if (response.status === 400 && problem && problem.code === "csrf" && !tokenRenewed) {
          tokenRenewed = true;
          token = await freshToken();
          if (token) continue;
        }
        if (!response.ok || !body || !Array.isArray(body.results)) {
          if (response.status >= 500 || response.status === 429 || !problem) {
            return Object.assign(summary, { ok: false, error: "server" });
          }
          // The server refused the whole batch (another person's device, ...): keep it all.
          await setMeta("problem", { code: problem.code || "", message: problem.message || "",
            status: response.status, at: Date.now() });
          return Object.assign(summary, { ok: false, error: "refused", message: problem.message || "" });
        }
        await deleteMeta("signin_needed");
        await deleteMeta("problem");
        const outcome = await settle(batch, body.results);
        for (const key of ["accepted", "duplicate", "needs_review", "rejected"]) summary[key] += outcome[key];
        summary.sent += outcome.settled;
        done += outcome.settled;
        total = done + (await count());
        emit({ type: "progress", done, total });
        if (outcome.kept) {
          return Object.assign(summary, { ok: false, error: "later" });
        }
      }
      return summary;
    } finally {
      emit({ type: "flushed", summary });
    }
  }

  // After a failed flush in a page: try again later, sooner while the failures are few.
  function scheduleRetry(summary) {
    if (inWorker) return;
    if (summary.ok) {
      retryAttempt = 0;
      return;
    }
    if (!["network", "server", "later"].includes(summary.error) || !online()) return;
    clearTimeout(retryTimer);
    const delay = Math.min(300000, 5000 * 2 ** retryAttempt);
    retryAttempt = Math.min(retryAttempt + 1, 10);
    retryTimer = setTimeout(() => { flush({ from: "retry" }).then(scheduleRetry, () => {}); }, delay);
  }

  function flushAndRetry(options) {
    return flush(options).then((summary) => { scheduleRetry(summary); return summary; });
  }

  /* After an entry: Background Sync where the browser has it (it also waits for the signal),
     a flush now otherwise. */
  async function requestFlush() {
    if (!inWorker && global.navigator && "serviceWorker" in global.navigator &&
        global.navigator.serviceWorker.controller) {
      try {
        const registration = await global.navigator.serviceWorker.ready;
        if (registration.sync) {
          await registration.sync.register(SYNC_TAG);
          return null;
        }
      } catch (error) { /* no Background Sync here: flush now */ }
    }
    if (online()) return flushAndRetry({ from: "entry" });
    return null;
  }

  /* Take a waiting op back before it is sent (a wrong tap). Never while a flush may be sending
     it: "busy" then; "gone" when it was sent already. */
  function cancel(opId) {
    if (flushing) return Promise.resolve("busy");
    return withLock(async (lock) => {
      if (!lock) return "busy";
      const removed = await transact(OUTBOX, "readwrite", async (tx) => {
        const store = tx.objectStore(OUTBOX);
        if (!(await req(store.get(opId)))) return false;
        store.delete(opId);
        return true;
      });
      if (removed) emit({ type: "changed" });
      return removed ? "cancelled" : "gone";
    }, { ifAvailable: true });
  }

  async function dismiss(opId) {
    await transact(RESULTS, "readwrite", (tx) => req(tx.objectStore(RESULTS).delete(opId)));
    emit({ type: "changed" });
  }

  async function setToken(token) {
    if (!token) return;
    if ((await getMeta("csrf_token")) !== token) await setMeta("csrf_token", token);
  }

  /* ------------------------------------------- the pages for the next meeting */

  let refreshing = null;
  let refreshLater = null;

  /* Store again the pages a treasurer needs without a signal, for the groups this phone works
     in (any of whose pages is stored): the summary, the open meeting, the meeting list, the
     member list, each member's page (all at first, then those the pull says changed) and the
     entry forms. The pull also settles ops whose push answer was lost. */
  async function refreshPages({ force = false } = {}) {
    if (refreshing) return refreshing;
    if (!force) {
      const last = (await getMeta("refreshed_at").catch(() => 0)) || 0;
      const wait = last + REFRESH_GAP_MS - Date.now();
      if (wait > 0) { // a meeting syncs after every tap: store the pages once it calms down
        if (!inWorker && !refreshLater) {
          refreshLater = setTimeout(() => { refreshLater = null; refreshPages().catch(() => {}); }, wait);
        }
        return { pages: 0, error: null, skipped: true };
      }
    }
    if (!refreshing) refreshing = refreshPagesNow().finally(() => { refreshing = null; });
    return refreshing;
  }

  async function refreshPagesNow() {
    const summary = { pages: 0, error: null };
    if (!online() || typeof caches === "undefined") return Object.assign(summary, { error: "offline" });
    const device = await deviceId();
    const cursor = (await getMeta("cursor")) || 0;
    let data;
    try {
      const response = await fetch(`${PULL_URL}?cursor=${cursor}&device_id=${encodeURIComponent(device)}`,
        { credentials: "same-origin", cache: "no-store" });
      if (response.status === 401) {
        await setMeta("signin_needed", Date.now());
        emit({ type: "changed" });
        return Object.assign(summary, { error: "auth" });
      }
      if (!response.ok) return Object.assign(summary, { error: "server" });
      data = await response.json();
    } catch (error) {
      return Object.assign(summary, { error: "network" });
    }
    if (Array.isArray(data.op_results) && data.op_results.length) {
      const ids = new Set(data.op_results.map((result) => result.op_id));
      await withLock(async () => {
        const ops = (await waiting()).filter((op) => ids.has(op.op_id));
        if (ops.length) {
          await settle(ops, data.op_results);
          emit({ type: "changed" });
        }
      });
    }
    const full = cursor === 0 || data.full === true;
    const directory = full ? { members: {} } : ((await getMeta("directory")) || { members: {} });
    for (const member of data.members || []) {
      directory.members[member.id] = { group_id: member.group_id, member_no: member.member_no,
        name: member.name, status: member.status };
    }
    const cache = await caches.open(PAGES_CACHE);
    const stored = (await cache.keys()).map((request) => new URL(request.url).pathname);
    const groups = (data.groups || []).map((group) => group.id)
      .filter((id) => stored.some((path) => path === `/groups/${id}` || path.startsWith(`/groups/${id}/`)));
    const touched = new Set((data.members || []).map((member) => member.id));
    const urls = [];
    for (const group of groups) {
      const base = `/groups/${group}`;
      urls.push(base, `${base}/members`, `${base}/meetings`);
      for (const type of GROUP_TYPES) urls.push(`${base}/entries/new?type=${type}`);
      const members = Object.entries(directory.members)
        .filter(([, member]) => member.group_id === group && member.status === "active")
        .sort((a, b) => a[1].member_no - b[1].member_no);
      for (const [id] of members) {
        if (full || touched.has(id) || !stored.includes(`${base}/members/${id}`)) {
          urls.push(`${base}/members/${id}`);
        }
      }
      if (members.length) { // one form per kind; the worker shows it for any member (stand-in)
        for (const type of MEMBER_TYPES) urls.push(`${base}/entries/new?type=${type}&member=${members[0][0]}`);
      }
    }
    const fetched = await storePages(cache, urls);
    summary.pages = fetched.count;
    if (fetched.expired) return Object.assign(summary, { error: "auth" });
    // The open meetings: marked open on each group's meeting list.
    const meetings = new Set();
    const OPEN = /href="(\/groups\/[0-9a-f-]{36}\/meetings\/[0-9a-f-]{36})"[^<]*<\/a>\s*<span class="badge open"/g;
    for (const html of fetched.lists) {
      for (const match of html.matchAll(OPEN)) meetings.add(match[1]);
    }
    summary.pages += (await storePages(cache, [...meetings])).count;
    await setMeta("directory", directory);
    await setMeta("cursor", data.cursor);
    await setMeta("refreshed_at", Date.now());
    emit({ type: "refreshed", pages: summary.pages });
    return summary;
  }

  async function storePages(cache, urls) {
    const answer = { count: 0, expired: false, lists: [] };
    const queue = [...new Set(urls)];
    const worker = async () => {
      while (queue.length && !answer.expired && online()) {
        const url = queue.shift();
        let response;
        try {
          response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        } catch (error) {
          return;
        }
        if (response.redirected && new URL(response.url).pathname === "/login") {
          answer.expired = true;
          return;
        }
        const type = response.headers.get("Content-Type") || "";
        if (!response.ok || response.redirected || !type.includes("text/html")) continue;
        if (/^\/groups\/[0-9a-f-]{36}\/meetings$/.test(url)) answer.lists.push(await response.clone().text());
        await cache.put(url, response);
        answer.count += 1;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return answer;
  }

  const directory = () => getMeta("directory");

  global.SajjaOutbox = {
    SYNC_TAG, PAGES_CACHE, OLD_MS, CONTEXT, MEMBER_TYPES, GROUP_TYPES, inWorker,
    add, count, waiting, snapshot, flush, flushAndRetry, requestFlush, cancel, dismiss, settle,
    refreshPages, deviceId, setToken, getMeta, setMeta, deleteMeta, directory, on, emit,
    parseBaht, formatBaht, isoWithOffset, MoneyError, online,
  };
})(self);
