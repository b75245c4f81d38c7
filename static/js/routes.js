// Where things are. No script writes an address of the app: the server renders the ones the
// scripts use with url_for into a JSON data block in every page (base.html, id "js-routes";
// app/pwa/routes.py): data, never run, so the CSP holds, and in the page, so it works
// offline. An address with parts to fill is a template, "/ho-so/{code}": `url("status",
// { code })` fills each part, encoded. Addresses that belong to one dossier come with the
// form that uses them (data-* attributes: postal.js, rating.js).

let table = null;

function read() {
  if (table === null) {
    const block = document.getElementById("js-routes");
    try {
      table = block ? JSON.parse(block.textContent) : {};
    } catch {
      table = {};
    }
  }
  return table;
}

// False on a page without the block (one a service worker kept from an older build): main.js
// then leaves it a plain HTML page, as where the offline features are missing.
export function known() {
  return "outbox" in read();
}

export function url(name, parts = {}) {
  const route = read()[name];
  if (!route) throw new Error(`no address for ${name}`);
  return route.replace(/\{(\w+)\}/g, (whole, part) => encodeURIComponent(parts[part]));
}
