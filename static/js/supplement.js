// A supplement answer as an outbox item of kind "supplement" (DESIGN rules 1-4): the photos
// are made small and checked as on the apply form (files.js), kept on the device with the
// note, uploaded one by one, then the answer is posted to the API address the form names
// (data-supplement-api) with the form's client_id as Idempotency-Key (queued-form.js). The
// page's signed link authorises it, and the round it answers (`supplement`) keeps a stale
// answer out of a later round (past the deadline it is still taken; staff see it came late).
// Without script the same form posts as plain multipart.
import { documents, intercept, queue, value, withFiles } from "./queued-form.js";
import { clearErrors, showErrors } from "./form-errors.js";
import { sentCheck } from "./photo-check.js";
import { _ } from "./i18n.js";

const FIELD = "documents.files"; // the file field: data-requirement="files"

export function enhance(form) {
  if (form.dataset.enhanced || !form.dataset.supplementApi) return;
  form.dataset.enhanced = "1";
  let refused = {};
  const files = withFiles(form, (problems) => {
    refused = problems;
    if (Object.keys(problems).length) showErrors(form, null, problems, { focus: false });
    else clearErrors(form);
  });
  intercept(form, () => true, () => queueAnswer(form, files, () => refused), () => {
    files.restore(); // no storage here: post the plain form, with the files picked
    form.submit();
  });
}

async function queueAnswer(form, files, refused) {
  await files.pending();
  const picked = files.picked();
  if (!picked.length) {
    const why = refused()[FIELD] || [_("Vui lòng đính kèm giấy tờ bổ sung.")];
    return showErrors(form, null, { [FIELD]: why });
  }
  clearErrors(form);
  const { documents: docs, blobs } = documents(picked);
  // Each photo's check travels with it, as on the apply form, for staff to read (undefined,
  // so not sent, for what was not checked).
  docs.forEach((d, i) => { d.check = sentCheck(picked[i].check); });
  const body = { documents: docs, note: value(form, "note").trim(), token: form.dataset.token };
  if (value(form, "supplement")) body.supplement = Number(value(form, "supplement"));
  return queue(form, {
    kind: "supplement", title: _("Bổ sung hồ sơ · %(code)s", { code: form.dataset.code }),
    url: form.dataset.supplementApi, body, blobs, notice: "[data-supplement-notice]", follow: true,
    saved: _("Giấy tờ bổ sung đã được lưu trên máy và sẽ tự gửi khi có mạng."),
  });
}
