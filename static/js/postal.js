// Postal requests as outbox items of kind "postal" (DESIGN rules 1-4). Every form of the page
// marked `data-postal-api` at its confirm step (register, change, cancel) is queued on the
// device and sent to that API address with the form's client_id as Idempotency-Key.
// No files, so `blobs` is empty; the signed link of the page authorises the replay.
import * as outbox from "./outbox.js";
import { flush } from "./sync.js";
import { _ } from "./i18n.js";

// `form` is form#postal-form (main.js loads this module for it); the cancel form rides along.
export function enhance(form) {
  for (const each of new Set([form, ...document.querySelectorAll("form[data-postal-api]")])) enhanceOne(each);
}

function enhanceOne(form) {
  if (form.dataset.enhanced || form.dataset.step !== "confirm" || !form.dataset.postalApi) return;
  form.dataset.enhanced = "1";
  form.addEventListener("submit", (event) => {
    if (!event.submitter || event.submitter.value !== "confirm") return; // "Sửa lại": plain post
    event.preventDefault();
    queue(form).catch(() => plainSubmit(form)); // no IndexedDB here: the form posts as it is
  });
}

async function queue(form) {
  const value = (name) => (form.elements[name] ? form.elements[name].value : "");
  const fields = (form.dataset.fields || "").split(" ").filter(Boolean);
  const body = Object.fromEntries(fields.map((k) => [k, value(k)]));
  if ("province" in body) body.province = Number(body.province);
  if ("ward" in body) body.ward = Number(body.ward);
  body.token = form.dataset.token;
  const id = value("client_id");
  await outbox.enqueue({
    id, kind: "postal", title: form.dataset.title || _("Gửi qua bưu chính · %(code)s", { code: form.dataset.code }), blobs: [],
    request: { url: form.dataset.postalApi, body },
    form: { path: location.pathname, files: {} }, context: { code: form.dataset.code },
  });
  const notice = form.querySelector("[data-postal-notice]");
  notice.hidden = false;
  notice.textContent = _("Yêu cầu đã được lưu trên máy và sẽ tự gửi khi có mạng.");
  await flush({ only: id });
  const item = await outbox.get(id);
  if (item && item.state === outbox.SENT) location.assign(form.dataset.statusUrl);
  else if (item && item.state === outbox.ATTENTION) notice.textContent = item.error.message || notice.textContent;
}

function plainSubmit(form) {
  const action = document.createElement("input");
  Object.assign(action, { type: "hidden", name: "action", value: "confirm" });
  form.append(action);
  form.submit();
}
