// Registers the service worker and handles updates (DESIGN rule 8): a new version waits,
// and the page offers "Có phiên bản mới — tải lại" only when no form is half filled; the
// offer comes back at the next quiet moment (another page, or once the form is sent).

import { url } from "./routes.js";

let waiting = null;
let accepted = false;

export function register() {
  if (!navigator.serviceWorker) return; // in-app browsers: drafts and the outbox still work
  navigator.serviceWorker.register(url("worker")).then((registration) => {
    watch(registration);
    // Keep the catalogue on the device (the worker fetches it at most once a day).
    navigator.serviceWorker.ready.then((r) => r.active && r.active.postMessage({ type: "warm" }));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") registration.update().catch(() => null);
    });
  }).catch(() => null);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (accepted) location.reload(); // only when the person asked for it
  });
}

function watch(registration) {
  if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offer(worker);
    });
  });
}

function offer(worker) {
  waiting = worker;
  recheck();
}

// Show or hide the offer; called on every page change and whenever a form's state changes.
export function recheck() {
  const banner = document.querySelector("[data-update-banner]");
  if (!banner) return;
  const busy = document.querySelector("form[data-dirty]");
  banner.hidden = !waiting || Boolean(busy);
  const button = banner.querySelector("button");
  if (!button.dataset.bound) {
    button.dataset.bound = "1";
    button.addEventListener("click", () => {
      if (!waiting) return;
      accepted = true;
      waiting.postMessage({ type: "skip-waiting" });
    });
  }
}

// Watch forms becoming half filled (or sent), to hide or bring back the offer.
new MutationObserver(() => recheck()).observe(document.documentElement, {
  subtree: true, attributes: true, attributeFilter: ["data-dirty"],
});
