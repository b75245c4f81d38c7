// A rating as an outbox item of kind "rating": queued on the device, sent to the API address
// the form names (data-rating-api: POST /api/v1/dossiers/<code>/rating) with the form's
// client_id as Idempotency-Key (queued-form.js), so it is never lost offline and never
// counted twice. The page's signed link authorises it.
import { intercept, queue, value } from "./queued-form.js";
import { _ } from "./i18n.js";

export function enhance(form) {
  if (form.dataset.enhanced) return;
  form.dataset.enhanced = "1";
  intercept(form,
    () => form.checkValidity(), // else the browser points at the missing choice
    () => queueRating(form),
    () => form.submit()); // no IndexedDB: post the plain form
}

async function queueRating(form) {
  const body = { level: Number(value(form, "level")), comment: value(form, "comment"), token: form.dataset.token };
  if (value(form, "officer")) body.officer = Number(value(form, "officer"));
  return queue(form, {
    kind: "rating", title: _("Đánh giá · %(code)s", { code: form.dataset.code }),
    url: form.dataset.ratingApi, body, notice: "[data-rating-notice]",
    saved: _("Đánh giá đã được lưu trên máy và sẽ tự gửi khi có mạng."),
  });
}
