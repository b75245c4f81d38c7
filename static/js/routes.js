// Where things are. No script writes an address of the app: the server renders the ones the
// scripts use with url_for into a JSON data block in every page (base.html, id "js-routes";
// app/pwa/routes.py): data, never run, so the CSP holds, and in the page, so it works
// offline. An address with parts to fill is a template, "/ho-so/{code}": `url("status",
// { code })` fills each part, encoded. Addresses that belong to one dossier come with the
// form that uses them (data-* attributes: postal.js, rating.js).

let table = null;
// Each page with the block leaves a copy here, so a page the service worker kept from an older
// build (no block) still finds its addresses offline: the new worker only took over after a page
// of the new build had loaded online, and that page left the copy (DESIGN.md rule 1: the outbox
// and drafts must work on every page the person can open offline).
const KEPT = "motcua.routes";

function parse(text) {
  try {
    const parsed = JSON.parse(text);
    return parsed && typeof parsed === "object" ? parsed : null;
  } catch {
    return null;
  }
}

function kept(storage) {
  try {
    return parse(storage.getItem(KEPT) || "");
  } catch {  // storage refused (private mode, quota): no copy
    return null;
  }
}

function read() {
  if (table === null) {
    const block = document.getElementById("js-routes");
    const fresh = block ? parse(block.textContent) : null;
    if (fresh) {
      try { localStorage.setItem(KEPT, block.textContent); } catch { /* no copy: fine online */ }
    }
    table = fresh || kept(localStorage) || {};
  }
  return table;
}

// False only on a page without the block when no page of this build has left its copy: main.js
// then leaves it a plain HTML page, as where the offline features are missing.
export function known() {
  return "outbox" in read();
}

export function url(name, parts = {}) {
  const route = read()[name];
  if (!route) throw new Error(`no address for ${name}`);
  return route.replace(/\{(\w+)\}/g, (whole, part) => encodeURIComponent(parts[part]));
}
