// "Queue this form through the outbox" (DESIGN rules 1-4), for a write about one dossier (a
// postal request, a rating, a supplement answer): the form becomes an outbox item of its
// kind, sent to the API address the page gave the form, with the form's client_id as
// Idempotency-Key, so it is never lost offline and never arrives twice. The page's signed
// link (in the body) authorises the replay. The form's notice says it is kept on the device;
// once sent the page moves to the dossier (data-status-url); refused, the notice says why.
//
// A form with files (`withFiles`: its file fields marked data-requirement, as on the apply
// form) has each picked file made small and checked by files.js, exactly as apply does; the
// bytes go into the item as blobs, which sync.js uploads first (PUT /api/v1/blobs/<sha256>)
// before the JSON request that names them.
import * as outbox from "./outbox.js";
import { bindFiles } from "./files.js";
import { flush } from "./sync.js";
import { _ } from "./i18n.js";

export const value = (form, name) => (form.elements[name] ? form.elements[name].value : "");

// Submits that `wanted(event)` picks are queued; if that fails (no IndexedDB here) the form
// is posted as it is, by `plain()`. A double tap queues once.
export function intercept(form, wanted, queued, plain) {
  let busy = false;
  form.addEventListener("submit", (event) => {
    if (!wanted(event)) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    queued().catch(plain).finally(() => { busy = false; });
  });
}

// The form's files, kept in memory (not in a draft) until the form is queued. `report` is
// files.js's: called with { "documents.<field>": [why a file was refused] } after each pick.
export function withFiles(form, report) {
  const held = { files: {} };
  const bound = bindFiles(form, held, () => Promise.resolve(), report);
  return {
    ...bound,
    picked: () => Object.values(held.files).flat(),
    // For the plain post when the device cannot queue: the prepared files go back into their
    // inputs (files.js empties them after each pick), so the server still gets them.
    restore() {
      if (!self.DataTransfer) return;
      for (const [field, list] of Object.entries(held.files)) {
        const input = form.querySelector(`[data-requirement="${CSS.escape(field)}"] input[type=file]`);
        const transfer = new DataTransfer();
        for (const f of list) transfer.items.add(new File([f.bytes], f.name, { type: f.type }));
        if (input) input.files = transfer.files;
      }
    },
  };
}

// The documents a request names and the blobs behind them (each file's bytes once).
export function documents(files) {
  const blobs = new Map();
  for (const f of files) {
    blobs.set(f.sha256, { sha256: f.sha256, name: f.name, type: f.type, size: f.size, bytes: f.bytes, sent: false });
  }
  return { documents: files.map((f) => ({ sha256: f.sha256, name: f.name })), blobs: [...blobs.values()] };
}

// `notice`: the selector of the form's notice; `saved`: what it says once the item is kept.
// `follow`: if it could not go at once, the page still moves on (or says why) once it goes.
export async function queue(form, { kind, title, url, body, notice, saved, blobs = [], follow = false }) {
  const id = value(form, "client_id");
  await outbox.enqueue({
    id, kind, title, blobs, request: { url, body },
    form: { path: location.pathname, files: {} },
    context: { code: form.dataset.code, status_url: form.dataset.statusUrl },
  });
  const box = form.querySelector(notice);
  box.hidden = false;
  box.textContent = saved;
  await flush({ only: id });
  const done = (item) => {
    if (!item || !form.isConnected) return true;
    if (item.state === outbox.SENT) location.assign(form.dataset.statusUrl);
    else if (item.state === outbox.ATTENTION) refused(box, item);
    return item.state === outbox.SENT || item.state === outbox.ATTENTION;
  };
  if (done(await outbox.get(id)) || !follow) return;
  // Still waiting (no signal): whichever trigger sends it later, this page follows.
  let finished = false;
  outbox.on("change", async () => {
    if (!finished) finished = done(await outbox.get(id));
  });
}

// Said where the person is looking, as an error: the item waits in the outbox, marked.
function refused(box, item) {
  box.textContent = item.error.message || _("Máy chủ chưa nhận yêu cầu này. Xem Hộp thư đi để biết cách xử lý.");
  box.classList.add("error");
  box.setAttribute("role", "alert");
}
