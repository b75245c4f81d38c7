// The apply form, with script: autosaved as the person types, restored on reopen, sent
// through the outbox (files first, then the dossier) with a progress bar per file. If it
// cannot go now, it waits in the outbox and the person is told so at once. Without
// script the same form posts to the server as a plain multipart form.
import * as drafts from "./drafts.js";
import * as outbox from "./outbox.js";
import { bindFiles } from "./files.js";
import { sentCheck } from "./photo-check.js";
import { bindOrganisation } from "./apply-org.js";
import * as declaration from "./declaration.js";
import { clearErrors, fieldMessages, showErrors } from "./form-errors.js";
import { flush } from "./sync.js";
import { _ } from "./i18n.js";
import { url } from "./routes.js";
// Loaded with the form, not on submit: without a service worker, submit may come offline.
import { queuedPanel, sendingPanel } from "./apply-panels.js";

const SAVE_DELAY_MS = 300;

export async function enhance(form) {
  if (form.dataset.enhanced) return;
  form.dataset.enhanced = "1";
  const procedure = form.dataset.procedure;
  const fixing = new URLSearchParams(location.search).get("sua");
  const item = fixing ? await outbox.get(fixing) : null;
  // On its way, sent, or waiting for something other than an edit (attention.js): not a form.
  if (item && !needsEdit(item)) return queuedPanel(form, item.id);
  const key = item ? `item:${item.id}` : `apply:${procedure}`;
  const draft = (await drafts.load(key)) || (item ? fromItem(item, key) : drafts.fresh(key, procedure));
  // `sent`: queued, so typing no longer belongs to a draft (until the server sends it back).
  // `tried`: sending was asked for once, so every missing answer is shown from then on.
  const control = { saved: Boolean(await drafts.load(key)), sent: false, busy: false, tried: false };
  let timer = null;

  form.elements.client_id.value = draft.client_id;
  const initial = drafts.readValues(form); // what the page prefilled is not the person's typing
  drafts.fillValues(form, draft.values);
  declaration.openFilled(form);
  bindOrganisation(form);

  async function save() {
    clearTimeout(timer);
    // A form swapped out by a boosted link still hears page events: it has nothing to add.
    if (!form.isConnected || control.sent) return;
    draft.values = drafts.readValues(form);
    const touched = drafts.touched(draft, initial);
    form.toggleAttribute("data-dirty", touched && !control.busy);
    if (!touched && !control.saved) return; // an untouched form leaves nothing behind
    await drafts.save(draft);
    control.saved = true;
  }
  // A failed autosave (storage full) is retried on the next keystroke and reported on submit.
  const later = () => { clearTimeout(timer); timer = setTimeout(() => save().catch(() => null), SAVE_DELAY_MS); };
  // A refused file is said at once; once the person has tried to send, with what else is missing.
  const files = bindFiles(form, draft, save, (refused) => {
    const messages = control.tried ? { ...missingRequired(form, draft), ...refused } : refused;
    if (Object.keys(messages).length) showErrors(form, null, messages, { focus: false });
    else clearErrors(form);
  });
  if (item && item.error) showItemErrors(form, item, draft);
  form.toggleAttribute("data-dirty", drafts.touched(draft, initial));

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  // Leaving (closing the app, switching away, a boosted link): save what is pending now.
  const now = () => save().catch(() => null);
  addEventListener("pagehide", now);
  document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && now());
  document.addEventListener("htmx:beforeRequest", now);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (control.busy) return; // a double tap sends once
    control.busy = true;
    const button = form.querySelector("[type=submit]");
    button.disabled = true;
    let leaving = false;
    try {
      await files.pending();
      await save();
      control.tried = true;
      // Every reason in one summary: empty fields, and why a document's file was refused.
      const missing = { ...missingRequired(form, draft), ...stillRefused(form, draft, files.problems()) };
      if (Object.keys(missing).length) return showErrors(form, null, missing);
      clearErrors(form);
      leaving = await submit(form, draft, control);
    } catch {
      // Storage refused (full, or private mode): say so; what is typed stays on screen.
      showErrors(form, _("Máy không lưu được hồ sơ (có thể bộ nhớ đã đầy). Vui lòng thử lại."), {});
    } finally {
      control.busy = leaving;
      button.disabled = leaving;
    }
  });
}

