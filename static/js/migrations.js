// The device database's schema steps: MIGRATIONS[v](db, tx, done) upgrades version v to
// v + 1 inside the upgrade transaction `tx`, and calls done() once its last request has
// succeeded; store.js starts the next step only then, so a step always reads what the one
// before it wrote (two cursors over one store at once would each write back a stale copy).
// Each step is FROZEN: it says what the data looked like at that version and
// imports nothing, so a later change to the app's live code can never change what an old
// upgrade does. Steps are only ever appended, and no step loses stored data: a deploy never
// clears drafts or the outbox (DESIGN.md, rule 1).

// Calls `visit(cursor, value)` for each record of `store`, then `done()`; `visit` moves the
// cursor on itself (continue) after any change it makes.
function each(store, visit, done = () => {}) {
  store.openCursor().onsuccess = (event) => {
    const cursor = event.target.result;
    if (cursor) visit(cursor, cursor.value);
    else done();
  };
}

export const MIGRATIONS = [
  // v1: drafts by form, outbox items by client id, the person's dossiers by code.
  (db, tx, done) => {
    db.createObjectStore("drafts", { keyPath: "key" });
    db.createObjectStore("outbox", { keyPath: "id" }).createIndex("state", "state");
    db.createObjectStore("dossiers", { keyPath: "code" });
    db.createObjectStore("meta", { keyPath: "key" });
    done();
  },

  // v2: every outbox item says what the person must do about it (`need`), and v1's sign-in
  // pause (waiting, `signin: true`, retried every 5 min against a wall) becomes an item that
  // needs attention and resends once they are signed in. Items are rewritten in place; drafts
  // are not touched. (`need` as send.js decided it at v2, frozen here.)
  (db, tx, done) => {
    const classify = (status) => {
      if (status === 0 || status === 408 || status === 429 || status >= 500) return "retry";
      if (status === 401 || status === 403) return "signin";
      return "attention";
    };
    const need = (item, error) => {
      const kind = classify(error.status);
      if (kind === "retry") return null;
      const body = (item.request && item.request.body) || {};
      const proof = Boolean(body.token || body.secret);
      if (kind === "signin") return proof ? "proof" : "signin";
      if (error.error === "idempotency_conflict") return "conflict";
      if (error.status === 404 && proof) return "proof";
      return "fix";
    };
    each(tx.objectStore("outbox"), (cursor, value) => {
      const { signin, ...item } = value;
      if (signin && item.state === "waiting") item.state = "attention";
      item.need = item.state === "attention" ? (item.error && need(item, item.error)) || "fix" : null;
      cursor.update(item);
      cursor.continue();
    }, done);
  },

  // v3 (a shared phone): every record says whose it is, `owner` (owner.js): an account's
  // device tag, or "" for nobody. A v2 outbox item queued while signed in already said so:
  // its request claims the account's id (`request.body.account`, a number); it becomes
  // "?<id>", shown to nobody until that account, signed in, is confirmed to be it
  // (legacy-owners.js asks the server once; the ids wait in meta "legacy-owners"). The draft
  // that fixes it ("item:<id>") and the dossier it became (a sent item's `result.code`) go
  // with it. Nothing else carries a sign of who made it (a new dossier's draft, a dossier
  // looked up): it stays nobody's, shown when nobody is signed in, as all of it was before.
  // An owner's draft or dossier moves to the key "<owner>/<key>" (owner.js `key`): put anew
  // and the old key deleted in this one transaction, so it is never lost.
  (db, tx, done) => {
    const outbox = tx.objectStore("outbox");
    const drafts = tx.objectStore("drafts");
    const dossiers = tx.objectStore("dossiers");
    const byItem = {};
    const byCode = {};
    const accounts = new Set();
    const own = (store, keyName) => (cursor, record) => {
      // A record put under its new key may come round again later in this same pass.
      if (!("owner" in record)) {
        const owner = keyName === "key"
          ? (record.key.startsWith("item:") && byItem[record.key.slice(5)]) || ""
          : byCode[record.code] || "";
        if (owner) {
          cursor.delete();
          store.put({ ...record, [keyName]: `${owner}/${record[keyName]}`, owner });
        } else {
          cursor.update({ ...record, owner });
        }
      }
      cursor.continue();
    };
    each(outbox, (cursor, item) => {
      if (!("owner" in item)) {
        const account = item.request && item.request.body && item.request.body.account;
        const owner = typeof account === "number" ? `?${account}` : "";
        if (owner) {
          accounts.add(account);
          byItem[item.id] = owner;
          if (item.result && item.result.code) byCode[item.result.code] = owner;
        }
        cursor.update({ ...item, owner });
      }
      cursor.continue();
    }, () => each(drafts, own(drafts, "key"), () => each(dossiers, own(dossiers, "code"), () => {
      if (accounts.size) tx.objectStore("meta").put({ key: "legacy-owners", accounts: [...accounts], asked: [] });
      done();
    })));
  },
];
