// The person's own dossiers, remembered on this device with their last known status and
// its time (DESIGN rule 7), so "Hồ sơ của tôi" opens with no signal. They come from what
// this device sent, and from lookups made here. Refreshing needs the code and the phone or
// ID number: the device knows both, because the person gave them here.
//
// Each entry is its owner's (owner.js), stored under owner.key(code): the list, and the
// receipt links in it, show only the current owner's; another account, or nobody, keeps
// its own copy of the same dossier.
import * as store from "./store.js";
import * as owner from "./owner.js";
import { url } from "./routes.js";

const REFRESH_EVERY_MS = 5 * 60 * 1000;
const PENDING = "pending-track"; // a lookup on /tra-cuu, until its result page opens (main.js looks for it)

// `who`: whose list it joins (the owner of the outbox item that sent it, or the current one).
export async function remember(summary, secret, who = owner.current()) {
  const timeline = summary.timeline || [];
  const last = timeline.length ? timeline[timeline.length - 1].at : summary.submitted_at;
  const key = owner.key(summary.code, who);
  await store.update("dossiers", key, (old) => ({
    ...(old || {}),
    code: key, owner: who, procedure: summary.procedure, procedure_name: summary.procedure_name,
    status: summary.status, status_label: summary.status_label, status_at: last,
    due_date: summary.due_date, receipt_url: summary.receipt_url || (old && old.receipt_url),
    secret: secret || (old && old.secret), checked_at: Date.now(),
  }));
}

// The current owner's entries, each with its dossier's own code.
export async function list() {
  const who = owner.current();
  const rows = (await store.all("dossiers")).filter((d) => owner.mine(d, who))
    .map((d) => ({ ...d, code: owner.name(d.code, d.owner) }));
  return rows.sort((a, b) => String(b.status_at).localeCompare(String(a.status_at)));
}

export function forget(code) {
  return store.remove("dossiers", owner.key(code));
}

// Ask the server for one dossier; resolves with its summary, null if unknown, or throws.
export async function lookup(code, secret) {
  const response = await fetch(url("api_track"), {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ code, secret }),
  });
  if (response.status === 404) return null;
  if (!response.ok) {
    const retryAfter = Number(response.headers.get("Retry-After")) || null;
    throw Object.assign(new Error("track failed"), { status: response.status, retryAfter });
  }
  return response.json();
}

// Bring every remembered status up to date, one request at a time (lookups are rate-limited).
export async function refresh({ force = false } = {}) {
  let changed = false;
  for (const d of await list()) {
    if (!d.secret || (!force && Date.now() - (d.checked_at || 0) < REFRESH_EVERY_MS)) continue;
    try {
      const summary = await lookup(d.code, d.secret);
      if (summary) { await remember(summary, d.secret, d.owner || ""); changed = true; }
    } catch (error) {
      if (error.status === 429 || !error.status) break; // slow down, or no signal: keep what we know
    }
  }
  return changed;
}

// The /tra-cuu form posts to the server as usual; we note what was asked, and the next
// page (whichever it is) asks the API once: if the pair was right, the dossier joins
// "Hồ sơ của tôi". A wrong pair is forgotten; no signal: a later page tries again.
export function watchTrackForm(form) {
  if (form.dataset.watched) return;
  form.dataset.watched = "1";
  form.addEventListener("submit", () => {
    const code = form.elements.code.value.trim().toUpperCase();
    store.put("meta", { key: PENDING, code, secret: form.elements.secret.value.trim(), at: Date.now(),
      owner: owner.current() });
  });
}

export async function resolvePending() {
  const pending = await store.get("meta", PENDING);
  if (!pending) return false;
  let summary = null;
  // Back on /tra-cuu: the server said "not found" (or the person starts over). Asking the API
  // as well would only spend the same rate limit a second time.
  const answered = location.pathname === url("track");
  // Asked by someone else (a sign-in or sign-out came in between): theirs to ask again.
  const who = pending.owner === undefined ? owner.current() : pending.owner;
  if (!answered && who === owner.current() && Date.now() - pending.at < 10 * 60 * 1000) {
    try {
      summary = await lookup(pending.code, pending.secret);
    } catch {
      return false;
    }
  }
  // Remember before forgetting the question: a page closed in between just asks again.
  if (summary) await remember(summary, pending.secret, who);
  await store.remove("meta", PENDING);
  return Boolean(summary);
}
