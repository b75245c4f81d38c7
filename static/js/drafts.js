// Drafts: a form's values and attached files, saved to IndexedDB as the person types, so
// closing the app, losing power or an update never costs them their work (DESIGN rule 1).
//
// draft = { key: "apply:<procedure>" (a new dossier) or "item:<id>" (fixing a queued one),
//           client_id, procedure, values: { field name: value },
//           files: { requirement id: [{ sha256, name, type, size, original_size, bytes }] } }
import * as store from "./store.js";
import { uuid } from "./bytes.js";

const NOT_SAVED = new Set(["csrf_token", "client_id"]);

export const load = (key) => store.get("drafts", key);
export const save = (draft) => store.put("drafts", { ...draft, updated_at: Date.now() });
export const remove = (key) => store.remove("drafts", key);

export function fresh(key, procedure) {
  return { key, client_id: uuid(), procedure, values: {}, files: {} };
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
