// The file fields of a form, taken over by script: each attached file is made small
// (photos), judged by its bytes and size (file-check.js), hashed and kept in the draft with
// its bytes at once, then listed with a "remove" button. A file that would be refused is
// not kept: why is said by its field and in the error summary (`report`), before anything
// is sent. The browser's own file input is emptied after each pick, so a file lives in
// exactly one place: the draft.
import { prepare } from "./photo.js";
import { problem } from "./file-check.js";
import { checkPhoto, photoHint } from "./photo-check.js";
import { humanSize, sha256Hex } from "./bytes.js";
import { fill, h } from "./dom.js";
import { _ } from "./i18n.js";

const ALL = ["application/pdf", "image/jpeg", "image/png"];

// `report(problems)` is called after each pick with { "documents.<id>": [messages] }.
export function bindFiles(form, draft, changed, report = () => null) {
  const limit = Number(form.dataset.maxFile) || 10 * 1024 * 1024;
  const total = Number(form.dataset.maxDossier) || 50 * 1024 * 1024;
  const busy = new Set();
  const problems = {}; // the last pick's refusals, per field; a new pick there replaces them
  const fields = [...form.querySelectorAll("[data-requirement]")];

  function render(field) {
    const req = field.dataset.requirement;
    let list = field.querySelector("ul.files");
    if (!list) {
      list = h("ul", { class: "files" });
      field.querySelector("input[type=file]").after(list);
    }
    const items = (draft.files[req] || []).map((f, i) => h("li", {},
      h("span", { class: "file-name" }, `✓ ${f.name}`), " ",
      h("span", { class: "muted" }, f.original_size > f.size
        ? _("(%(size)s, ảnh gốc %(original)s)", { size: humanSize(f.size), original: humanSize(f.original_size) })
        : `(${humanSize(f.size)})`), " ",
      h("button", { type: "button", class: "file-remove", onclick: () => removeFile(field, i) }, _("Bỏ tệp này")),
      photoHint(f, { retake: () => retake(field, f), keep: () => keep(field, f) }),
    ));
    const working = field.dataset.busy ? [h("li", { class: "muted" }, _("Đang thu nhỏ và lưu tệp…"))] : [];
    fill(list, [...items, ...working]);
  }

  function removeFile(field, index) {
    draft.files[field.dataset.requirement].splice(index, 1);
    render(field);
    changed().catch(() => null); // kept in memory; the next save writes it
  }

  // A photo that looks unreadable (photo-check.js) is only advice: kept, or retaken, in which
  // case the new photo takes its place once it is here (cancelling keeps the old one).
  function retake(field, f) {
    field.dataset.retake = f.sha256;
    field.querySelector("input[type=file]").click();
  }

  function keep(field, f) {
    f.check.kept = true;
    render(field);
    changed().catch(() => null);
  }

  const sentBytes = () => Object.values(draft.files).flat().reduce((sum, f) => sum + f.size, 0);

  async function add(field, picked) {
    const req = field.dataset.requirement;
    const input = field.querySelector("input[type=file]");
    const accepted = input.accept.split(",").map((t) => t.trim()).filter((t) => ALL.includes(t));
    const refused = [];
    const retaking = field.dataset.retake;
    delete field.dataset.retake;
    field.dataset.busy = "1";
    render(field);
    try {
      for (const file of picked) {
        const f = await prepare(file);
        const why = problem(f, { limit, accepted });
        if (why) { refused.push(why); continue; }
        if (sentBytes() + f.size > total) {
          refused.push(_("%(name)s: cả hồ sơ sẽ nặng %(size)s; một hồ sơ tối đa %(max)s.",
            { name: f.name, size: humanSize(sentBytes() + f.size), max: humanSize(total) }));
          continue;
        }
        f.sha256 = await sha256Hex(f.bytes);
        f.check = await checkPhoto(f);
        const list = (draft.files[req] = draft.files[req] || []);
        if (!list.some((x) => x.sha256 === f.sha256)) list.push(f);
        const old = list.findIndex((x) => x.sha256 === retaking && x.sha256 !== f.sha256);
        if (old >= 0) list.splice(old, 1);
      }
    } catch {
      refused.push(_("Không đọc được tệp này trên máy. Vui lòng chọn lại."));
    } finally {
      delete field.dataset.busy;
    }
    try {
      await changed();
    } catch {
      refused.push(_("Máy không lưu được tệp (bộ nhớ có thể đã đầy). Vui lòng thử lại."));
    }
    render(field);
    if (refused.length) problems[`documents.${req}`] = refused;
    else delete problems[`documents.${req}`];
    report({ ...problems });
  }

  for (const field of fields) {
    const input = field.querySelector("input[type=file]");
    render(field);
    input.addEventListener("cancel", () => delete field.dataset.retake);
    input.addEventListener("change", () => {
      const picked = [...input.files];
      input.value = "";
      if (!picked.length) return;
      const job = add(field, picked).finally(() => busy.delete(job));
      busy.add(job);
    });
  }

  return {
    // Resolves once every picked file has been made small and saved.
    pending: () => Promise.all([...busy]),
    // What the last pick in each field refused, for the summary on submit.
    problems: () => ({ ...problems }),
  };
}
