// The outbox: every write a person makes waits here, on the device, until the server has
// it (DESIGN rules 1-4). Items are generic, so later writes (supplement documents, postal
// requests, ratings) queue through the same code with another `kind` and `request.url`:
//
//   { id: client id = Idempotency-Key, kind: "dossier", title, state, created_at,
//     updated_at, attempts, streak, next_at, blobs: [{ sha256, name, type, size, bytes, sent }],
//     request: { url, body }, form: what to show again when the person fixes it,
//     context: kind-specific, error: { status, error, message, details }, need, result }
//   (attempts, streak and next_at: when it is tried again, backoff.js)
//
// States: waiting -> sending -> sent | attention. An item needing attention says what the
// person must do (`need`, send.js). Nothing leaves the outbox unless the person discards
// it on purpose.
//
// Each item is its `owner`'s (owner.js): `get` and `list` see only the current owner's, so
// the page shows, and sync.js sends, an account's items only while that account is signed
// in, and what was queued while nobody was signed in only while nobody is — never into the
// account of whoever signs in next. The others wait on the device, untouched.
import * as store from "./store.js";
import * as owner from "./owner.js";

export const WAITING = "waiting";
export const SENDING = "sending";
export const SENT = "sent";
export const ATTENTION = "attention";

// Listeners by event type. (Not EventTarget: it cannot be constructed before Safari 14.)
const listeners = {};
const channel = self.BroadcastChannel ? new BroadcastChannel("motcua-outbox") : null;
if (channel) channel.onmessage = (e) => emit(e.data.type, e.data);

function emit(type, data) {
  for (const listener of listeners[type] || []) listener({ detail: data });
}

// Tell this page and the app's other tabs that the outbox changed (or how a send is going).
export function announce(type = "change", data = {}) {
  emit(type, data);
  if (channel) channel.postMessage({ ...data, type });
}

export function on(type, listener) {
  (listeners[type] = listeners[type] || []).push(listener);
}

export async function enqueue(item) {
  const now = Date.now();
  const old = await store.get("outbox", item.id);
  await store.put("outbox", {
    owner: old ? old.owner : owner.current(), // unless the item says whose it is (apply.js)
    ...item, state: WAITING, attempts: 0, next_at: 0, error: null, need: null,
    created_at: old ? old.created_at : now, updated_at: now,
  });
  announce();
  keepStorage();
}

export async function get(id) {
  const item = await store.get("outbox", id);
  return owner.mine(item) ? item : undefined;
}

export async function list() {
  const who = owner.current();
  const items = (await store.all("outbox")).filter((i) => owner.mine(i, who));
  return items.sort((a, b) => b.created_at - a.created_at);
}

export async function patch(id, change) {
  const next = await store.update("outbox", id, (item) => item && { ...item, ...change, updated_at: Date.now() });
  announce();
  return next;
}

// Back in the queue as it is, now (the person signed in, or gave another proof).
export const retry = (id, change = {}) => patch(id, { ...change, state: WAITING, next_at: 0, need: null });

// The same content under a new key, in place of the old item: only ever on the person's
// explicit choice after a conflict, since the server keeps what it holds under the old key.
export async function resendAsNew(id, newId) {
  const old = await get(id);
  if (!old) return null;
  const item = { ...old, id: newId, state: WAITING, attempts: 0, streak: null, next_at: 0, error: null,
    need: null, updated_at: Date.now() };
  await store.replace("outbox", id, item);
  announce();
  return item;
}

export async function discard(id) {
  await store.remove("outbox", id);
  announce();
}

// Sent items stay listed (code and receipt link) for a month; their bytes went at sending.
export async function pruneSent(maxAgeMs = 30 * 24 * 3600 * 1000) {
  const old = (await store.all("outbox")).filter((i) => i.state === SENT && Date.now() - i.sent_at > maxAgeMs);
  for (const item of old) await store.remove("outbox", item.id);
  if (old.length) announce();
}

// Items the person still waits on: the badge in the header counts these.
export async function unsentCount() {
  return (await list()).filter((i) => i.state !== SENT).length;
}

// Unsent items of other owners: only how many, so the outbox page can say they are kept.
export async function othersUnsent() {
  const who = owner.current();
  return (await store.all("outbox")).filter((i) => i.state !== SENT && !owner.mine(i, who)).length;
}

// Ask once the first item is queued that the browser never evict our storage (rule 1).
async function keepStorage() {
  try {
    if (navigator.storage && navigator.storage.persist && !(await navigator.storage.persisted())) {
      await navigator.storage.persist();
    }
  } catch {
    // not offered here (older Safari): the data still stays unless the system runs out of space
  }
}
