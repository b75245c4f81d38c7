// The catalogue search box when the network is away. Online, htmx asks the server as the
// person types (templates/citizen/procedures.html). Offline, or when a request cannot get
// through, the same ranking (search-match.js) runs here on the catalogue the service worker
// keeps (/thu-tuc, every procedure), and a note says the results come from the device.
// A search address opened offline (/thu-tuc?q=ho%20tich) gets the stored page, made for no
// search at all: its list says what it was made for, and the address is searched here.

import { _ } from "./i18n.js";
import { rank } from "./search-match.js";
import { url } from "./routes.js";

let catalogue = null; // Promise of the whole catalogue's cards, in catalogue order

export function enhance(form) {
  if (form.dataset.searchReady) return;
  form.dataset.searchReady = "1";
  table = null; // this page's synonym table
  const results = document.getElementById("results");
  if (!results) return;
  catalogue = results.hasAttribute("data-complete") ? Promise.resolve(cards(results)) : null;
  form.addEventListener("htmx:beforeRequest", (event) => {
    if (navigator.onLine) return;
    event.preventDefault(); // it would only fail (htmx:sendError)
    searchHere(form);
  });
  // Signal but no way through: the device answers, with a note that says so (app.js leaves
  // this request's failure to us, so the focus stays in the box).
  form.addEventListener("htmx:sendError", () => searchHere(form));
  const wanted = fromAddress();
  if (!sameSearch(wanted, rendered(results))) {
    fill(form, wanted);
    searchHere(form);
  }
}

// Back online with results from the device: ask the server again (its list is the truth).
addEventListener("online", () => {
  const form = document.querySelector("form[data-catalogue-search]");
  const results = document.getElementById("results");
  if (form && results && results.dataset.local && form.requestSubmit) form.requestSubmit();
});

function fromAddress() {
  const params = new URLSearchParams(location.search);
  return search(params.get("q"), params.get("co-quan"), params.get("linh-vuc"));
}

function rendered(results) {
  const d = results.dataset;
  return search(d.renderedQ, d.renderedAgency, d.renderedField);
}

// A search as the server reads it (app/citizen/catalogue.py: procedures).
function search(q, agency, field) {
  const id = String(agency || "").trim();
  return {
    q: String(q || "").trim().slice(0, 200),
    agency: /^\d+$/.test(id) && Number(id) ? String(Number(id)) : "",
    field: String(field || "").trim(),
  };
}

function sameSearch(a, b) {
  return a.q === b.q && a.agency === b.agency && a.field === b.field;
}

function fill(form, wanted) {
  form.elements.q.value = wanted.q;
  const agency = form.elements["co-quan"];
  const field = form.elements["linh-vuc"];
  if (agency) agency.value = wanted.agency;
  if (field) field.value = wanted.field;
  const more = form.querySelector("details");
  if (more && (wanted.agency || wanted.field)) more.open = true;
}

async function searchHere(form) {
  const results = document.getElementById("results");
  if (!results) return;
  const data = new FormData(form);
  const wanted = search(data.get("q"), data.get("co-quan"), data.get("linh-vuc"));
  catalogue = catalogue || stored().then((kept) => kept || cards(results));
  const pool = (await catalogue).filter((card) =>
    (!wanted.agency || card.dataset.agencyId === wanted.agency) &&
    (!wanted.field || card.dataset.field === wanted.field));
  let order = pool.map((_card, i) => i);
  let partial = false;
  if (wanted.q) ({ order, partial } = rank(wanted.q, pool.map(entry), terms()));
  show(results, order.map((i) => pool[i]), partial, Boolean(wanted.q));
  const address = `${location.pathname}?${new URLSearchParams(data)}`;
  history.replaceState(history.state, "", address); // a reload (offline too) keeps the search
}

// A search lists its best `data-shown` (as the server does); the whole list, all of it.
function show(results, found, partial, searched) {
  const listed = searched ? found.slice(0, Number(results.dataset.shown) || found.length) : found;
  results.querySelector("ul.cards").replaceChildren(...listed.map((card) => card.cloneNode(true)));
  results.querySelector("[data-results-count]").textContent =
    _("Tìm thấy %(num)s thủ tục", { num: found.length });
  const more = results.querySelector("[data-results-more]");
  more.hidden = listed.length === found.length;
  more.textContent = _("Đây là %(shown)s thủ tục khớp nhất; gõ thêm từ để thu hẹp.", { shown: listed.length });
  const note = results.querySelector("[data-results-offline]");
  if (navigator.onLine && note.dataset.unreachable) note.textContent = note.dataset.unreachable;
  note.hidden = false;
  results.querySelector("[data-results-partial]").hidden = !partial;
  results.querySelector("[data-results-empty]").hidden = found.length > 0;
  results.dataset.local = "1";
  if (self.htmx) self.htmx.process(results); // the cards' links are boosted like the others
}

function cards(results) {
  return [...results.querySelectorAll("ul.cards > li.card")].map((card) => card.cloneNode(true));
}

function entry(card) {
  const d = card.dataset;
  return { code: d.code || "", name: card.querySelector("a").textContent, field: d.field || "",
    agency: d.agency || "" };
}

// The whole catalogue as the service worker keeps it, or null when it keeps none.
async function stored() {
  try {
    const response = self.caches && (await caches.match(url("procedures"), { ignoreVary: true }));
    if (!response) return null;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const results = page.getElementById("results");
    if (!results || !results.hasAttribute("data-complete")) return null;
    return cards(results).map((card) => document.importNode(card, true));
  } catch {
    return null;
  }
}

let table = null;

function terms() {
  if (!table) {
    try {
      table = JSON.parse(document.getElementById("search-terms").textContent);
    } catch {
      table = { phrases: {}, ignore: [], longest: 1 }; // no synonyms beats no search
    }
  }
  return table;
}
