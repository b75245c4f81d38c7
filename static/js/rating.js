// A rating as an outbox item of kind "rating": queued on the device, sent to
// POST /api/v1/dossiers/<code>/rating with the form's client_id as Idempotency-Key, so it
// is never lost offline and never counted twice. The page's signed link authorises it.
import * as outbox from "./outbox.js";
import { flush } from "./sync.js";
import { _ } from "./i18n.js";

export function enhance(form) {
  if (form.dataset.enhanced) return;
  form.dataset.enhanced = "1";
  form.addEventListener("submit", (event) => {
    if (!form.checkValidity()) return; // let the browser point at the missing choice
    event.preventDefault();
    queue(form).catch(() => form.submit()); // no IndexedDB: post the plain form
  });
}

async function queue(form) {
  const value = (name) => (form.elements[name] ? form.elements[name].value : "");
  const body = { level: Number(value("level")), comment: value("comment"), token: form.dataset.token };
  if (value("officer")) body.officer = Number(value("officer"));
  const id = value("client_id");
  await outbox.enqueue({
    id, kind: "rating", title: _("Đánh giá · %(code)s", { code: form.dataset.code }), blobs: [],
    request: { url: `/api/v1/dossiers/${encodeURIComponent(form.dataset.code)}/rating`, body },
    form: { path: location.pathname, files: {} }, context: { code: form.dataset.code },
  });
  const notice = form.querySelector("[data-rating-notice]");
  notice.hidden = false;
  notice.textContent = _("Đánh giá đã được lưu trên máy và sẽ tự gửi khi có mạng.");
  await flush({ only: id });
  const item = await outbox.get(id);
  if (item && item.state === outbox.SENT) location.assign(form.dataset.statusUrl);
  else if (item && item.state === outbox.ATTENTION) notice.textContent = item.error.message || notice.textContent;
}
