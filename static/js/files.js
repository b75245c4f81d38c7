// The file fields of a form, taken over by script: each attached file is made small
// (photos), hashed and kept in the draft with its bytes at once, then listed with a
// "remove" button. The browser's own file input is emptied after each pick, so a file
// lives in exactly one place: the draft.
import { prepare } from "./photo.js";
import { humanSize, sha256Hex } from "./bytes.js";
import { fill, h } from "./dom.js";
import { _ } from "./i18n.js";

const ACCEPTED = ["application/pdf", "image/jpeg", "image/png"];

export function bindFiles(form, draft, changed) {
  const limit = Number(form.dataset.maxFile) || 10 * 1024 * 1024;
  const busy = new Set();
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
    ));
    const working = field.dataset.busy ? [h("li", { class: "muted" }, _("Đang thu nhỏ và lưu tệp…"))] : [];
    fill(list, [...items, ...working]);
  }

  function removeFile(field, index) {
    draft.files[field.dataset.requirement].splice(index, 1);
    render(field);
    changed().catch(() => null); // kept in memory; the next save writes it
  }

  async function add(field, picked) {
    const req = field.dataset.requirement;
    field.dataset.busy = "1";
    render(field);
    const problems = [];
    try {
      for (const file of picked) {
        const f = await prepare(file);
        if (!ACCEPTED.includes(f.type)) problems.push(_("%(name)s: chỉ nhận ảnh chụp (JPEG, PNG) hoặc tệp PDF.", { name: file.name }));
        else if (f.size > limit) problems.push(_("%(name)s quá lớn (%(size)s); mỗi tệp tối đa %(limit)s.",
          { name: file.name, size: humanSize(f.size), limit: humanSize(limit) }));
        else {
          f.sha256 = await sha256Hex(f.bytes);
          const list = (draft.files[req] = draft.files[req] || []);
          if (!list.some((x) => x.sha256 === f.sha256)) list.push(f);
        }
      }
    } catch {
      problems.push(_("Không đọc được tệp này trên máy. Vui lòng chọn lại."));
    } finally {
      delete field.dataset.busy;
    }
    try {
      await changed();
    } catch {
      problems.push(_("Máy không lưu được tệp (bộ nhớ có thể đã đầy). Vui lòng thử lại."));
    }
    render(field);
    field.querySelectorAll("p.file-problem").forEach((p) => p.remove());
    for (const text of problems) field.querySelector("label").after(h("p", { class: "error file-problem" }, text));
  }

  for (const field of fields) {
    const input = field.querySelector("input[type=file]");
    render(field);
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
  };
}
