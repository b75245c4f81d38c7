// Entry point for script-enhanced pages (loaded as a module, so it is deferred). Without
// what the offline features need, it does nothing and the plain HTML forms work as they are.
import * as outbox from "./outbox.js";
import * as owner from "./owner.js";
import { known } from "./routes.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import * as update from "./update.js";

// "Hồ sơ của tôi" bookkeeping, fetched only when there is some to do: most pages have none,
// and a first visit stays light (bench/pwa.py).
const myDossiers = () => import("./dossiers.js");

// A page with no addresses for the scripts (routes.js: one kept from an older build) stays plain too.
const able = self.indexedDB && self.crypto && crypto.subtle && self.fetch && self.Promise && known();

if (able) {
  document.documentElement.classList.add("offline-ready");
  sync.onSent("dossier", (item, result) => myDossiers()
    .then((m) => m.remember(result, item.context && item.context.secret, item.owner || "")));
  // Someone else signed in or out (another tab, an ended session): nothing of the previous
  // person's may stay on screen or in memory here, so the page starts over (owner.js).
  owner.watch(() => location.reload());
  sync.start();
  legacyOwners().catch(() => null);
  update.register();
  outbox.on("change", badge);
  addEventListener("online", connectivity);
  addEventListener("offline", connectivity);
  init();
  // hx-boost swaps the page body without a reload: enhance what came in.
  document.addEventListener("htmx:afterSettle", init);
}

function init() {
  const form = document.querySelector("form#apply-form[data-procedure]");
  if (form) import("./apply.js").then((m) => m.enhance(form));
  const box = document.querySelector("[data-outbox]");
  if (box) import("./outbox-page.js").then((m) => m.enhance(box));
  const mine = document.querySelector("[data-my-dossiers]");
  if (mine) import("./dossiers-page.js").then((m) => m.enhance(mine));
  const postal = document.querySelector("form#postal-form");
  if (postal) import("./postal.js").then((m) => m.enhance(postal));
  const rating = document.querySelector("form#rating-form");
  if (rating) import("./rating.js").then((m) => m.enhance(rating));
  const supplement = document.querySelector("form#supplement-form");
  if (supplement) import("./supplement.js").then((m) => m.enhance(supplement));
  const search = document.querySelector("form[data-catalogue-search]");
  if (search) import("./catalogue-search.js").then((m) => m.enhance(search));
  const track = document.querySelector("form.track");
  if (track) myDossiers().then((m) => m.watchTrackForm(track));
  pendingLookup().catch(() => null);
  update.recheck();
  connectivity();
  badge();
}

// Records from before storage v3 that an account made (migrations.js) wait for that account:
// once signed in, the page asks the server whether it is the one, and they come back.
async function legacyOwners() {
  if (!owner.current() || !(await store.get("meta", "legacy-owners"))) return;
  if (await (await import("./legacy-owners.js")).claim()) sync.flush({ signin: true });
}

// A lookup made on /tra-cuu (dossiers.js, PENDING) waits for the next page to be resolved.
async function pendingLookup() {
  if (await store.get("meta", "pending-track")) await (await myDossiers()).resolvePending();
}

function connectivity() {
  const note = document.querySelector("[data-offline-note]");
  if (note) note.hidden = navigator.onLine;
}

async function badge() {
  const count = await outbox.unsentCount();
  for (const el of document.querySelectorAll("[data-outbox-count]")) {
    el.textContent = String(count);
    el.hidden = count === 0;
  }
}
