// Postal requests as outbox items of kind "postal" (DESIGN rules 1-4). Every form of the page
// marked `data-postal-api` at its confirm step (register, change, cancel) is queued on the
// device and sent to that API address with the form's client_id as Idempotency-Key
// (queued-form.js). No files; the signed link of the page authorises the replay.
import { intercept, queue, value } from "./queued-form.js";
import { _ } from "./i18n.js";

// `form` is form#postal-form (main.js loads this module for it); the cancel form rides along.
export function enhance(form) {
  for (const each of new Set([form, ...document.querySelectorAll("form[data-postal-api]")])) enhanceOne(each);
}

function enhanceOne(form) {
  if (form.dataset.enhanced || form.dataset.step !== "confirm" || !form.dataset.postalApi) return;
  form.dataset.enhanced = "1";
  intercept(form,
    (event) => event.submitter && event.submitter.value === "confirm", // "Sửa lại": plain post
    () => queuePostal(form),
    () => plainSubmit(form)); // no IndexedDB here: the form posts as it is
}

async function queuePostal(form) {
  const fields = (form.dataset.fields || "").split(" ").filter(Boolean);
  const body = Object.fromEntries(fields.map((k) => [k, value(form, k)]));
  if ("province" in body) body.province = Number(body.province);
  if ("ward" in body) body.ward = Number(body.ward);
  body.token = form.dataset.token;
  return queue(form, {
    kind: "postal", title: form.dataset.title || _("Gửi qua bưu chính · %(code)s", { code: form.dataset.code }),
    url: form.dataset.postalApi, body, notice: "[data-postal-notice]",
    saved: _("Yêu cầu đã được lưu trên máy và sẽ tự gửi khi có mạng."),
  });
}

function plainSubmit(form) {
  const action = document.createElement("input");
  Object.assign(action, { type: "hidden", name: "action", value: "confirm" });
  form.append(action);
  form.submit();
}