// Queue the dossier, then try to send it now. Returns true when the page is moving on.
async function submit(form, draft, control) {
  const item = toItem(form, draft);
  await outbox.enqueue(item);
  control.sent = true;
  await drafts.remove(draft.key, draft.owner);
  form.removeAttribute("data-dirty");
  if (!navigator.onLine) {
    queuedPanel(form, item.id);
    return false;
  }
  const panel = sendingPanel(form, item);
  await flush({ only: item.id });
  panel.remove();
  const after = await outbox.get(item.id);
  if (after && after.state === outbox.SENT) {
    location.assign(after.result.receipt_url);
    return true;
  }
  if (after && needsEdit(after)) {
    // Stay on this form, now bound to the queued item: fixing it resends the same dossier.
    Object.assign(draft, fromItem(after, `item:${after.id}`));
    await drafts.save(draft);
    control.sent = false;
    history.replaceState(history.state, "", `${location.pathname}?sua=${encodeURIComponent(after.id)}`);
    showItemErrors(form, after, draft);
    return false;
  }
  queuedPanel(form, item.id);
  return false;
}

function showItemErrors(form, item, draft) {
  const messages = fieldMessages(item.error, draft.files);
  showErrors(form, item.error.message || _("Máy chủ chưa nhận hồ sơ này."), messages);
}

const needsEdit = (item) => item.state === outbox.ATTENTION && item.need === "fix";

function missingRequired(form, draft) {
  const missing = {};
  for (const el of form.querySelectorAll("[required]")) {
    if (!String(el.value).trim()) missing[el.name] = [_("Vui lòng nhập thông tin này.")];
  }
  for (const field of form.querySelectorAll("[data-requirement][data-mandatory]")) {
    const req = field.dataset.requirement;
    if (!(draft.files[req] || []).length && !declaration.filled(form, req)) missing[`documents.${req}`] = [_("Vui lòng đính kèm giấy tờ này.")];
  }
  return { ...missing, ...declaration.gaps(form) };
}

// A refusal still stands where the document is required and nothing else was attached to it.
function stillRefused(form, draft, refused) {
  return Object.fromEntries(Object.entries(refused).filter(([name]) => {
    const req = name.slice("documents.".length);
    const field = form.querySelector(`[data-requirement="${CSS.escape(req)}"]`);
    return field && field.hasAttribute("data-mandatory") && !(draft.files[req] || []).length;
  }));
}

function toItem(form, draft) {
  const values = drafts.readValues(form);
  const pick = (prefix) => Object.fromEntries(Object.entries(values)
    .filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v.trim()]));
  const applicant = pick("applicant.");
  const documents = [];
  const blobs = new Map();
  const files = {};
  for (const [req, list] of Object.entries(draft.files)) {
    files[req] = list.map(({ bytes, ...meta }) => meta);
    for (const f of list) {
      // The photo's check goes with it, for staff to read (absent for what was not judged).
      documents.push({ requirement: Number(req), sha256: f.sha256, name: f.name, check: sentCheck(f.check) });
      blobs.set(f.sha256, { sha256: f.sha256, name: f.name, type: f.type, size: f.size, bytes: f.bytes, sent: false });
    }
  }
  return {
    id: draft.client_id, kind: "dossier", title: form.dataset.procedureName || draft.procedure,
    blobs: [...blobs.values()],
    request: { url: url("api_dossiers"), body: {
      procedure: draft.procedure, applicant, fields: pick("fields."), documents,
      declarations: declaration.answers(values), // absent when none is filled online
      return_method: values.return_method || "counter",
      // Filing for an organisation (its id): the server checks the membership again.
      organisation: values.organisation ? Number(values.organisation) : undefined,
      // Queued while signed in: it must land in that account (its device tag, owner.js), so a
      // replay after the session ended, or under someone else's, is refused (401) until the
      // person signs in again, never filed as anonymous or in another account.
      account: draft.owner || undefined } },
    owner: draft.owner,
    form: { procedure: draft.procedure, path: location.pathname, values, files },
    context: { procedure: draft.procedure, secret: applicant.phone || applicant.id_number },
  };
}

// A draft for fixing a queued item; it keeps the item's key, so it still arrives once.
// (A conflict is not fixed here: attention.js asks the person what to keep.)
function fromItem(item, key) {
  const bytes = new Map(item.blobs.map((b) => [b.sha256, b.bytes]));
  const files = {};
  for (const [req, list] of Object.entries(item.form.files)) {
    files[req] = list.map((f) => ({ ...f, bytes: bytes.get(f.sha256) }));
  }
  return { key, owner: item.owner || "", client_id: item.id, procedure: item.form.procedure,
    values: { ...item.form.values }, files };
}
