// Empty the outbox. The page drives this (DESIGN rule 5): on start, on `online`, when the
// tab becomes visible, on a capped backoff timer, from "Gửi ngay", and when the service
// worker relays a Background Sync event. Items go one at a time (a 3G uplink is narrow);
// each failure backs off on its own, so one stuck item never holds the others back.
import * as outbox from "./outbox.js";
import { need, send } from "./send.js";

const BASE_MS = 1000;
const CAP_MS = 5 * 60 * 1000;
const LOCK = "motcua-outbox";
const afterSent = {}; // kind -> function(item, result): what else to remember once sent

// 1 s, 2 s, 4 s ... 5 min, give or take a fifth, so that phones coming back after an outage
// do not all knock at the same second.
export function backoff(attempts) {
  const plain = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.min(CAP_MS, plain * (0.8 + Math.random() * 0.4));
}

export function onSent(kind, hook) {
  afterSent[kind] = hook;
}

let running = null;
let again = null; // asked to flush while busy: { force } for one more round afterwards
let timer = null;

// Send what is due (everything waiting if `force`); `only` sends that one item, now.
// `force` also resends items paused for a sign-in: the person may have signed in since
// (start() asks the same after a full page load, which is what signing in ends with).
export function flush({ force = false, only = null, signin = force } = {}) {
  if (running && !only) {
    again = { force: force || Boolean(again && again.force), signin: signin || Boolean(again && again.signin) };
    return running;
  }
  const work = (running || Promise.resolve()).then(() => withLock(() => drain(force, only, signin)));
  const mine = work.catch(() => null).finally(() => {
    if (running === mine) running = null;
    if (running) return; // an `only` round is queued behind this one
    const next = again;
    again = null;
    if (next) flush(next); else schedule();
  });
  running = mine;
  return mine;
}

// One sender across all the app's tabs, where the browser offers Web Locks.
function withLock(task) {
  if (!navigator.locks) return task();
  return navigator.locks.request(LOCK, task);
}

async function drain(force, only, signin) {
  const now = Date.now();
  const paused = (i) => signin && i.state === outbox.ATTENTION && i.need === "signin";
  const due = (await outbox.list())
    .filter((i) => i.state === outbox.WAITING || i.state === outbox.SENDING || paused(i)) // SENDING: a tab died mid-send
    .filter((i) => (only ? i.id === only : force || paused(i) || (i.next_at || 0) <= now))
    .sort((a, b) => (a.next_at || 0) - (b.next_at || 0) || a.created_at - b.created_at);
  for (const item of due) {
    const outcome = await sendOne(item);
    if (outcome === "offline") break; // no link at all: the rest would fail the same way
  }
}

async function sendOne(item) {
  await outbox.patch(item.id, { state: outbox.SENDING });
  const { outcome, result, error } = await send(item, {
    progress: (sha256, loaded, total) => outbox.announce("progress", { id: item.id, sha256, loaded, total }),
    blobSent: (sha256) => outbox.patch(item.id, { blobs: item.blobs }),
    blobsMissing: () => outbox.patch(item.id, { blobs: item.blobs }),
  });
  if (outcome === "sent") {
    await markSent(item, result);
    return outcome;
  }
  const attempts = (item.attempts || 0) + 1;
  const needs = need(item, error);
  if (needs) {
    // Nothing more to try on our own: the person sees why, and what to do (send.js).
    await outbox.patch(item.id, { state: outbox.ATTENTION, error, need: needs, attempts });
    return outcome;
  }
  const wait = Math.max(backoff(attempts), (error.retry_after || 0) * 1000);
  await outbox.patch(item.id, { state: outbox.WAITING, attempts, next_at: Date.now() + wait, error });
  askBackgroundSync();
  return error.status === 0 ? "offline" : outcome;
}

async function markSent(item, result) {
  // The files are on the server now: keep what the list shows, free the bytes.
  const blobs = item.blobs.map(({ bytes, ...rest }) => ({ ...rest, sent: true }));
  await outbox.patch(item.id, { state: outbox.SENT, result, error: null, need: null, blobs, sent_at: Date.now() });
  if (afterSent[item.kind]) await afterSent[item.kind](item, result);
}

// After a conflict, the person chose what the server holds under this key: the item ends
// as sent with that dossier's code, and nothing more goes up.
export async function keepServerCopy(id) {
  const item = await outbox.get(id);
  const code = item && item.need === "conflict" && item.error.details && item.error.details.code;
  if (!code) return false;
  await markSent(item, { code });
  return true;
}

// The person fixed what was asked (signed in, gave a proof): send it now.
export async function resend(id, change = {}) {
  await outbox.retry(id, change);
  return flush({ only: id });
}

// Where Background Sync exists, the browser wakes the worker when the link is back, and the
// worker asks open pages to flush: one more trigger, never the only one.
function askBackgroundSync() {
  if (!navigator.serviceWorker || !navigator.serviceWorker.controller) return;
  navigator.serviceWorker.ready.then((r) => r.sync && r.sync.register("outbox")).catch(() => null);
}

// Wake up when the earliest waiting item is due.
async function schedule() {
  clearTimeout(timer);
  const waiting = (await outbox.list()).filter((i) => i.state === outbox.WAITING);
  if (!waiting.length) return;
  const next = Math.min(...waiting.map((i) => i.next_at || 0));
  timer = setTimeout(() => flush(), Math.max(0, next - Date.now()));
}

export function start() {
  addEventListener("online", () => flush({ force: true }));
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") flush({ force: true });
  });
  if (navigator.serviceWorker) {
    navigator.serviceWorker.addEventListener("message", (e) => {
      if (e.data && e.data.type === "flush") flush(); // what is due: backoff still holds
    });
  }
  outbox.pruneSent().catch(() => null);
  flush({ signin: true });
}
