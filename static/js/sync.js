// Empty the outbox. The page drives this (DESIGN rule 5): on start, on `online`, when the
// tab becomes visible, on the backoff timer, from "Gửi ngay", and when the service worker
// relays a Background Sync event. Items go one at a time (a 3G uplink is narrow). Nothing is
// tried while the browser says it is offline. A round goes past a failed item to the next
// (a flaky link fails one request in a few), and stops only after IN_A_ROW failures in a row
// with nothing getting through: then the whole outbox holds back (the link looks down). When
// each item is tried again is backoff.js's rule.
import * as outbox from "./outbox.js";
import { need, send } from "./send.js";
import { IN_A_ROW, PAUSE_MS, afterFailure, dueItems, holdAfter } from "./backoff.js";

const LOCK = "motcua-outbox";
const afterSent = {}; // kind -> function(item, result): what else to remember once sent

export function onSent(kind, hook) {
  afterSent[kind] = hook;
}

let running = null;
let again = null; // asked to flush while busy: { force, signin } for one more round afterwards
let timer = null;
let failsInRow = 0; // failed tries in a row, across items, with nothing getting through
let holdUntil = 0; // no round on its own before this: the link looks down, or the server said wait
let through = 0; // when a request of ours last got through (a file stored, an item sent)
let woken = 0; // every item waiting then is due now (backoff.js dueItems)

// Send what is due; `force` (the link is back, the person is looking, "Gửi ngay") makes
// every waiting item due now; `only` sends that one item, now. `signin` also resends items
// paused for a sign-in: the person may have signed in since (start() asks the same after a
// full page load, which is what signing in ends with).
export function flush({ force = false, only = null, signin = force } = {}) {
  if (!navigator.onLine) return Promise.resolve(); // `online` will flush everything
  if (force) {
    woken = Date.now();
    failsInRow = 0;
    holdUntil = 0;
  }
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

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

async function drain(force, only, signin) {
  if (!force && !only && Date.now() < holdUntil) return; // a timer or the worker: still holding back
  const which = { only, signin, woken };
  for (const listed of dueItems(await outbox.list(), Date.now(), which)) {
    if (!navigator.onLine) return; // the rest waits for `online`
    // Read it again: the person may have discarded or fixed it while the round went on.
    const [item] = dueItems([await outbox.get(listed.id)].filter(Boolean), Date.now(), which);
    if (!item) continue;
    const { outcome, progress, wait } = await sendOne(item);
    if (outcome !== "retry" || !navigator.onLine) {
      if (outcome === "sent") failsInRow = 0;
      continue;
    }
    failsInRow = progress ? 0 : failsInRow + 1;
    if (wait.throttled) {
      holdUntil = Math.max(holdUntil, wait.next_at); // the server asked everyone to slow down
      return;
    }
    if (failsInRow >= IN_A_ROW) {
      holdUntil = Math.max(holdUntil, Date.now() + holdAfter(failsInRow));
      return;
    }
    await pause(PAUSE_MS);
  }
}

// Returns { outcome: "sent" | "retry" | "signin" | "attention", progress, wait }.
async function sendOne(item) {
  await outbox.patch(item.id, { state: outbox.SENDING });
  let progress = false;
  const { outcome, result, error } = await send(item, {
    progress: (sha256, loaded, total) => outbox.announce("progress", { id: item.id, sha256, loaded, total }),
    blobSent: () => {
      progress = true;
      through = Date.now();
      return outbox.patch(item.id, { blobs: item.blobs });
    },
    blobsMissing: () => outbox.patch(item.id, { blobs: item.blobs }),
  });
  if (outcome === "sent") {
    through = Date.now();
    await markSent(item, result);
    return { outcome, progress: true };
  }
  const needs = need(item, error);
  if (needs) {
    // Nothing more to try on our own: the person sees why, and what to do (send.js).
    await outbox.patch(item.id, { state: outbox.ATTENTION, error, need: needs, attempts: (item.attempts || 0) + 1 });
    return { outcome, progress };
  }
  const online = navigator.onLine;
  const next = afterFailure(item,
    { status: error.status, retryAfter: error.retry_after, online, progress, through });
  // A failure while offline says nothing new: the item keeps the reason it had.
  await outbox.patch(item.id, { state: outbox.WAITING, ...next, error: online ? error : item.error });
  askBackgroundSync();
  return { outcome, progress, wait: { ...next, throttled: error.status === 429 } };
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

// Wake up when the earliest waiting item is due, not before a hold ends. Offline, nothing
// is due: the `online` event flushes.
async function schedule() {
  clearTimeout(timer);
  if (!navigator.onLine) return;
  const waiting = (await outbox.list()).filter((i) => i.state === outbox.WAITING);
  if (!waiting.length) return;
  const dueAt = (i) => ((i.updated_at || 0) <= woken ? 0 : i.next_at || 0);
  const next = Math.max(holdUntil, Math.min(...waiting.map(dueAt)));
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
