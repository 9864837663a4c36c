/* The page side of Sajja: htmx's CSRF header, printing, and the offline client (DESIGN.md,
   "The offline client"): the service worker, the outbox in the header, and the entry forms that
   go through the outbox when the app is installed or there is no signal. Online in a browser
   tab, forms work exactly as without JavaScript (htmx or a plain post). Plain ES2020. */
"use strict";

// Every htmx request carries the CSRF token from the page's meta tag.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
});

// A button marked data-print prints the page (receipts, passbooks, the books).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

(() => {
  const Outbox = window.SajjaOutbox;
  if (!Outbox || !("indexedDB" in window) || !window.crypto || !crypto.randomUUID) return;

  const lang = document.documentElement.lang === "en" ? "en" : "th";
  const TEXT = {
    th: {
      waiting: (n, age) => `รอซิงก์ ${n} รายการ · ${age}`,
      allSynced: "ซิงก์ครบแล้ว",
      offline: "ออฟไลน์",
      syncing: (done, total) => `กำลังซิงก์ ${done}/${total}`,
      justNow: "เมื่อสักครู่",
      minutes: (m) => `${m} นาที`,
      hours: (h) => `${h} ชม.`,
      days: (d) => `${d} วัน`,
      pending: "รอซิงก์",
      cancel: "ยกเลิกรายการนี้",
      busy: "กำลังซิงก์อยู่ ลองอีกครั้งในอีกสักครู่",
      gone: "รายการนี้ส่งไปแล้ว",
      review: "รอตรวจสอบ",
      rejected: "ไม่ผ่าน",
      results: (rejected, review) => [rejected ? `ไม่ผ่าน ${rejected} รายการ` : "",
        review ? `รอตรวจสอบ ${review} รายการ` : ""].filter(Boolean).join(" · "),
      dismiss: "รับทราบ",
      saved: (what) => `บันทึกไว้ในเครื่องแล้ว: ${what} — จะส่งเมื่อมีสัญญาณ`,
      needsSignal: "ต้องมีสัญญาณจึงจะส่งแบบฟอร์มนี้ได้ รายการรับเงินบันทึกได้ที่หน้าวันออม",
      typeAmount: "กรุณากรอกจำนวนเงินก่อน",
      retrying: "ส่งไม่สำเร็จ จะลองใหม่อัตโนมัติ",
      offlineWait: "ยังไม่มีสัญญาณ จะส่งเมื่อกลับมาออนไลน์",
      shares: "กรอกจำนวนหุ้นเป็นจำนวนเต็ม ตั้งแต่ 1 ขึ้นไป",
      category: "กรุณาเลือกหมวด",
      date: "วันที่ไม่ถูกต้อง",
      noMember: "ยังไม่มีข้อมูลสมาชิกคนนี้ในเครื่อง ต้องมีสัญญาณจึงจะบันทึกได้",
      refused: (message) => `เซิร์ฟเวอร์ไม่รับ: ${message}`,
      notStored: "บันทึกลงเครื่องไม่ได้ (พื้นที่เก็บข้อมูลของเบราว์เซอร์ใช้ไม่ได้) ยังไม่ได้บันทึกรายการนี้",
    },
    en: {
      waiting: (n, age) => `${n} waiting to sync · ${age}`,
      allSynced: "All synced",
      offline: "Offline",
      syncing: (done, total) => `Syncing ${done}/${total}`,
      justNow: "just now",
      minutes: (m) => `${m} min`,
      hours: (h) => `${h} h`,
      days: (d) => `${d} d`,
      pending: "waiting to sync",
      cancel: "Cancel this entry",
      busy: "A sync is running; try again in a moment",
      gone: "This entry was sent already",
      review: "Needs review",
      rejected: "Not accepted",
      results: (rejected, review) => [rejected ? `${rejected} not accepted` : "",
        review ? `${review} need review` : ""].filter(Boolean).join(" · "),
      dismiss: "Dismiss",
      saved: (what) => `Saved on this phone: ${what} — it is sent when there is a signal`,
      needsSignal: "This form needs a signal. Money received can be recorded on the savings day screen.",
      typeAmount: "Type the amount first.",
      retrying: "Could not send; trying again by itself",
      offlineWait: "No signal yet; sent when back online",
      shares: "Type a whole number of shares, 1 or more.",
      category: "Choose a category.",
      date: "Not a valid date",
      noMember: "This member is not stored on this phone yet; a signal is needed to record.",
      refused: (message) => `The server refused: ${message}`,
      notStored: "Could not save on this phone (the browser's storage is not available); this entry is not recorded.",
    },
  }[lang];

  const bar = document.getElementById("syncbar");
  const signedIn = bar ? bar.dataset.signedIn === "1" : false;
  const records = bar ? bar.dataset.records === "1" : false; // a treasurer, committee, staff
  let kinds = {};
  try { kinds = JSON.parse(bar ? bar.dataset.kinds : "{}"); } catch (error) { kinds = {}; }
  const kindName = (type) => kinds[type] || type;
  const installed = () => window.matchMedia("(display-mode: standalone)").matches ||
    navigator.standalone === true;
  let networkFailed = false; // a request of this page failed for want of a network
  let networkDownAt = 0; // the worker served a stored page because the network failed

  // Entries go through the outbox when the app is installed or there is no signal.
  const viaOutbox = () => installed() || !navigator.onLine || networkFailed ||
    Date.now() - networkDownAt < 5 * 60 * 1000;

  function ago(time) {
    const minutes = Math.floor((Date.now() - time) / 60000);
    if (minutes < 1) return TEXT.justNow;
    if (minutes < 60) return TEXT.minutes(minutes);
    if (minutes < 48 * 60) return TEXT.hours(Math.floor(minutes / 60));
    return TEXT.days(Math.floor(minutes / (24 * 60)));
  }

  function make(tag, className, text) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  function describe(op) {
    const amount = op.payload && Number.isInteger(op.payload.amount_satang)
      ? ` ${Outbox.formatBaht(op.payload.amount_satang)}` : "";
    const shares = op.payload && op.payload.shares ? ` ${op.payload.shares}` : "";
    const who = op.local && op.local.label ? ` · ${op.local.label}` : "";
    return `${kindName(op.type)}${amount}${shares}${who}`;
  }

  /* ------------------------------------------------------------- the header */

  let progress = null;

  // Renders follow one another, so an older reading never overwrites a newer one.
  let rendering = null;
  let renderAgain = false;
  function renderStatus() {
    if (rendering) {
      renderAgain = true;
      return rendering;
    }
    rendering = (async () => {
      do {
        renderAgain = false;
        await renderOnce();
      } while (renderAgain);
    })().finally(() => { rendering = null; });
    return rendering;
  }

  async function renderOnce() {
    if (!bar) return;
    let snap;
    try { snap = await Outbox.snapshot(); } catch (error) { return; }
    const count = snap.ops.length;
    const state = bar.querySelector(".sync-state");
    let text = count ? TEXT.waiting(count, ago(snap.oldest)) : TEXT.allSynced;
    if (progress && progress.total && progress.done < progress.total) {
      text = TEXT.syncing(progress.done, progress.total);
    }
    state.textContent = text;
    const button = bar.querySelector(".sync-now");
    if (!button.dataset.label) button.dataset.label = button.textContent;
    button.textContent = navigator.onLine ? button.dataset.label : TEXT.offline;
    button.classList.toggle("offline", !navigator.onLine);
    bar.classList.toggle("has-waiting", count > 0);
    bar.classList.toggle("is-offline", !navigator.onLine);
    const list = bar.querySelector(".sync-waiting .sync-list");
    list.replaceChildren(...snap.ops.map((op) => {
      const item = make("li");
      item.append(make("span", "what", `${describe(op)} · ${ago(Date.parse(op.recorded_at))}`));
      const cancel = make("button", "x", "✕");
      cancel.type = "button";
      cancel.dataset.cancelOp = op.op_id;
      cancel.title = TEXT.cancel;
      cancel.setAttribute("aria-label", TEXT.cancel);
      item.append(cancel);
      return item;
    }));
    bar.querySelector(".sync-waiting").classList.toggle("empty", count === 0);
    bar.querySelector(".sync-old").hidden = !snap.old;
    const signin = bar.querySelector(".sync-signin");
    signin.hidden = !snap.signinNeeded;
    const link = signin.querySelector("a");
    const login = bar.dataset.login || "/login";
    link.hidden = location.pathname === login;
    link.href = `${login}?next=${encodeURIComponent(location.pathname + location.search)}`;
    const problem = bar.querySelector(".sync-problem");
    problem.hidden = !snap.problem;
    problem.textContent = snap.problem ? TEXT.refused(snap.problem.message || snap.problem.code) : "";
    renderResults(snap.results);
    bar.hidden = !(records || count || snap.results.length || snap.signinNeeded);
    renderProgress();
  }

  function renderResults(results) {
    const box = bar.querySelector(".sync-results");
    box.hidden = results.length === 0;
    const rejected = results.filter((r) => r.status === "rejected").length;
    box.classList.toggle("has-rejected", rejected > 0);
    box.querySelector("summary").textContent = TEXT.results(rejected, results.length - rejected);
    box.querySelector(".sync-list").replaceChildren(...results.map((result) => {
      const item = make("li", `result ${result.status}`);
      const what = make("span", "what");
      what.append(make("strong", "", result.status === "rejected" ? TEXT.rejected : TEXT.review), " ",
        describe(result.op), make("span", "reason", result.message || result.reason));
      const dismiss = make("button", "dismiss", TEXT.dismiss);
      dismiss.type = "button";
      dismiss.dataset.dismissOp = result.op_id;
      item.append(what, dismiss);
      return item;
    }));
  }

  function renderProgress() {
    const meter = bar && bar.querySelector(".sync-progress");
    if (!meter) return;
    const running = progress && progress.total > 0 && progress.done < progress.total;
    meter.hidden = !running;
    if (running) {
      meter.max = progress.total;
      meter.value = progress.done;
    }
  }

  // The totals on the meeting screen stay just below the header, however tall it grows.
  const top = document.getElementById("top");
  if (top && "ResizeObserver" in window) {
    new ResizeObserver(() => {
      document.documentElement.style.setProperty("--top-height", `${top.offsetHeight}px`);
    }).observe(top);
  }

  /* --------------------------------------------------------------- flushing */

  function flush(from) {
    return Outbox.flushAndRetry({ from }).then((summary) => {
      if (summary.ok) networkFailed = false;
      else if (summary.error === "network") networkFailed = true;
      return summary;
    }, () => null);
  }

  Outbox.on((event) => {
    if (event.type === "progress") {
      progress = { done: event.done, total: event.total };
      renderStatus();
    } else if (event.type === "flushed") {
      progress = null;
      renderStatus();
      if (event.summary && event.summary.sent) afterSync(event.source === Outbox.CONTEXT);
    } else if (event.type === "changed" || event.type === "refreshed") {
      renderStatus();
    }
  });

  let syncedRefresh = null;
  let sentHere = false;
  function afterSync(here) {
    // The rows recorded here, as the server now has them; then (when this page sent them; the
    // worker does it for what it sent) the pages for the next meeting.
    sentHere = sentHere || here;
    clearTimeout(syncedRefresh);
    syncedRefresh = setTimeout(() => {
      const pages = sentHere;
      sentHere = false;
      refreshSheet().finally(() => { if (pages) Outbox.refreshPages().catch(() => {}); });
    }, 1000);
  }

  if (bar) {
    bar.addEventListener("click", async (event) => {
      const target = event.target;
      if (target.closest(".sync-now")) {
        const button = target.closest(".sync-now");
        button.disabled = true;
        try {
          if (!navigator.onLine) {
            flashState(TEXT.offlineWait);
          } else {
            const summary = await flush("sync-now");
            if (summary && !summary.ok && ["network", "server", "later"].includes(summary.error)) {
              flashState(TEXT.retrying);
            }
            if (summary && summary.ok) await Outbox.refreshPages({ force: true }).catch(() => {});
          }
        } finally {
          button.disabled = false;
        }
      } else if (target.dataset.cancelOp) {
        const outcome = await Outbox.cancel(target.dataset.cancelOp);
        if (outcome === "cancelled") removePending(target.dataset.cancelOp);
        else flashState(outcome === "busy" ? TEXT.busy : TEXT.gone);
      } else if (target.dataset.dismissOp) {
        await Outbox.dismiss(target.dataset.dismissOp);
      }
    });
  }

  function flashState(message) {
    const state = bar && bar.querySelector(".sync-state");
    if (!state) return;
    state.textContent = message;
    setTimeout(renderStatus, 4000);
  }

  window.addEventListener("online", () => { networkFailed = false; renderStatus(); flush("online"); });
  window.addEventListener("offline", renderStatus);
  window.addEventListener("pageshow", (event) => { if (event.persisted) renderStatus(); });
  setInterval(renderStatus, 30000);

  /* -------------------------------------------------------------- the worker */

  async function startWorker() {
    if (!("serviceWorker" in navigator)) return;
    const hadController = Boolean(navigator.serviceWorker.controller);
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      // This page was shown before the worker took over: store it now, as a visit would.
      if (!hadController) storeThisPage();
    }, { once: true });
    try {
      await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    } catch (error) { /* no worker: the page still works online */ }
  }

  async function storeThisPage() {
    if (!navigator.onLine || !signedIn || !("caches" in window)) return;
    try {
      const response = await fetch(location.pathname + location.search,
        { credentials: "same-origin", cache: "no-store" });
      const type = response.headers.get("Content-Type") || "";
      if (response.ok && !response.redirected && type.includes("text/html")) {
        await (await caches.open(Outbox.PAGES_CACHE)).put(location.pathname + location.search, response);
      }
    } catch (error) { /* a later visit stores it */ }
  }

  // The stored copy of this page follows what htmx changed on it (a few seconds after).
  let restoreTimer = null;
  function storeThisPageSoon() {
    clearTimeout(restoreTimer);
    restoreTimer = setTimeout(storeThisPage, 3000);
  }
  document.addEventListener("htmx:afterRequest", (event) => {
    const config = event.detail.requestConfig || {};
    if (event.detail.successful && config.verb && config.verb !== "get") storeThisPageSoon();
  });

  async function askPersistence() {
    try {
      if (navigator.storage && navigator.storage.persist && !(await navigator.storage.persisted())) {
        await navigator.storage.persist();
      }
    } catch (error) { /* the browser decides */ }
  }

  // Signing out on a shared phone: the stored pages and member list go; the outbox stays (it
  // is money, sent when someone signs in again).
  document.addEventListener("submit", (event) => {
    if (!event.target.matches("form[data-sign-out]")) return;
    if ("caches" in window) caches.delete(Outbox.PAGES_CACHE);
    for (const key of ["directory", "cursor", "home", "refreshed_at"]) Outbox.deleteMeta(key).catch(() => {});
  });

  /* ---------------------------------------------------- entries into the outbox */

  function showRowError(row, message) {
    let error = row.querySelector(":scope > p.error");
    if (!message) {
      if (error) error.remove();
      return;
    }
    if (!error) {
      error = make("p", "error");
      error.setAttribute("role", "alert");
      row.append(error);
    }
    error.textContent = message;
  }

  function amountFrom(input, fallback) {
    const typed = input ? input.value.trim() : "";
    if (!typed) {
      if (fallback > 0) return fallback;
      throw new Error(TEXT.typeAmount);
    }
    try {
      return Outbox.parseBaht(typed);
    } catch (error) {
      throw new Error(error instanceof Outbox.MoneyError ? error.text(lang) : String(error));
    }
  }

  // A tap on the meeting screen, written to the outbox and shown as waiting in its row.
  async function queueTap(form, button) {
    const sheet = form.closest("[data-meeting]");
    const row = form.closest(".mrow");
    if (!sheet || !row || !button) return;
    const [type, loanId] = button.value.split(":");
    let amount;
    try {
      amount = amountFrom(form.elements.amount, Number(button.dataset.amount || 0));
    } catch (error) {
      showRowError(row, error.message);
      return;
    }
    const memberId = form.dataset.member;
    const payload = type === "loan.repay"
      ? { loan_id: loanId, amount_satang: amount, meeting_id: sheet.dataset.meeting }
      : { member_id: memberId, amount_satang: amount, meeting_id: sheet.dataset.meeting };
    const buttons = [...form.querySelectorAll("button")];
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const who = row.querySelector(".who");
      let op;
      try {
        op = await Outbox.add({
          group_id: sheet.dataset.group, type, business_date: sheet.dataset.date, payload,
          local: { meeting_id: sheet.dataset.meeting, member_id: memberId,
            label: who ? who.textContent.replace(/\s+/g, " ").trim() : "" },
        });
      } catch (error) {
        showRowError(row, TEXT.notStored);
        return null;
      }
      if (form.elements.amount) form.elements.amount.value = "";
      showRowError(row, "");
      await showPending();
      Outbox.requestFlush().catch(() => {});
      askPersistence();
      return op;
    } finally {
      setTimeout(() => buttons.forEach((b) => { b.disabled = false; }), 600); // no double taps
    }
  }

  // The waiting entries of this meeting in their rows, and in the totals.
  async function showPending() {
    const sheet = document.querySelector("[data-meeting]");
    if (!sheet) return;
    let ops;
    try { ops = await Outbox.waiting(); } catch (error) { return; }
    ops = ops.filter((op) => op.local && op.local.meeting_id === sheet.dataset.meeting);
    const ids = new Set(ops.map((op) => op.op_id));
    sheet.querySelectorAll(".chip.pending").forEach((chip) => {
      if (!ids.has(chip.dataset.opId)) chip.remove();
    });
    for (const op of ops) {
      const row = document.getElementById(`m-${op.local.member_id}`);
      if (!row || row.querySelector(`.chip[data-op-id="${op.op_id}"]`)) continue;
      let chips = row.querySelector(".chips");
      if (!chips) {
        chips = make("ul", "chips");
        row.querySelector(".who").after(chips);
      }
      const chip = make("li", "chip pending");
      chip.dataset.opId = op.op_id;
      chip.append(`${kindName(op.type)} ${Outbox.formatBaht(op.payload.amount_satang)} `,
        make("span", "tag pending", TEXT.pending));
      const cancel = make("button", "x", "✕");
      cancel.type = "button";
      cancel.dataset.cancelOp = op.op_id;
      cancel.title = TEXT.cancel;
      cancel.setAttribute("aria-label", TEXT.cancel);
      chip.append(cancel);
      chips.append(chip);
      row.classList.add("has-entries");
    }
    showPendingTotals(ops);
  }

  function showPendingTotals(ops) {
    const sums = { cash_in: 0 };
    for (const op of ops) {
      sums[op.type] = (sums[op.type] || 0) + op.payload.amount_satang;
      sums.cash_in += op.payload.amount_satang;
    }
    const figures = [...document.querySelectorAll("#totals [data-total]")];
    const expected = document.getElementById("expected-cash");
    if (expected) {
      expected.dataset.total = "cash_in";
      figures.push(expected);
    }
    for (const figure of figures) {
      if (figure.dataset.base === undefined) {
        try {
          figure.dataset.base = String(Outbox.parseBaht(figure.textContent, { allowZero: true, allowNegative: true }));
        } catch (error) { continue; }
      }
      const extra = sums[figure.dataset.total] || 0;
      figure.textContent = Outbox.formatBaht(Number(figure.dataset.base) + extra);
      figure.classList.toggle("has-pending", extra > 0);
    }
  }

  function removePending(opId) {
    document.querySelectorAll(`.chip.pending[data-op-id="${opId}"]`).forEach((chip) => chip.remove());
    showPending();
  }

  // After a sync: the rows that showed waiting entries, and the totals, as the server has them.
  async function refreshSheet() {
    const sheet = document.querySelector("[data-meeting]");
    if (!sheet || !navigator.onLine) return;
    const rows = [...new Set([...sheet.querySelectorAll(".chip.pending")].map((chip) => chip.closest(".mrow")))];
    if (!rows.length) return;
    let html;
    try {
      const response = await fetch(location.pathname + location.search, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok || response.redirected) return;
      if ("caches" in window) {
        await (await caches.open(Outbox.PAGES_CACHE)).put(location.pathname + location.search, response.clone());
      }
      html = await response.text();
    } catch (error) {
      return;
    }
    const fresh = new DOMParser().parseFromString(html, "text/html");
    const replace = (element) => {
      const other = element && element.id ? fresh.getElementById(element.id) : null;
      if (!other || element.contains(document.activeElement)) return;
      const adopted = document.importNode(other, true);
      element.replaceWith(adopted);
      if (window.htmx) window.htmx.process(adopted);
    };
    rows.forEach(replace);
    replace(document.getElementById("totals"));
    replace(document.getElementById("expected-cash"));
    await showPending();
  }

  // An entry form (webapp/entries.py) into the outbox.
  function fieldError(form, name, message) {
    const input = form.elements[name];
    const label = input && input.closest(".field");
    if (!label) return;
    label.classList.toggle("has-error", Boolean(message));
    let small = label.querySelector("small.error");
    if (!message) {
      if (small) small.remove();
      return;
    }
    if (!small) {
      small = make("small", "error");
      label.append(small);
    }
    small.textContent = message;
  }

  async function queueEntry(form) {
    const type = form.dataset.type;
    const payload = {};
    const errors = {};
    const value = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
    if (type === "shares.buy") {
      const shares = value("shares");
      if (!/^[0-9]+$/.test(shares) || Number(shares) < 1 || Number(shares) > 10000) errors.shares = TEXT.shares;
      else payload.shares = Number(shares);
    } else {
      try { payload.amount_satang = amountFrom(form.elements.amount, 0); } catch (error) { errors.amount = error.message; }
    }
    if (Outbox.GROUP_TYPES.includes(type)) {
      if (!value("category")) errors.category = TEXT.category;
      payload.category = value("category");
      if (value("note")) payload.note = value("note").slice(0, 500);
    }
    if (type === "fine.charge" && value("reason")) payload.reason = value("reason").slice(0, 500);
    if (form.dataset.member) payload.member_id = form.dataset.member;
    const day = value("business_date");
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) errors.business_date = TEXT.date;
    for (const name of ["amount", "shares", "category", "business_date"]) fieldError(form, name, errors[name]);
    if (Object.keys(errors).length) return;
    let op;
    try {
      op = await Outbox.add({ group_id: form.dataset.group, type, business_date: day, payload,
        local: { member_id: form.dataset.member || null, label: form.dataset.label || "" } });
    } catch (error) {
      fieldError(form, type === "shares.buy" ? "shares" : "amount", TEXT.notStored);
      return;
    }
    if (form.elements.amount) form.elements.amount.value = "";
    let note = form.parentElement.querySelector("p.flash.outbox-saved");
    if (!note) {
      note = make("p", "flash outbox-saved");
      note.setAttribute("role", "status");
      form.before(note);
    }
    note.textContent = TEXT.saved(describe(op));
    Outbox.requestFlush().catch(() => {});
    askPersistence();
  }

  // An entry form stored for another member, shown by the worker for this one: put this
  // member's number and name in, from the member list the last sync brought.
  async function fitEntryForm(form) {
    const wanted = new URLSearchParams(location.search).get("member");
    if (!wanted || wanted === form.dataset.member) return;
    const directory = await Outbox.directory().catch(() => null);
    const member = directory && directory.members ? directory.members[wanted] : null;
    const line = document.querySelector(".entry-member");
    if (!member || member.group_id !== form.dataset.group) {
      form.querySelectorAll("input, select, button").forEach((element) => { element.disabled = true; });
      if (line) line.textContent = TEXT.noMember;
      return;
    }
    form.dataset.member = wanted;
    form.dataset.label = `${member.member_no} ${member.name}`;
    if (line) {
      line.replaceChildren(make("span", "muted", String(member.member_no)), ` ${member.name}`);
    }
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const outboxForm = form.matches("form.taps[data-member], form[data-outbox='entry']");
    if (outboxForm && viaOutbox()) {
      event.preventDefault();
      event.stopImmediatePropagation(); // not htmx, not a post: the outbox
      if (form.matches("form.taps")) queueTap(form, event.submitter);
      else queueEntry(form);
      return;
    }
    if (outboxForm) {
      form.sajjaSubmitter = event.submitter; // for a send that fails for want of a network
      return;
    }
    if (!navigator.onLine && (form.method || "").toLowerCase() === "post") {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (form.closest(".bar")) {
        flashState(TEXT.needsSignal);
        return;
      }
      let note = form.querySelector("p.error.needs-signal");
      if (!note) {
        note = make("p", "error needs-signal", TEXT.needsSignal);
        note.setAttribute("role", "alert");
        form.prepend(note);
      }
    }
  }, true);

  // Online, but the tap did not reach the server: keep it in the outbox instead, and send the
  // next ones there too until a sync gets through.
  document.addEventListener("htmx:sendError", (event) => {
    networkFailed = true;
    const form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("form.taps[data-member]") : null;
    if (form && form.sajjaSubmitter) queueTap(form, form.sajjaSubmitter);
  });

  document.addEventListener("htmx:afterSettle", () => { showPending(); });

  document.addEventListener("click", (event) => {
    const back = event.target.closest("[data-back]");
    if (back && history.length > 1) {
      event.preventDefault();
      history.back();
    }
    const cancel = event.target.closest(".chip.pending [data-cancel-op]");
    if (cancel) {
      Outbox.cancel(cancel.dataset.cancelOp).then((outcome) => {
        if (outcome === "cancelled") removePending(cancel.dataset.cancelOp);
        else flashState(outcome === "busy" ? TEXT.busy : TEXT.gone);
      });
    }
  });

  /* ------------------------------------------------------------------ start */

  async function start() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    try {
      if (meta) await Outbox.setToken(meta.content);
      networkDownAt = (await Outbox.getMeta("network_down_at")) || 0;
    } catch (error) { /* private mode without IndexedDB: forms post as usual */ }
    const entryForm = document.querySelector("form[data-outbox='entry']");
    if (entryForm) await fitEntryForm(entryForm);
    await showPending();
    await renderStatus();
    startWorker();
    if (signedIn || document.querySelector(".offline-page")) {
      const summary = await flush("app-open");
      if (summary && summary.ok && !summary.sent && installed()) {
        const last = await Outbox.getMeta("refreshed_at").catch(() => 0);
        if (!last || Date.now() - last > 3600 * 1000) Outbox.refreshPages().catch(() => {});
      }
      if (installed() || (summary && summary.sent)) askPersistence();
      else Outbox.count().then((n) => { if (n) askPersistence(); });
    }
  }

  start();
})();
