// "Queue this form through the outbox" (DESIGN rules 1-4), for a write about one dossier
// that carries no files (a postal request, a rating): the form becomes an outbox item of its
// kind, sent to the API address the page gave the form, with the form's client_id as
// Idempotency-Key, so it is never lost offline and never arrives twice. The page's signed
// link (in the body) authorises the replay. The form's notice says it is kept on the device;
// once sent the page moves to the dossier (data-status-url); refused, the notice says why.
import * as outbox from "./outbox.js";
import { flush } from "./sync.js";

export const value = (form, name) => (form.elements[name] ? form.elements[name].value : "");

// Submits that `wanted(event)` picks are queued; if that fails (no IndexedDB here) the form
// is posted as it is, by `plain()`.
export function intercept(form, wanted, queued, plain) {
  form.addEventListener("submit", (event) => {
    if (!wanted(event)) return;
    event.preventDefault();
    queued().catch(plain);
  });
}

// `notice`: the selector of the form's notice; `saved`: what it says once the item is kept.
export async function queue(form, { kind, title, url, body, notice, saved }) {
  const id = value(form, "client_id");
  await outbox.enqueue({
    id, kind, title, blobs: [], request: { url, body },
    form: { path: location.pathname, files: {} }, context: { code: form.dataset.code },
  });
  const box = form.querySelector(notice);
  box.hidden = false;
  box.textContent = saved;
  await flush({ only: id });
  const item = await outbox.get(id);
  if (item && item.state === outbox.SENT) location.assign(form.dataset.statusUrl);
  else if (item && item.state === outbox.ATTENTION) box.textContent = item.error.message || box.textContent;
}
