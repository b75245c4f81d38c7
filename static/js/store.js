// IndexedDB: the one place where what a person typed, photographed or queued is kept.
// The schema is versioned; each MIGRATIONS step upgrades one version. Steps are only ever
// appended, and no step deletes stored data: a deploy never clears drafts or the outbox
// (DESIGN.md, rule 1). File bytes are stored as ArrayBuffer (Safari loses Blobs here).

const NAME = "motcua";
const MIGRATIONS = [
  // v1: drafts by form, outbox items by client id, the person's dossiers by code.
  (db) => {
    db.createObjectStore("drafts", { keyPath: "key" });
    db.createObjectStore("outbox", { keyPath: "id" }).createIndex("state", "state");
    db.createObjectStore("dossiers", { keyPath: "code" });
    db.createObjectStore("meta", { keyPath: "key" });
  },
];

let opening = null;

export function open() {
  opening = opening || new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, MIGRATIONS.length);
    request.onupgradeneeded = (event) => {
      for (let v = event.oldVersion; v < MIGRATIONS.length; v += 1) {
        MIGRATIONS[v](request.result, request.transaction);
      }
    };
    request.onsuccess = () => {
      const db = request.result;
      // A newer page (after a deploy) wants to migrate: step aside; reopen on next use.
      db.onversionchange = () => { db.close(); opening = null; };
      resolve(db);
    };
    request.onerror = () => { opening = null; reject(request.error); };
  });
  return opening;
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

// Read, change and write one record in a single transaction, so two tabs cannot interleave.
// `change(old)` returns the new record, or undefined to leave it as it is.
export function update(name, key, change) {
  return transact(name, "readwrite", async (s) => {
    const next = change(await wait(s.get(key)));
    if (next !== undefined) await wait(s.put(next));
    return next;
  });
}
