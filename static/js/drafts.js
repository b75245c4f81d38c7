// Drafts: a form's values and attached files, saved to IndexedDB as the person types, so
// closing the app, losing power or an update never costs them their work (DESIGN rule 1).
//
// draft = { key: "apply:<procedure>" (a new dossier) or "item:<id>" (fixing a queued one),
//           owner (owner.js: whose it is), client_id, procedure, values: { field name: value },
//           files: { requirement id: [{ sha256, name, type, size, original_size, bytes }] } }
// Each owner has their own draft of a form: stored under owner.key(key), so one person's
// draft is never shown to, nor overwritten by, the next person on the phone.
import * as store from "./store.js";
import * as owner from "./owner.js";
import { uuid } from "./bytes.js";

const NOT_SAVED = new Set(["csrf_token", "client_id"]);

// The current owner's draft of `key`, or undefined.
export async function load(key) {
  const who = owner.current();
  const draft = await store.get("drafts", owner.key(key, who));
  return owner.mine(draft, who) ? { ...draft, key } : undefined;
}

// Saved for the owner it was loaded for, even if someone else signed in meanwhile (another tab).
export function save(draft) {
  const who = draft.owner === undefined ? owner.current() : draft.owner;
  return store.put("drafts", { ...draft, key: owner.key(draft.key, who), owner: who, updated_at: Date.now() });
}

export const remove = (key, who = owner.current()) => store.remove("drafts", owner.key(key, who));

export function fresh(key, procedure) {
  return { key, owner: owner.current(), client_id: uuid(), procedure, values: {}, files: {} };
}

export function readValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name || NOT_SAVED.has(el.name) || ["file", "submit", "button"].includes(el.type)) continue;
    if (el.type === "radio") { if (el.checked) values[el.name] = el.value; } else if (el.type === "checkbox") values[el.name] = el.checked ? el.value : "";
    else values[el.name] = el.value;
  }
  return values;
}

export function fillValues(form, values) {
  for (const el of form.elements) {
    if (!el.name || !(el.name in values) || NOT_SAVED.has(el.name) || el.type === "file") continue;
    if (el.type === "radio" || el.type === "checkbox") el.checked = values[el.name] === el.value;
    else el.value = values[el.name];
  }
}

// Has the person put anything in? (A preselected choice, or what the page prefilled —
// `initial`, the form's values before any draft was restored —, does not count.)
export function touched(draft, initial = {}) {
  const typed = Object.entries(draft.values).some(([k, v]) => k !== "return_method" && String(v).trim()
    && v !== initial[k]);
  return typed || Object.values(draft.files).some((list) => list.length);
}
