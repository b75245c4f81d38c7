// When the outbox tries an item again (DESIGN rule 4), as plain functions of what happened,
// with no storage or network, so the rules can be tested alone (tests/browser/test_backoff.py):
//
//  - A try that failed while the browser says it is offline is not counted: the item is due
//    again as soon as the link is back (sync.js never tries while offline at all).
//  - A network error while online may be an answer lost on its way back, for a request the
//    server already holds: try again soon, so the replay confirms it. The wait doubles from
//    1 s to 5 s only while nothing at all gets through; if anything did since this item last
//    failed (another item, or a file of this one), the link works and that was one fault.
//    A link that is really down is sync.js's to notice: after IN_A_ROW failures in a row with
//    nothing getting through, the whole outbox holds back (holdAfter, up to 5 min).
//  - 408, 429 and 5xx: the server is there but busy, or this item upsets it: 1 s doubling to
//    5 min (others' success does not shorten it; a file of this one getting through does),
//    and never before its Retry-After (seconds or an HTTP date; at most an hour, so a wrong
//    header cannot park an item for days).
// Every wait is spread by ±20 %, so phones coming back after an outage do not knock at once.

export const BASE_MS = 1000;
export const CAP_MS = 5 * 60 * 1000;
export const SOON_CAP_MS = 5 * 1000;
export const RETRY_AFTER_MAX_MS = 60 * 60 * 1000;
export const PAUSE_MS = 250; // between items in a round, after a failure
export const IN_A_ROW = 3; // failed tries in a row, nothing getting through, that end a round

// The n-th wait of a run of failures: 1 s, 2 s, 4 s ... up to `cap`, give or take a fifth.
export function backoff(n, cap = CAP_MS, random = Math.random) {
  const plain = Math.min(cap, BASE_MS * 2 ** Math.max(0, n - 1));
  return Math.min(cap, plain * (0.8 + random() * 0.4));
}

// A Retry-After header (delay in seconds, or an HTTP date) as milliseconds from `now`.
export function retryAfterMs(value, now = Date.now()) {
  if (value === null || value === undefined) return 0;
  const text = String(value).trim();
  if (!text) return 0;
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  return Number.isFinite(ms) ? Math.min(RETRY_AFTER_MAX_MS, Math.max(0, ms)) : 0;
}

// What a failed try leaves on the item: { attempts, streak, next_at }. `failure` is
// { status (0: no answer), retryAfter, online (navigator.onLine after the try), progress (a
// file of this item went up during it), through (when any request of ours last got through,
// ms) }. `streak` is { kind: "network" | "server", n, at }: the failures of one kind in a row
// that set the wait, the last one at `at`.
export function afterFailure(item, failure, now = Date.now(), random = Math.random) {
  const attempts = item.attempts || 0;
  if (failure.online === false) return { attempts, streak: item.streak || null, next_at: 0 };
  const kind = failure.status === 0 ? "network" : "server";
  const last = item.streak && item.streak.kind === kind ? item.streak : null;
  const linkWorked = kind === "network" && last && (failure.through || 0) > last.at;
  const n = last && !failure.progress && !linkWorked ? last.n + 1 : 1;
  const wait = kind === "network" ? backoff(n, SOON_CAP_MS, random)
    : Math.max(backoff(n, CAP_MS, random), retryAfterMs(failure.retryAfter, now));
  return { attempts: attempts + 1, streak: { kind, n, at: now }, next_at: now + wait };
}

// How long the whole outbox waits after `fails` failed tries in a row with nothing getting
// through (0: go on with the next item). The link looks down, or the server is struggling:
// 1 s, 1 s, 2 s, 2 s, 4 s ... up to 5 min, one probe each time. It grows at half the pace of
// an item's wait: a link that drops a third of its requests fails five in a row now and then,
// and a dead one still reaches the cap in about twenty minutes, for twenty requests.
export function holdAfter(fails, random = Math.random) {
  return fails < IN_A_ROW ? 0 : backoff(Math.floor((fails - IN_A_ROW) / 2) + 1, CAP_MS, random);
}

// The items a round sends, in order: waiting ones that are due (or the `only` one), plus,
// with `signin`, those paused for a sign-in (the person may have signed in since). `woken`:
// when every waiting item was made due (the link came back, the tab was shown, "Gửi ngay"):
// an item not touched since is due whatever its wait. "sending" is an item whose tab died
// mid-send. Never tried first, then the longest waiting.
// (The states are outbox.js's; spelled out here so this module stands alone.)
export function dueItems(items, now, { only = null, signin = false, woken = 0 } = {}) {
  const paused = (i) => signin && i.state === "attention" && i.need === "signin";
  const due = (i) => (i.next_at || 0) <= now || (i.updated_at || 0) <= woken;
  return items
    .filter((i) => i.state === "waiting" || i.state === "sending" || paused(i))
    .filter((i) => (only ? i.id === only : paused(i) || due(i)))
    .sort((a, b) => (a.next_at || 0) - (b.next_at || 0) || a.created_at - b.created_at);
}
