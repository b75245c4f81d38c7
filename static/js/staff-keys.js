// Keyboard shortcuts for the staff queue: "/" jumps to the search box, j/k or the arrow
// keys move between dossiers, Enter opens the one selected. The selection is real focus on
// the row's link, so Enter and screen readers behave as they do for any link, and the
// browser's own focus ring shows it (with the row highlighted by CSS).
//
// One listener on the document, looking the rows up at each key press: htmx swaps the
// results (filters, tabs, pages) and boosted navigation swaps the whole page, and neither
// needs anything re-bound. Loaded as a module, which runs once per document.

const RESULTS = "queue-results";
const LINKS = "tbody tr a.code";

// Where "/" is a character someone is typing.
const WRITING = "textarea, [contenteditable], input:not([type=checkbox]):not([type=radio])" +
  ":not([type=button]):not([type=submit]):not([type=reset]):not([type=file])";
// Where letters and arrows already mean something (type-ahead, choosing an option).
const OWN_KEYS = `${WRITING}, select, input[type=radio]`;

function within(el, selector) {
  return el instanceof Element && !!el.closest(selector);
}

function links() {
  const results = document.getElementById(RESULTS);
  return results ? [...results.querySelectorAll(LINKS)] : [];
}

function select(step) {
  const all = links();
  if (!all.length) return false;
  const at = all.indexOf(document.activeElement);
  // Nothing selected yet: j or ↓ starts at the top, k or ↑ at the bottom.
  const next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
  all[next].focus();
  all[next].closest("tr").scrollIntoView({ block: "nearest" });
  return true;
}

function onKey(event) {
  if (!document.getElementById(RESULTS)) return; // not the queue page
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  const search = document.getElementById("q");
  let handled = false;
  if (target === search) {
    // Typing a search: ↓ goes to the results, Escape leaves the box; letters stay letters.
    if (event.key === "ArrowDown") handled = select(1);
    else if (event.key === "Escape") { search.blur(); handled = true; }
  } else if (event.key === "/" && search && !within(target, WRITING)) {
    search.focus();
    search.select();
    handled = true;
  } else if (!within(target, OWN_KEYS)) {
    if (event.key === "j" || event.key === "ArrowDown") handled = select(1);
    else if (event.key === "k" || event.key === "ArrowUp") handled = select(-1);
    // Enter needs nothing here: the selected row's link has focus and opens itself.
  }
  if (handled) event.preventDefault();
}

document.addEventListener("keydown", onKey);

// New results replace the focused link; keep the selection on the same dossier (or the same
// place in the list). Leaving the search box with ↓ is one such swap: the box's `change`
// event asks for the results again just as the first row takes focus.
let kept = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  if (event.detail.target.id !== RESULTS) return;
  const at = links().indexOf(document.activeElement);
  kept = at < 0 ? null : { code: document.activeElement.textContent, at };
});
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== RESULTS || !kept) return;
  const all = links();
  const again = all.find((a) => a.textContent === kept.code) || all[Math.min(kept.at, all.length - 1)];
  kept = null;
  if (again) again.focus();
});

// The help line is only true when this script runs, so it is hidden until then.
function showHelp() {
  for (const el of document.querySelectorAll("[data-keys-help]")) el.hidden = false;
}
showHelp();
document.addEventListener("htmx:afterSettle", showHelp);
