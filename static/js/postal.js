// A postal request as an outbox item of kind "postal" (DESIGN rules 1-4): the confirm step
// of /ho-so/<code>/buu-chinh is queued on the device and sent to
// POST /api/v1/dossiers/<code>/postal-requests with the form's client_id as Idempotency-Key.
// No files, so `blobs` is empty; the signed link of the page authorises the replay.
import * as outbox from "./outbox.js";
import { flush } from "./sync.js";

const FIELDS = ["direction", "recipient_name", "phone", "email", "street", "note"];

export function enhance(form) {
  if (form.dataset.enhanced || form.dataset.step !== "confirm") return;
  form.dataset.enhanced = "1";
  form.addEventListener("submit", (event) => {
    if (!event.submitter || event.submitter.value !== "confirm") return; // "Sửa lại": plain post
    event.preventDefault();
    queue(form).catch(() => plainSubmit(form)); // no IndexedDB here: the form posts as it is

  });
}

async function queue(form) {
  const value = (name) => (form.elements[name] ? form.elements[name].value : "");
  const body = Object.fromEntries(FIELDS.map((k) => [k, value(k)]));
  body.province = Number(value("province"));
  body.ward = Number(value("ward"));
  body.token = form.dataset.token;
  const id = value("client_id");
  await outbox.enqueue({
    id, kind: "postal", title: `Gửi qua bưu chính · ${form.dataset.code}`, blobs: [],
    request: { url: `/api/v1/dossiers/${encodeURIComponent(form.dataset.code)}/postal-requests`, body },
    form: { path: location.pathname, files: {} }, context: { code: form.dataset.code },
  });
  const notice = form.querySelector("[data-postal-notice]");
  notice.hidden = false;
  notice.textContent = "Yêu cầu đã được lưu trên máy và sẽ tự gửi khi có mạng.";
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
