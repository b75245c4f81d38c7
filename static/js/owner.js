// Whose things this device shows and sends (issue 9, "shared phone"). Every record the app
// keeps — drafts, outbox items, remembered dossiers and their receipt links — carries the
// `owner` it was made for: the signed-in account's device tag (an opaque HMAC the server
// makes, app/services/device.py), or "" when nobody was signed in. Pages show, and the
// outbox sends, only the current owner's records; the others stay on the device, untouched,
// until their owner is back. Old records (storage v2) are given an owner by migrations.js.
//
// Who is signed in is read from the `motcua_owner` cookie, which the server sets or removes
// with every page and API answer (app/pwa/device.py): no request is needed, it is current in
// a page the service worker served from its cache with no signal, and in every open tab.
// (<body data-account> says the same on a page fresh from the server, but a boosted swap
// keeps the first page's <body>, and a stored page was rendered for nobody.)
const COOKIE = /(?:^|;\s*)motcua_owner=([0-9a-f]{32})(?:;|$)/;

export function current() {
  const found = COOKIE.exec(document.cookie);
  return found ? found[1] : "";
}

export const mine = (record, owner = current()) => Boolean(record) && (record.owner || "") === owner;

// The stored key of a record whose key is `name` (a draft's "apply:<procedure>", a dossier's
// code): nobody's records keep the bare name (as v2 stored them), an owner's have it in front,
// so two people's drafts of one form, or two people's copies of one dossier, never collide.
// migrations.js writes the same shape; change it only with a migration.
export const key = (name, owner = current()) => (owner ? `${owner}/${name}` : name);
export const name = (storedKey, owner) => (owner ? storedKey.slice(owner.length + 1) : storedKey);

// A tab whose owner changed under it (a sign-out or sign-in in another tab, a session that
// ended and a boosted page that came back without it) must not go on showing the previous
// person's things: `changed()` is called then, once.
const SEEN = "motcua-owner";

export function watch(changed) {
  const owner = current();
  let told = false;
  const check = () => {
    if (told || current() === owner) return;
    told = true;
    changed();
  };
  try {
    if (localStorage.getItem(SEEN) !== owner) localStorage.setItem(SEEN, owner); // the other tabs hear it
  } catch {
    // no localStorage (private mode in old Safari): the other checks still work
  }
  addEventListener("storage", (event) => { if (event.key === SEEN) check(); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") check(); });
  document.addEventListener("htmx:afterSettle", check);
}
