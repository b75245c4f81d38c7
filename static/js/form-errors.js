// Show the server's reasons (or our own required-field check) the way the server-rendered
// form does: the message by each field, and a summary at the top that links to each one.
import { h } from "./dom.js";
import { _ } from "./i18n.js";

// Field messages from an API error: 422 details are { "applicant.name": [...], ... };
// a refused file names its blob, which we map back to its document.
export function fieldMessages(error, files = {}) {
  const out = {};
  if (error && error.status === 422 && error.details && !Array.isArray(error.details)) {
    for (const [key, value] of Object.entries(error.details)) out[key] = [].concat(value).map(String);
  }
  if (error && error.blob) {
    for (const [req, list] of Object.entries(files)) {
      if (list.some((f) => f.sha256 === error.blob)) out[`documents.${req}`] = [error.message];
    }
  }
  return out;
}

export function clearErrors(form) {
  form.parentNode.querySelectorAll(".error-summary.from-script").forEach((el) => el.remove());
  form.querySelectorAll("p.error.from-script").forEach((el) => el.remove());
  form.querySelectorAll(".has-error").forEach((el) => el.classList.remove("has-error"));
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
}

// `focus: false` when the summary comes up while the person is at a field (a file just
// refused): it is announced (role=alert) and waits at the top, the view stays where it is.
export function showErrors(form, message, messages, { focus = true } = {}) {
  clearErrors(form);
  const links = [];
  for (const [name, list, target] of inFormOrder(form, messages)) {
    for (const text of list) {
      if (!target) { links.push(h("li", {}, text)); continue; }
      const label = target.field.querySelector("label");
      const caption = label ? label.firstChild.textContent.trim() : name;
      links.push(h("li", {}, h("a", { href: `#${target.input.id}` }, `${caption}: ${text}`)));
      target.input.before(h("p", { class: "error from-script", id: `${target.input.id}-error` }, text));
    }
    if (target) {
      target.field.classList.add("has-error");
      target.input.setAttribute("aria-invalid", "true");
      target.input.setAttribute("aria-describedby", `${target.input.id}-error`);
    }
  }
  const summary = h("div", { class: "error-summary from-script", role: "alert", tabindex: "-1" },
    h("h2", {}, message || _("Vui lòng kiểm tra lại các mục sau")), links.length ? h("ul", {}, links) : null);
  form.before(summary);
  if (focus) summary.focus();
}

// The summary lists the mistakes as the form asks its questions, wherever they came from.
function inFormOrder(form, messages) {
  const rows = Object.entries(messages).map(([name, list]) => [name, list, fieldFor(form, name)]);
  const before = (a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1);
  return rows.sort((a, b) => (a[2] && b[2] ? before(a[2].input, b[2].input) : a[2] ? 1 : b[2] ? -1 : 0));
}

function fieldFor(form, name) {
  const req = name.startsWith("documents.") ? name.slice("documents.".length) : null;
  const field = req ? form.querySelector(`[data-requirement="${CSS.escape(req)}"]`) : null;
  const input = field ? field.querySelector("input[type=file]") : form.querySelector(`[name="${CSS.escape(name)}"]`);
  if (!input || !input.id) return null;
  return { input, field: field || input.closest(".field") || input.parentNode };
}
