// Declarations filled online (templates/citizen/_declaration.html): a requirement's form typed
// on the apply form instead of uploaded. A declaration counts once one of its answers is
// filled; then its required answers are asked for, and the manifest carries it as
// `declarations` (by requirement id), absent when none is filled so the payload hashes as before.
import { _ } from "./i18n.js";

const PREFIX = "declarations.";

// {requirement id: {field: answer}} for each declaration with something filled, or undefined.
export function answers(values) {
  const out = {};
  for (const [name, value] of Object.entries(values)) {
    if (!name.startsWith(PREFIX)) continue;
    const [req, ...rest] = name.slice(PREFIX.length).split(".");
    (out[req] ||= {})[rest.join(".")] = String(value).trim();
  }
  for (const req of Object.keys(out)) if (!Object.values(out[req]).some(Boolean)) delete out[req];
  return Object.keys(out).length ? out : undefined;
}

const box = (form, req) => form.querySelector(`[data-declaration="${CSS.escape(String(req))}"]`);

export function filled(form, req) {
  const el = box(form, req);
  return Boolean(el) && [...el.querySelectorAll("input, select, textarea")].some((f) => f.value.trim());
}

// The required answers still empty in each declaration the person started.
export function gaps(form) {
  const missing = {};
  for (const el of form.querySelectorAll("[data-declaration]")) {
    if (!filled(form, el.dataset.declaration)) continue;
    for (const field of el.querySelectorAll("[data-declaration-required] :is(input, select, textarea)")) {
      if (!field.value.trim()) missing[field.name] = [_("Vui lòng nhập thông tin này.")];
    }
  }
  return missing;
}

// A draft restored with answers in it: show them.
export function openFilled(form) {
  for (const el of form.querySelectorAll("details[data-declaration]")) {
    if (filled(form, el.dataset.declaration)) el.open = true;
  }
}
