// IndexedDB: the one place where what a person typed, photographed or queued is kept.
// The schema is versioned; each step in migrations.js upgrades one version (v3 now). Steps
// are only ever appended, and none loses stored data: a deploy never clears drafts or the
// outbox (DESIGN.md, rule 1). File bytes are stored as ArrayBuffer (Safari loses Blobs here).
// Every record has an `owner` (owner.js); the modules above this one read only the current
// owner's.
import { MIGRATIONS } from "./migrations.js";

const NAME = "motcua";

let opening = null;

export function open() {
  opening = opening || connect(MIGRATIONS.length);
  return opening;
}

function connect(version) {
  return new Promise((resolve, reject) => {
    // No version: take the database as it is (see onerror).
    const request = version ? indexedDB.open(NAME, version) : indexedDB.open(NAME);
    request.onupgradeneeded = (event) => {
      // One step after the other, each once the previous one's writes are done (migrations.js).
      const step = (v) => {
        if (v < event.newVersion) MIGRATIONS[v](request.result, request.transaction, () => step(v + 1));
      };
      step(event.oldVersion);
    };
    request.onsuccess = () => {
      const db = request.result;
      // A newer page (after a deploy) wants to migrate: step aside; reopen on next use.
      db.onversionchange = () => { db.close(); opening = null; };
      resolve(db);
    };
    request.onerror = () => {
      // A tab still running an older build, after a newer one migrated: steps only add, so
      // the newer shape still serves this code, and its queue keeps working.
      if (version && request.error && request.error.name === "VersionError") {
        connect(0).then(resolve, reject);
        return;
      }
      opening = null;
      reject(request.error);
    };
  });
}

// Run `work(store)` in one transaction; resolve with its result once the data is on disk.
async function transact(name, mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(name, mode);
    let result;
    Promise.resolve(work(tx.objectStore(name))).then((r) => { result = r; }, reject);
    tx.oncomplete = () => resolve(result);
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}

const wait = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

export const get = (name, key) => transact(name, "readonly", (s) => wait(s.get(key)));
export const all = (name) => transact(name, "readonly", (s) => wait(s.getAll()));
export const put = (name, value) => transact(name, "readwrite", (s) => wait(s.put(value)));
export const remove = (name, key) => transact(name, "readwrite", (s) => wait(s.delete(key)));
// Put `value` and delete the record at `oldKey` at once: never both, never neither.
export const replace = (name, oldKey, value) => transact(name, "readwrite",
  (s) => Promise.all([wait(s.put(value)), wait(s.delete(oldKey))]));

// Read, change and write one record in a single transaction, so two tabs cannot interleave.
// `change(old)` returns the new record, or undefined to leave it as it is.
export function update(name, key, change) {
  return transact(name, "readwrite", async (s) => {
    const next = change(await wait(s.get(key)));
    if (next !== undefined) await wait(s.put(next));
    return next;
  });
}
