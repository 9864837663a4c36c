/* Turning on push notices for this phone (the page /account/devices).

   Permission is asked for only when the person taps the button. pushManager.subscribe() can
   hang for ever when the phone cannot reach its push service, so every wait has a time limit
   and ends with a message the person can act on. The words come from the page (data-msg-*),
   already in the person's language. On iPhone a web app can receive notices only once it was
   added to the home screen and opened from there: the page says so. */
"use strict";

(function () {
  const TIMEOUT_MS = 20000;

  function withTimeout(promise, ms) {
    let timer;
    const limit = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { name: "TimeoutError" })), ms);
    });
    return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
  }

  function isIos() {
    const agent = navigator.userAgent || "";
    return /iPad|iPhone|iPod/.test(agent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  }

  function isStandalone() {
    return navigator.standalone === true ||
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
  }

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4))
      .replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(padded);
    return Uint8Array.from(raw, (ch) => ch.charCodeAt(0));
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  async function subscribe(box, say) {
    const limit = Number(box.dataset.timeoutMs) || TIMEOUT_MS;
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      say(isIos() && !isStandalone() ? "ios" : "unsupported");
      return;
    }
    say("working");
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      say("denied");
      return;
    }
    try {
      const registration = await withTimeout(navigator.serviceWorker.ready, limit);
      const answer = await withTimeout(fetch("/api/v1/push/key", { credentials: "same-origin" }), limit);
      if (!answer.ok) throw new Error(`key ${answer.status}`);
      const { public_key: publicKey } = await answer.json();
      let subscription = await registration.pushManager.getSubscription();
      if (!subscription) {
        subscription = await withTimeout(registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }), limit);
      }
      const saved = await withTimeout(fetch("/api/v1/push/subscriptions", {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(subscription.toJSON()),
      }), limit);
      if (!saved.ok) throw new Error(`save ${saved.status}`);
      say("done");
      setTimeout(() => window.location.reload(), 1200); // the list of phones now has this one
    } catch (error) {
      // A push service out of reach answers AbortError at once, or never (the time limit).
      const unreachable = error && ["TimeoutError", "AbortError"].includes(error.name);
      say(unreachable ? "timeout" : error && error.name === "NotAllowedError" ? "denied" : "failed");
    }
  }

  function start() {
    const box = document.querySelector("[data-push]");
    if (!box) return;
    const button = box.querySelector("[data-push-subscribe]");
    const status = box.querySelector("[data-push-status]");
    const iosHint = box.querySelector("[data-push-ios]");
    const needsHomeScreen = isIos() && !isStandalone();
    if (iosHint) iosHint.hidden = !needsHomeScreen;
    const say = (what) => {
      if (what === "ios") {
        if (iosHint) iosHint.hidden = false;
        status.textContent = "";
        return;
      }
      status.textContent = box.dataset[`msg${what[0].toUpperCase()}${what.slice(1)}`] || "";
      status.dataset.state = what;
      button.disabled = what === "working";
    };
    button.addEventListener("click", () => {
      subscribe(box, say).catch(() => say("failed"));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
